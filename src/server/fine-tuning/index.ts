// The OpenAI fine-tuning API subset for `serve`: fine-tune the embedded checkpoints it serves with
// any OpenAI fine-tuning client, then chat with the result under its `ft:` model id. The server
// mounts the routes and asks `resolve` for fine-tuned models it does not know yet.
import { basename, isAbsolute, relative, resolve } from 'node:path';
import type { Hono } from 'hono';
import { isCheckpoint } from '../../engine/index.js';
import type { Task } from '../../spec/task.js';
import { embeddedCheckpoint } from '../served-models.js';
import type { ServedModel } from '../server-app.js';
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
}

export interface FineTuningApi {
  /** Adds the routes to the server app. */
  mount(app: Hono): void;
  /** A fine-tuned model by its `ft:` id, loaded on first use. */
  resolve(name: string): Promise<ServedModel | undefined>;
  /** Cancels running jobs, closes loaded models. */
  close(): Promise<void>;
  readonly store: FineTuningStore;
  readonly runner: FineTuningRunner;
}

/** Builds the API over the folder `options.dir`. */
export function fineTuningApi(options: FineTuningApiOptions): FineTuningApi {
  const store = new FineTuningStore(resolve(options.dir));
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
    if (!options.checkpoints) return undefined;
    const root = resolve(options.checkpoints);
    const dir = isAbsolute(name) ? resolve(name) : resolve(root, name);
    const rel = relative(root, dir);
    return !rel.startsWith('..') && !isAbsolute(rel) && isCheckpoint(dir) ? dir : undefined;
  };
  const runner = new FineTuningRunner({ store, checkpointOf, gguf: options.gguf });
  const loaded = new Map<string, Promise<ServedModel>>();
  return {
    store,
    runner,
    mount: (app) => mountFineTuning(app, store, runner),
    resolve(name) {
      const job = store.jobForModel(name);
      if (!job?.checkpoint) return Promise.resolve(undefined);
      let model = loaded.get(name);
      if (!model) {
        model = embeddedCheckpoint(job.checkpoint, name, options.task);
        loaded.set(name, model);
      }
      return model;
    },
    async close() {
      await runner.close();
      for (const m of loaded.values()) await (await m.catch(() => undefined))?.model.close?.();
    },
  };
}

/** The server hooks this API needs: its routes, its models, its shutdown. */
export interface ServerHooks {
  readonly resolve?: (name: string) => Promise<ServedModel | undefined>;
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
