// What `serve` can serve: embedded checkpoints (batched across concurrent requests), any
// checkpoint under a folder on first use, a proxied upstream OpenAI-compatible model, and the
// fixed-latency benchmark model.
import { basename, isAbsolute, relative, resolve } from 'node:path';
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
import type { ServedModel } from './server-app.js';

/** Loads an embedded checkpoint directory as a served model, batching concurrent requests. */
export async function embeddedCheckpoint(
  dir: string,
  name = basename(resolve(dir)),
  task?: Task,
): Promise<ServedModel> {
  if (!isCheckpoint(dir)) {
    throw new InvalidInputError(`${dir} is not an embedded checkpoint (no config.json)`, {
      field: '--model',
    });
  }
  const loader = new EmbeddedTrainer({ outputDir: resolve(dir, '..') });
  const model = await loader.load({ kind: 'embedded', id: resolve(dir) });
  return { name, model: new BatchingLanguageModel(model), task, ownedBy: 'self-evolve' };
}

/**
 * Serves any checkpoint under `root` on first use, by its path relative to `root` or its
 * absolute path (which must lie under `root`). Returns the resolver and a closer.
 */
export function checkpointResolver(root: string, task?: Task) {
  const base = resolve(root);
  const loaded = new Map<string, Promise<ServedModel | undefined>>();
  const resolveName = (name: string) => {
    const dir = isAbsolute(name) ? resolve(name) : resolve(base, name);
    const rel = relative(base, dir);
    if (rel.startsWith('..') || isAbsolute(rel) || !isCheckpoint(dir)) return undefined;
    return dir;
  };
  return {
    resolve(name: string): Promise<ServedModel | undefined> {
      let model = loaded.get(name);
      if (!model) {
        const dir = resolveName(name);
        model = dir ? embeddedCheckpoint(dir, name, task) : Promise.resolve(undefined);
        loaded.set(name, model);
      }
      return model;
    },
    async close(): Promise<void> {
      for (const m of loaded.values()) await (await m)?.model.close?.();
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
