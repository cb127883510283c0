// Scores completions produced anywhere against a benchmark's test file: JSONL lines
// `{"index", "completion"}`, `index` being the 0-based position of the problem in the test file.
import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../spec/errors.js';
import type { Problem } from '../spec/task.js';
import { scoreCompletion } from './answer-extraction.js';

export interface Prediction {
  readonly index: number;
  readonly completion: string;
}

/** Strict and flexible accuracy over the scored predictions. */
export interface ScoreReport {
  /** Predictions scored. */
  readonly scored: number;
  /** Problems in the test file. */
  readonly problems: number;
  readonly strict_correct: number;
  readonly flexible_correct: number;
  readonly strict_accuracy: number;
  readonly flexible_accuracy: number;
}

/** Reads a predictions JSONL file; every problem is an error with its line. */
export function readPredictions(file: string, problemCount: number): Prediction[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read predictions: ${(error as Error).message}`, { file });
  }
  const seen = new Map<number, number>();
  const out: Prediction[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const at = { file, line: i + 1 };
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new InvalidInputError(`not valid JSON: ${(error as Error).message}`, at);
    }
    const r = row as { index?: unknown; completion?: unknown };
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new InvalidInputError('expected {"index": number, "completion": string}', at);
    }
    if (
      !Number.isInteger(r.index) ||
      (r.index as number) < 0 ||
      (r.index as number) >= problemCount
    ) {
      throw new InvalidInputError(
        `must be an integer from 0 to ${problemCount - 1} (the problem's position in the test file)`,
        { ...at, field: 'index' },
      );
    }
    if (typeof r.completion !== 'string') {
      throw new InvalidInputError('must be a string', { ...at, field: 'completion' });
    }
    const index = r.index as number;
    const first = seen.get(index);
    if (first !== undefined) {
      throw new InvalidInputError(`index ${index} was already given on line ${first}`, {
        ...at,
        field: 'index',
      });
    }
    seen.set(index, i + 1);
    out.push({ index, completion: r.completion });
  });
  if (out.length === 0) throw new InvalidInputError('no predictions in the file', { file });
  return out;
}

/** Scores `predictions` against `problems` with lm-eval's strict and flexible extraction. */
export function scorePredictions(
  problems: readonly Problem[],
  predictions: readonly Prediction[],
): ScoreReport {
  let strict = 0;
  let flexible = 0;
  for (const p of predictions) {
    const s = scoreCompletion(p.completion, problems[p.index].answer ?? '');
    if (s.strict) strict++;
    if (s.flexible) flexible++;
  }
  const n = predictions.length;
  return {
    scored: n,
    problems: problems.length,
    strict_correct: strict,
    flexible_correct: flexible,
    strict_accuracy: strict / n,
    flexible_accuracy: flexible / n,
  };
}
