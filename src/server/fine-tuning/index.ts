// The OpenAI fine-tuning API subset for `serve`: fine-tune the embedded checkpoints it serves with
// any OpenAI fine-tuning client, then chat with the result under its `ft:` model id. The server
// mounts the routes and asks `resolve` for fine-tuned models it does not know yet.
import { basename, resolve } from 'node:path';
import type { Hono } from 'hono';
import type { Task } from '../../spec/task.js';
import { type CheckpointModels, checkpointModels, checkpointUnder } from '../served-models.js';
import type { ServedModel } from '../server-app.js';
import type { StoreLimits } from '../server-limits.js';
import { mountFineTuning } from './fine-tuning-routes.js';
import { FineTuningRunner } from './fine-tuning-runner.js';
import { FineTuningStore } from './fine-tuning-store.js';

export interface FineTuningApiOptions {
  /** Folder for uploaded files, jobs and fine-tuned models (kept across restarts). */
  readonly dir: string;
  /** Checkpoints served by name, as serve's `--model [name=]dir`: these can be fine-tuned. */
  readonly models?: readonly string[];
  /** Any checkpoint under this folder, by its relative path (serve's `--checkpoints`). */
  readonly checkpoints?: string;
  /** Verdict parser for `self_refine` on fine-tuned models. */
  readonly task?: Task;
  /** Add a GGUF of each fine-tuned model to its result files (default true). */
  readonly gguf?: boolean;
  /**
   * Where fine-tuned models are loaded (e.g. shared with `--checkpoints`, so one bound covers
   * both); default a pool of its own, closed with the API.
   */
  readonly loaded?: CheckpointModels;
  /** Files, bytes and pending jobs the store takes (default FINE_TUNING_LIMITS). */
  readonly limits?: Partial<StoreLimits>;
}

export interface FineTuningApi {
  /** Adds the routes to the server app. */
  mount(app: Hono): void;
  /** A fine-tuned model by its `ft:` id, loaded on first use, lent for one request. */
  resolve(name: string): Promise<ServedModel | undefined>;
  /** The ids of the fine-tuned models that exist. */
  names(): string[];
  /** Cancels running jobs, closes loaded models. */
  close(): Promise<void>;
  readonly store: FineTuningStore;
  readonly runner: FineTuningRunner;
}

/** Builds the API over the folder `options.dir`. */
export function fineTuningApi(options: FineTuningApiOptions): FineTuningApi {
  const store = new FineTuningStore(resolve(options.dir), options.limits);
  const named = new Map(
    (options.models ?? []).map((spec) => {
      const at = spec.indexOf('=');
      const dir = at > 0 ? spec.slice(at + 1) : spec;
      return [at > 0 ? spec.slice(0, at) : basename(resolve(dir)), resolve(dir)] as const;
    }),
  );
  const checkpointOf = (name: string): string | undefined => {
    const tuned = store.jobForModel(name)?.checkpoint;
    if (tuned) return tuned;
    if (named.has(name)) return named.get(name);
    return options.checkpoints ? checkpointUnder(options.checkpoints, name) : undefined;
  };
  const runner = new FineTuningRunner({ store, checkpointOf, gguf: options.gguf });
  const loaded = options.loaded ?? checkpointModels({ task: options.task });
  return {
    store,
    runner,
    mount: (app) => mountFineTuning(app, store, runner),
    resolve(name) {
      const job = store.jobForModel(name);
      const dir = job?.checkpoint && checkpointUnder(store.modelsDir, job.checkpoint);
      return dir ? loaded.acquire(dir, name) : Promise.resolve(undefined);
    },
    names: () => store.fineTunedModels(),
    async close() {
      await runner.close();
      if (!options.loaded) await loaded.close();
    },
  };
}

/** The server hooks this API needs: its routes, its models, its shutdown. */
export interface ServerHooks {
  readonly resolve?: (name: string) => Promise<ServedModel | undefined>;
  readonly resolvedNames?: () => readonly string[];
  readonly onClose?: () => Promise<void>;
  readonly extend?: (app: Hono) => void;
}

/**
 * `base` with the fine-tuning API added when `dir` is set (serve's `--fine-tuning <dir>`):
 * fine-tuned models resolve first, then whatever `base` resolves.
 */
export function withFineTuning(
  dir: string | undefined,
  base: ServerHooks,
  options: Omit<FineTuningApiOptions, 'dir'>,
): ServerHooks {
  if (!dir) return base;
  const api = fineTuningApi({ ...options, dir });
  return {
    resolve: async (name) => (await api.resolve(name)) ?? base.resolve?.(name),
    resolvedNames: () => [...api.names(), ...(base.resolvedNames?.() ?? [])],
    onClose: async () => {
      await api.close();
      await base.onClose?.();
    },
    extend: (app) => {
      base.extend?.(app);
      api.mount(app);
    },
  };
}
