// The run-store port: where a SELF run keeps its config, every sample, every model and every metric,
// so that a killed run resumes with nothing lost or repeated. Adapter: SQLite (src/store).
import type { ScoreProblem, Verdict } from './task.js';
import type { ModelRef } from './trainer.js';

export type RunStatus = 'running' | 'finished' | 'failed';

/** One run: a named execution of the pipeline with a fixed config and seed. */
export interface RunRecord {
  readonly name: string;
  readonly status: RunStatus;
  /** The validated config, as plain JSON. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly seed: number;
  /** Directory holding the run's checkpoints and report. */
  readonly dir: string;
  /** ISO-8601 times. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One step of an answer → feedback → refinement trace. */
export interface Attempt {
  /** The response (attempt 0) or refinement (attempt ≥ 1) that was reviewed. */
  readonly text: string;
  /** The model's own critique of `text`, when one was written. */
  readonly feedback?: string;
  /** The verdict read from `feedback`; null when it gave none. */
  readonly verdict?: Verdict | null;
  /** A scored task's self-score read from `feedback`; null when it could not be read. */
  readonly score?: number | null;
  /** Why the score could not be read (`missing`, `out-of-range`), when it could not. */
  readonly scoreProblem?: ScoreProblem;
}

/**
 * One sample: a prompt and what the model (and, in meta-skill learning, the teacher) wrote for it.
 * `stage` names the unit it belongs to (`meta`, `round-2`, `eval:base`); `(chunk, index)` is
 * its position, stable across resumes.
 */
export interface SampleRecord {
  readonly stage: string;
  readonly chunk: number;
  readonly index: number;
  readonly problemId: string;
  readonly prompt: string;
  /** The first response. */
  readonly response: string;
  /** The critique of the first response (the model's, or the teacher's in `meta`). */
  readonly feedback?: string;
  readonly verdict?: Verdict | null;
  /** The last refinement written, if any. */
  readonly refinement?: string;
  /** The full trace: attempt 0 is the response, then each refinement with its own feedback. */
  readonly attempts: readonly Attempt[];
  /** Whether the sample went into training data. */
  readonly kept: boolean;
  /** Why it was kept or dropped, e.g. `self-verdict correct`, `refinement still wrong`. */
  readonly reason: string;
  readonly seed: number;
  /** Tokens generated for this sample. */
  readonly tokens: number;
}

/** A model produced by a stage, recorded only once its checkpoint is completely written. */
export interface ModelRecord {
  /** Name within the run: `base`, `meta`, `round-1`, ... */
  readonly name: string;
  readonly ref: ModelRef;
  /** Name of the model it was trained from, within the run. */
  readonly parent?: string;
  readonly createdAt: string;
}

/** A stage's summary numbers, written when the stage finishes. Free-form JSON. */
export interface StageRecord {
  readonly name: string;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly seconds: number;
  readonly finishedAt: string;
}

/** Creating a run. */
export interface NewRun {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly dir: string;
}

/**
 * Storage for runs. Every write is atomic: a chunk of samples is stored whole or not at all.
 * Synchronous, since the default adapter is an embedded database.
 */
export interface RunStore {
  /** Creates a run; with `force`, first deletes an existing run of that name and all it holds. */
  createRun(run: NewRun, options?: { force?: boolean }): RunRecord;
  getRun(name: string): RunRecord | undefined;
  /** Newest first. */
  listRuns(): RunRecord[];
  setStatus(name: string, status: RunStatus): void;
  /** Replaces a run's stored config (for the few settings a resume may change, e.g. the budget). */
  setConfig(name: string, config: Readonly<Record<string, unknown>>): void;
  deleteRun(name: string): void;

  /** Stores one chunk of samples in one transaction; a chunk already stored is an error. */
  putChunk(run: string, stage: string, chunk: number, samples: readonly SampleRecord[]): void;
  /** Chunk numbers already stored for a stage. */
  chunks(run: string, stage: string): Set<number>;
  /** Samples of a stage (or of every stage), ordered by stage, chunk and index. */
  samples(run: string, stage?: string): SampleRecord[];
  /** Deletes a stage's samples (used when a stage's config changed; never by resume). */
  clearStage(run: string, stage: string): void;

  putModel(run: string, model: ModelRecord): void;
  getModel(run: string, name: string): ModelRecord | undefined;
  models(run: string): ModelRecord[];

  putStage(run: string, stage: StageRecord): void;
  getStage(run: string, name: string): StageRecord | undefined;
  stages(run: string): StageRecord[];

  close(): void;
}
