// Runs one embedded training on a worker thread, so that two trainings can use the cores at once:
// the engine's kernels split a batch-4 step poorly across threads, and two such trainings side by
// side on one thread each finish sooner than one after the other on two (docs/results.md, "What
// the twins cost"). The kernels give the same bits whatever their thread count, so the weights
// are those an in-process training writes.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as errors from '../spec/errors.js';
import type { ModelRef, TrainOptions, TrainProgress, TrainRequest } from '../spec/trainer.js';

/** What the worker is given: the request and how to build its own trainer. */
export interface TrainWorkerData {
  readonly request: TrainRequest;
  readonly outputDir: string;
  readonly overwrite?: boolean;
  /** The adapter the main thread resolved (never `auto`: a fallback must not differ silently). */
  readonly kernels: 'js' | 'wasm';
  readonly threads: number;
}

/** An error as it crosses the thread boundary: its class name and own fields (code, hint, at…). */
export interface WorkerError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** What the worker posts: progress while it trains, then its result or its error. */
export type TrainWorkerMessage =
  | { readonly type: 'progress'; readonly progress: TrainProgress }
  | { readonly type: 'done'; readonly ref: ModelRef }
  | { readonly type: 'error'; readonly error: WorkerError };

/** How long a worker that has posted its result may take to exit before it is terminated. */
const EXIT_GRACE_MS = 10_000;

/**
 * The compiled worker. It is always the one in dist/ (this resolves to it from src/engine/ as
 * from dist/engine/). Run from the TypeScript sources (the tests), it counts only when it is newer
 * than every source of the engine and the ports, so a stale build is never compared with current
 * code; undefined when missing or stale, and the trainer then trains in process.
 */
export function trainWorkerFile(): string | undefined {
  const file = fileURLToPath(new URL('../../dist/engine/train-worker.js', import.meta.url));
  if (!existsSync(file)) return undefined;
  if (!import.meta.url.endsWith('.ts')) return file;
  const built = statSync(file).mtimeMs;
  const sources = ['../engine', '../spec'].map((d) => fileURLToPath(new URL(d, import.meta.url)));
  return sources.every((dir) => newestMtime(dir) <= built) ? file : undefined;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      // parentPath from Node 20.12; `path` before.
      const parent = entry.parentPath ?? (entry as unknown as { path: string }).path;
      newest = Math.max(newest, statSync(join(parent, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** Trains `job.request` on a worker thread; progress, cancellation and errors as in process. */
export function trainInWorker(
  file: string,
  job: TrainWorkerData,
  options: TrainOptions = {},
): Promise<ModelRef> {
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.reject(new errors.CancelledError('training cancelled'));
  return new Promise<ModelRef>((resolve, reject) => {
    const worker = new Worker(file, { workerData: job });
    let outcome: { ref: ModelRef } | { error: Error } | undefined;
    let grace: NodeJS.Timeout | undefined;
    const abort = () => worker.postMessage({ type: 'abort' });
    signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', (message: TrainWorkerMessage) => {
      if (message.type === 'progress') {
        try {
          onProgress?.(message.progress);
        } catch (error) {
          // As in process: a throwing progress callback fails the training.
          outcome ??= { error: error as Error };
          abort();
        }
        return;
      }
      if (!outcome || !('error' in outcome)) {
        outcome =
          message.type === 'done' ? { ref: message.ref } : { error: rebuild(message.error) };
      }
      grace = setTimeout(() => void worker.terminate(), EXIT_GRACE_MS).unref();
    });
    worker.on('error', (error) => {
      outcome ??= { error };
    });
    worker.on('exit', (code) => {
      clearTimeout(grace);
      signal?.removeEventListener('abort', abort);
      if (outcome && 'ref' in outcome) resolve(outcome.ref);
      else reject(outcome?.error ?? new Error(`the training worker exited with code ${code}`));
    });
  });
}

/** Our error classes by name, so that a rebuilt error is still `instanceof` its class. */
const CLASSES: Readonly<Record<string, new (...args: never[]) => Error>> = {
  SelfEvolveError: errors.SelfEvolveError,
  InvalidInputError: errors.InvalidInputError,
  CheckpointError: errors.CheckpointError,
  ContextLengthError: errors.ContextLengthError,
  ProviderError: errors.ProviderError,
  BudgetExceededError: errors.BudgetExceededError,
  TrainerError: errors.TrainerError,
  CancelledError: errors.CancelledError,
};

/** An error the worker posted, as the main thread would have caught it in process. */
function rebuild(posted: WorkerError): Error {
  const ours = 'code' in posted.fields;
  const Class = CLASSES[posted.name] ?? (ours ? errors.SelfEvolveError : Error);
  const error = Object.create(Class.prototype) as Error;
  Object.assign(error, posted.fields);
  for (const key of ['name', 'message', 'stack'] as const) {
    const value = posted[key];
    if (value !== undefined) {
      Object.defineProperty(error, key, { value, writable: true, configurable: true });
    }
  }
  if (ours) Object.defineProperty(error, Symbol.for('self-evolve.error'), { value: true });
  return error;
}

/** An error caught in the worker, as it can be posted (own fields that survive a clone). */
export function toWorkerError(caught: unknown): WorkerError {
  const error = caught instanceof Error ? caught : new Error(String(caught));
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value !== 'function' && typeof value !== 'symbol') fields[key] = value;
  }
  try {
    structuredClone(fields);
  } catch {
    return { name: error.name, message: error.message, stack: error.stack, fields: {} };
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
}
