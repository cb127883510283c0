// Quality numbers from stored samples and ground truth. Ground truth enters here for reporting
// only: accuracy, how often the model's verdict "wrong" is right, flips, and kept-set precision.

import { isFailed } from '../self/failures.js';
import type { SampleRecord } from '../spec/run-store.js';
import type { Task } from '../spec/task.js';
import { finalAttempt, type ScoreMetrics, scoreMetrics } from './score-metrics.js';

/** How a model did on a labelled set, directly and with online refinement. */
export interface EvalMetrics {
  readonly n: number;
  readonly direct_acc: number;
  readonly refined_acc: number;
  /** Of the first answers the model called wrong, the fraction that were wrong; null if none. */
  readonly feedback_precision: number | null;
  /** Of the first answers that were wrong, the fraction the model called wrong; null if none. */
  readonly feedback_recall: number | null;
  /** Refinement turned a wrong first answer right / a right one wrong. */
  readonly wrong_to_right: number;
  readonly right_to_wrong: number;
  /** Mean refinement steps taken per problem. */
  readonly refine_steps: number;
  readonly tokens: number;
  /** Problems whose own request failed (counted as wrong); see src/self/failures.ts. */
  readonly errors: number;
  /** A scored task's self-scores and reference grades; absent for a correct/wrong task. */
  readonly scores?: ScoreMetrics;
}

/** What a data-building stage generated and kept. */
export interface KeptMetrics {
  readonly generated: number;
  readonly kept: number;
  /** Fraction of kept samples whose final answer is right; null when nothing was kept. */
  readonly kept_precision: number | null;
  /** Fraction of the samples with a right final answer that were kept; null when none was right. */
  readonly kept_recall: number | null;
  /** Fraction of first answers that were right (the model's accuracy on these prompts). */
  readonly first_acc: number;
  readonly feedback_precision: number | null;
  readonly feedback_recall: number | null;
  readonly tokens: number;
  /** Samples whose own request failed (never kept). */
  readonly errors: number;
  /** A scored task's self-scores and reference grades; absent for a correct/wrong task. */
  readonly scores?: ScoreMetrics;
}

/** `{scores}` for a scored task, nothing otherwise (the metrics of other tasks are unchanged). */
function scoresOf(...args: Parameters<typeof scoreMetrics>): { scores?: ScoreMetrics } {
  const scores = scoreMetrics(...args);
  return scores ? { scores } : {};
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** The final text of a sample: its last refinement, or the response. */
export function finalOf(s: SampleRecord): string {
  return s.refinement ?? s.response;
}

function verdictQuality(
  task: Task,
  samples: readonly SampleRecord[],
  answers: ReadonlyMap<string, string>,
) {
  let calledWrong = 0;
  let calledWrongAndWrong = 0;
  let wrong = 0;
  for (const { s, answer } of labelled(samples, answers)) {
    const isWrong = !task.isCorrect(s.response, answer);
    const said = s.attempts[0]?.verdict ?? s.verdict;
    if (isWrong) wrong++;
    if (said === 'wrong') {
      calledWrong++;
      if (isWrong) calledWrongAndWrong++;
    }
  }
  return {
    feedback_precision: ratio(calledWrongAndWrong, calledWrong),
    feedback_recall: ratio(calledWrongAndWrong, wrong),
  };
}

/** Samples paired with their reference answer; samples without one are left out of quality numbers. */
function labelled(samples: readonly SampleRecord[], answers: ReadonlyMap<string, string>) {
  return samples.flatMap((s) => {
    const answer = answers.get(s.problemId);
    return answer === undefined ? [] : [{ s, answer }];
  });
}

/** Metrics of an evaluation: one sample per labelled problem. */
export function evalMetrics(
  task: Task,
  samples: readonly SampleRecord[],
  answers: ReadonlyMap<string, string>,
): EvalMetrics {
  let direct = 0;
  let refined = 0;
  let up = 0;
  let down = 0;
  let steps = 0;
  let tokens = 0;
  const rows = labelled(samples, answers);
  for (const { s, answer } of rows) {
    const a = task.isCorrect(s.response, answer);
    const b = task.isCorrect(finalOf(s), answer);
    direct += a ? 1 : 0;
    refined += b ? 1 : 0;
    if (!a && b) up++;
    if (a && !b) down++;
    steps += s.attempts.length - 1;
    tokens += s.tokens;
  }
  const n = rows.length;
  return {
    n,
    direct_acc: ratio(direct, n) ?? 0,
    refined_acc: ratio(refined, n) ?? 0,
    ...verdictQuality(task, samples, answers),
    wrong_to_right: up,
    right_to_wrong: down,
    refine_steps: ratio(steps, n) ?? 0,
    tokens,
    errors: samples.filter(isFailed).length,
    ...scoresOf(task, samples, answers, (s) => s.attempts[finalAttempt(s)]?.verdict === 'correct'),
  };
}

/** Metrics of a data-building stage (meta-skills or a self-evolution round). */
export function keptMetrics(
  task: Task,
  samples: readonly SampleRecord[],
  answers: ReadonlyMap<string, string>,
): KeptMetrics {
  const rows = labelled(samples, answers);
  const kept = rows.filter(({ s }) => s.kept);
  const keptRight = kept.filter(({ s, answer }) => task.isCorrect(finalOf(s), answer)).length;
  const finalRight = rows.filter(({ s, answer }) => task.isCorrect(finalOf(s), answer)).length;
  const firstRight = rows.filter(({ s, answer }) => task.isCorrect(s.response, answer)).length;
  return {
    generated: samples.length,
    kept: samples.filter((s) => s.kept).length,
    kept_precision: ratio(keptRight, kept.length),
    kept_recall: ratio(keptRight, finalRight),
    first_acc: ratio(firstRight, rows.length) ?? 0,
    ...verdictQuality(task, samples, answers),
    tokens: samples.reduce((n, s) => n + s.tokens, 0),
    errors: samples.filter(isFailed).length,
    ...scoresOf(task, samples, answers, (s) => s.kept),
  };
}
