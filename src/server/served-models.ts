// What `serve` can serve: embedded checkpoints (batched across concurrent requests), any
// checkpoint under a folder on first use, a proxied upstream OpenAI-compatible model, and the
// fixed-latency benchmark model.
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { EmbeddedTrainer, isCheckpoint } from '../engine/index.js';
import { BatchingLanguageModel } from '../providers/batching-language-model.js';
import { callWithRetries } from '../providers/call-with-retries.js';
import type { ChatMessage } from '../providers/chat-template.js';
import { FixedLatencyBenchmarkModel } from '../providers/fixed-latency-benchmark-model.js';
import { GuardedLanguageModel } from '../providers/guarded-language-model.js';
import { TeacherLanguageModel } from '../providers/model-teacher.js';
import {
  createOpenAICompatibleModel,
  type OpenAICompatibleOptions,
} from '../providers/openai-compatible.js';
import { DEFAULT_RETRY_POLICY } from '../providers/retry-policy.js';
import { InvalidInputError } from '../spec/errors.js';
import type { SamplingOptions } from '../spec/language-model.js';
import type { Task, Teacher } from '../spec/task.js';
import { ModelCache } from './model-cache.js';
import type { ServedModel } from './server-app.js';
import { CHAT_LIMITS, HTTP_LIMITS } from './server-limits.js';

/**
 * Loads an embedded checkpoint directory as a served model, batching concurrent requests. With
 * `loader`, the model shares its kernels (close the loader after the model); without, it gets
 * its own, released when the model is closed.
 */
export async function embeddedCheckpoint(
  dir: string,
  name = basename(resolve(dir)),
  task?: Task,
  loader?: EmbeddedTrainer,
): Promise<ServedModel> {
  if (!isCheckpoint(dir)) {
    throw new InvalidInputError(`${dir} is not an embedded checkpoint (no config.json)`, {
      field: '--model',
    });
  }
  const own = loader ? undefined : new EmbeddedTrainer({ outputDir: resolve(dir, '..') });
  const inner = await (loader ?? own)!.load({ kind: 'embedded', id: resolve(dir) });
  const model = new BatchingLanguageModel(inner);
  if (own) {
    const closeModel = model.close.bind(model);
    model.close = async () => {
      await closeModel();
      await own.close();
    };
  }
  return { name, model, task, ownedBy: 'self-evolve', fingerprint: weightsDigest(dir) };
}

/** The weights' SHA-256 recorded in a checkpoint's config.json (written with the weights). */
function weightsDigest(dir: string): string | undefined {
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
      weights?: { sha256?: unknown };
    };
    return typeof config.weights?.sha256 === 'string'
      ? `sha256:${config.weights.sha256}`
      : undefined;
  } catch {
    return undefined;
  }
}

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
};

/**
 * The checkpoint folder that `name` (relative to `root`, or absolute) names, when it is one and
 * it lies under `root` once every symlink is resolved: the folder and each of its files. Else
 * undefined. Returns the real path.
 */
export function checkpointUnder(root: string, name: string): string | undefined {
  if (!name || name.length > CHAT_LIMITS.modelName || name.includes('\0')) return undefined;
  try {
    const realRoot = realpathSync(root);
    const dir = realpathSync(isAbsolute(name) ? name : resolve(realRoot, name));
    if (!inside(realRoot, dir) || !isCheckpoint(dir)) return undefined;
    for (const file of readdirSync(dir)) {
      if (!inside(realRoot, realpathSync(join(dir, file)))) return undefined;
    }
    return dir;
  } catch {
    // Missing, unreadable or a dangling symlink: not a checkpoint we serve.
    return undefined;
  }
}

export interface CheckpointModelsOptions {
  /** Most checkpoints loaded at once (default HTTP_LIMITS.loadedModels). */
  readonly maxLoaded?: number;
  /** Verdict parser for `self_refine`. */
  readonly task?: Task;
}

/**
 * Checkpoints loaded on demand, at most `maxLoaded` at once, sharing one set of kernels. Lend one
 * with `acquire(dir, name)`; `close()` closes every model, then the kernels.
 */
export function checkpointModels(options: CheckpointModelsOptions = {}) {
  const cache = new ModelCache({ maxLoaded: options.maxLoaded ?? HTTP_LIMITS.loadedModels });
  let loader: EmbeddedTrainer | undefined;
  return {
    cache,
    /** The checkpoint at real path `dir`, lent to one request under `name`. */
    acquire(dir: string, name: string): Promise<ServedModel> {
      loader ??= new EmbeddedTrainer({ outputDir: dir });
      const shared = loader;
      return cache.acquire(dir, name, () => embeddedCheckpoint(dir, name, options.task, shared));
    },
    names: () => cache.names(),
    async close(): Promise<void> {
      await cache.close();
      await loader?.close();
      loader = undefined;
    },
  };
}

export type CheckpointModels = ReturnType<typeof checkpointModels>;

/**
 * Serves any checkpoint under `root` on first use, by its path relative to `root` or its
 * absolute path (which must lie under `root`, symlinks resolved). Loaded models go to `models`
 * (default: a pool of its own, closed by `close`); names that find nothing are not remembered.
 */
export function checkpointResolver(
  root: string,
  task?: Task,
  options: { maxLoaded?: number; models?: CheckpointModels } = {},
) {
  const models = options.models ?? checkpointModels({ maxLoaded: options.maxLoaded, task });
  return {
    /** The model named `name`, lent for one request (the server releases it), or undefined. */
    resolve(name: string): Promise<ServedModel | undefined> {
      const dir = checkpointUnder(root, name);
      return dir ? models.acquire(dir, name) : Promise.resolve(undefined);
    },
    /** Names of the checkpoints loaded now. */
    names: () => models.names(),
    async close(): Promise<void> {
      if (!options.models) await models.close();
    },
  };
}

/**
 * Proxy mode: plain chats go to the upstream unchanged (messages as sent); self-refinement and
 * SELF episodes use the chat templates. Both go through retries; SELF sections also through the
 * guard's concurrency limit.
 */
export function upstreamModel(
  name: string,
  options: OpenAICompatibleOptions,
  guard: { concurrency?: number; timeoutMs?: number } = {},
  task?: Task,
): ServedModel {
  const upstream = createOpenAICompatibleModel(options);
  const timeoutMs = guard.timeoutMs ?? 120_000;
  return {
    name,
    model: new GuardedLanguageModel(upstream, guard),
    task,
    ownedBy: 'upstream',
    chat: (messages: ChatMessage[], sampling: SamplingOptions, signal?: AbortSignal) =>
      callWithRetries((attempt) => upstream.chat(messages, sampling, attempt), {
        what: upstream.id,
        policy: DEFAULT_RETRY_POLICY,
        timeoutMs,
        signal,
      }),
  };
}

/** The fixed-latency benchmark model: not a language model, a stand-in with a fixed delay. */
export function fixedLatencyBenchmark(latencyMs: number): ServedModel {
  const model = new FixedLatencyBenchmarkModel(latencyMs);
  return { name: 'fixed-latency-benchmark', model, ownedBy: 'benchmark' };
}

/** A task's programmatic teacher (e.g. the equations checker) served as a model named by its id. */
export function programmaticTeacher(teacher: Teacher): ServedModel {
  return { name: teacher.id, model: new TeacherLanguageModel(teacher), ownedBy: 'teacher' };
}
