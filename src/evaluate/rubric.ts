// Single-answer rubric scoring: the judge scores each answer against a rubric on a declared scale;
// the report gives the mean and the distribution of the scores read, and counts the judge answers
// that gave no score (or one off the scale) apart.

import type { Judge, RubricScale } from '../spec/judge.js';
import type { CompleteOptions } from '../spec/language-model.js';
import type { Problem } from '../spec/task.js';
import { parseRubricScore } from './judge-verdicts.js';

/** The default scale: 1 (worst) to 10 (best). */
export const DEFAULT_RUBRIC_SCALE: RubricScale = { min: 1, max: 10 };

export interface RubricItem {
  readonly problem: Problem;
  readonly answer: string;
}

export interface RubricJudgement {
  readonly id: string;
  readonly text: string;
  readonly score: number | null;
  /** Why `text` gave no score on the scale (or why the call failed). */
  readonly unparseable?: string;
}

export interface RubricReport {
  readonly scale: RubricScale;
  /** Answers judged. */
  readonly n: number;
  /** Answers with a score on the scale. */
  readonly scored: number;
  /** Judge answers without a score, with one off the scale, or whose call failed. */
  readonly unparseable: number;
  /** Mean of the scores read; null when none was. */
  readonly mean: number | null;
  /** How many answers got each score of the scale, every score listed (`"1"` … `"10"`). */
  readonly distribution: Readonly<Record<string, number>>;
  readonly judgements: readonly RubricJudgement[];
}

export interface ScoreWithRubricOptions extends CompleteOptions {
  readonly judge: Judge;
  readonly items: readonly RubricItem[];
  /** What a good answer does, in words the judge reads. */
  readonly rubric: string;
  readonly scale?: RubricScale;
}

/** Scores every answer against the rubric (one judge request each, in one batch). */
export async function scoreWithRubric(options: ScoreWithRubricOptions): Promise<RubricReport> {
  const scale = options.scale ?? DEFAULT_RUBRIC_SCALE;
  const answers = await options.judge.judge(
    options.items.map((item) => ({
      kind: 'rubric',
      problem: item.problem,
      answer: item.answer,
      rubric: options.rubric,
      scale,
    })),
    { signal: options.signal, onProgress: options.onProgress },
  );
  const judgements = options.items.map((item, i): RubricJudgement => {
    const { text, error } = answers[i];
    const id = item.problem.id;
    if (error !== undefined) return { id, text, score: null, unparseable: `call failed: ${error}` };
    const parsed = parseRubricScore(text, scale);
    return 'value' in parsed
      ? { id, text, score: parsed.value }
      : { id, text, score: null, unparseable: parsed.unparseable };
  });
  const scores = judgements.flatMap((j) => (j.score === null ? [] : [j.score]));
  const distribution: Record<string, number> = {};
  for (let s = scale.min; s <= scale.max; s++) distribution[String(s)] = 0;
  for (const s of scores) distribution[String(s)]++;
  return {
    scale,
    n: judgements.length,
    scored: scores.length,
    unparseable: judgements.length - scores.length,
    mean: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    distribution,
    judgements,
  };
}
