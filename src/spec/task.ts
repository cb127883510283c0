// The task port: what a problem looks like and how answers are read and checked. Ground truth is
// used only to build the meta-skill corpus and to report quality, never inside self-evolution.

/** One problem. `answer` is ground truth when known; `solution` a worked reference solution. */
export interface Problem {
  readonly id: string;
  readonly prompt: string;
  readonly answer?: string;
  readonly solution?: string;
}

/** A critique's conclusion about the answer it reviewed. */
export type Verdict = 'correct' | 'wrong';

/** The scale of a scored verdict: a critique ends with a score in [min, max]; `threshold` and above is `correct`. */
export interface ScoreScale {
  readonly min: number;
  readonly max: number;
  readonly threshold: number;
}

/** Why a critique's score could not be read: no score line, or a score outside the scale. */
export type ScoreProblem = 'missing' | 'out-of-range';

/** A critique's score as read: the score, or why there is none (then the critique has no verdict). */
export type ScoreReading =
  | { readonly score: number; readonly problem?: undefined }
  | { readonly problem: ScoreProblem; readonly raw?: string };

/** A score verdict instead of correct/wrong: how a critique's score line is read, and the reference grade. */
export interface TaskScore {
  readonly scale: ScoreScale;
  /** The score a feedback text ends with, or why it has none. */
  parseScore(feedback: string): ScoreReading;
  /**
   * The reference (ground-truth) grade of `text` for `problem`, in [0, 1]; like `isCorrect`, for
   * building D_meta and reporting only.
   */
  grade?(problem: Problem, text: string): number;
}

export interface Task {
  readonly name: string;
  /**
   * A scored task's critiques end with a score; its verdict is derived (score ≥ threshold:
   * `correct`), and a missing or out-of-range score is no verdict.
   */
  readonly score?: TaskScore;
  /** The final answer written in a response or refinement, normalised; undefined if none. */
  extractAnswer(text: string): string | undefined;
  /** Whether `text` reaches the ground-truth `answer`. For building D_meta and reporting only. */
  isCorrect(text: string, answer: string): boolean;
  /** The verdict a feedback text ends with; undefined when it gives none. */
  parseVerdict(feedback: string): Verdict | undefined;
  /**
   * Why `prompt` is not a well-formed prompt of this task (a reason), or undefined when it is.
   * Screens self-proposed prompts (`evolve.propose`); without it every non-empty prompt passes.
   */
  validatePrompt?(prompt: string): string | undefined;
  /**
   * How a bare answer is written as a response, for labelled problems without a worked solution
   * (D_QA trains it); the answer as it is when absent.
   */
  formatAnswer?(answer: string): string;
  /** Seedable problem generator, for tasks that have one. */
  generate?(n: number, seed: number): Problem[];
}

/** Writes feedback and refinements for a student's answers: a checker program or a strong model. */
export interface Teacher {
  readonly id: string;
  /** A critique of `response` ending in a verdict, and a corrected answer when it is wrong. */
  review(problem: Problem, response: string): Promise<{ feedback: string; refinement?: string }>;
}
