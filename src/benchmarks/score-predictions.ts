// Scores completions produced anywhere against a benchmark's test file: JSONL lines
// `{"index", "completion"}`, `index` being the 0-based position of the problem in the test file.

import { readJsonlObjects } from '../data/records.js';
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
  const seen = new Map<number, number>();
  const out: Prediction[] = [];
  const shape = '{"index": number, "completion": string}';
  readJsonlObjects(file, 'predictions', shape, (r, at) => {
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
    seen.set(index, at.line);
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
