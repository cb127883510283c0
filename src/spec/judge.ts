// The judge port: a model or a program that compares two answers to a problem, or scores one
// against a rubric, and answers in text the evaluation parses strictly (src/evaluate/judge-verdicts).
import type { CompleteOptions } from './language-model.js';
import type { Problem } from './task.js';

/** Which of two answers to `problem` is better: `first` (shown as A) or `second` (shown as B)? */
export interface PairwiseJudgeRequest {
  readonly kind: 'pairwise';
  readonly problem: Problem;
  readonly first: string;
  readonly second: string;
}

/** An inclusive range of whole-number scores, e.g. 1 to 10. */
export interface RubricScale {
  readonly min: number;
  readonly max: number;
}

/** How well does `answer` to `problem` meet `rubric`, on `scale`? */
export interface RubricJudgeRequest {
  readonly kind: 'rubric';
  readonly problem: Problem;
  readonly answer: string;
  readonly rubric: string;
  readonly scale: RubricScale;
}

export type JudgeRequest = PairwiseJudgeRequest | RubricJudgeRequest;

/** What the judge wrote for one request; `error` when its call failed (no text to read). */
export interface JudgeAnswer {
  readonly text: string;
  readonly error?: string;
}

/** Judges requests in a batch: one answer per request, in request order. */
export interface Judge {
  /** Stable identifier, e.g. `model:openai:gpt-4o` or `programmatic:equations`. */
  readonly id: string;
  judge(requests: readonly JudgeRequest[], options?: CompleteOptions): Promise<JudgeAnswer[]>;
  close?(): Promise<void>;
}
