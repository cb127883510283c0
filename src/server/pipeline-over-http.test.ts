// The SELF pipeline with every model call over HTTP to `serve` (student checkpoints and the
// teacher), through a proxy that answers 429, 500, slow and truncated responses at random: the
// run completes with exactly the samples and kept set of a clean in-process run of the same seed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeConfig, parseRunConfig } from '../config/run-config.js';
import { EmbeddedTrainer } from '../engine/index.js';
import { GuardedLanguageModel } from '../providers/guarded-language-model.js';
import { HttpModelLoader } from '../providers/http-model-loader.js';
import { ModelTeacher } from '../providers/model-teacher.js';
import { createOpenAICompatibleModel } from '../providers/openai-compatible.js';
import { UsageLedger } from '../providers/usage-ledger.js';
import { studentRef } from '../runtime/model-factory.js';
import { runPipeline } from '../self/pipeline.js';
import type { RunStore } from '../spec/run-store.js';
import type { Teacher } from '../spec/task.js';
import type { ModelLoader } from '../spec/trainer.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { createTask } from '../tasks/task-registry.js';
import { startFaultProxy } from '../testing/fault-proxy.js';
import { TINY_CONFIG } from '../testing/test-configs.js';
import { checkpointResolver, programmaticTeacher } from './served-models.js';
import { startServer } from './start-server.js';

// The pipeline's tiny test config, smaller still: the plumbing is under test, not the gains.
const CONFIG = parseRunConfig(
  mergeConfig(TINY_CONFIG, {
    seed: 5,
    data: { train: 200, test: 16 },
    base: { train: { steps: 30, batchSize: 16 } },
    meta: { prompts: 32, train: { steps: 20, batchSize: 16 } },
    evolve: { prompts: 24, train: { steps: 5, batchSize: 8 } },
  }),
);

const PARAMS = (CONFIG.task as { params: Record<string, unknown> }).params;
const root = mkdtempSync(join(tmpdir(), 'self-http-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function runOnce(
  name: string,
  wire: (
    dir: string,
  ) => Promise<{ loader: ModelLoader; teacher: Teacher; close?: () => Promise<void> }>,
) {
  const dir = join(root, name);
  const store: RunStore = new SqliteRunStore(join(dir, 'runs.db'));
  const { task } = createTask('equations', PARAMS);
  const trainer = new EmbeddedTrainer({ outputDir: join(dir, 'models'), overwrite: true });
  const wired = await wire(join(dir, 'models'));
  try {
    store.createRun({ name, config: CONFIG, seed: CONFIG.seed, dir });
    const summary = await runPipeline({
      run: name,
      settings: CONFIG,
      ports: { store, trainer, task, start: studentRef(CONFIG.models.student), ...wired },
    });
    const samples = ['meta', 'round-1', 'eval:round-1'].map((stage) =>
      store.samples(name, stage).map((s) => ({
        prompt: s.prompt,
        response: s.response,
        feedback: s.feedback,
        refinement: s.refinement,
        kept: s.kept,
      })),
    );
    return { summary, samples };
  } finally {
    await wired.close?.();
    store.close();
  }
}

describe('SELF over HTTP', () => {
  it('survives a faulty upstream with the same kept set as a clean run, counting retries', async () => {
    const clean = await runOnce('clean', async (models) => {
      const entry = createTask('equations', PARAMS);
      return { loader: new EmbeddedTrainer({ outputDir: models }), teacher: entry.teacher! };
    });

    const ledger = new UsageLedger();
    let faults = 0;
    const faulty = await runOnce('faulty', async (models) => {
      const resolver = checkpointResolver(models);
      const teacher = createTask('equations', PARAMS).teacher!;
      const server = await startServer({
        port: 0,
        models: [programmaticTeacher(teacher)],
        resolve: resolver.resolve,
        resolvedNames: resolver.names,
        onClose: resolver.close,
      });
      const proxy = await startFaultProxy({
        upstream: server.baseURL.replace(/\/v1$/, ''),
        rates: { rateLimited: 0.08, serverError: 0.08, truncated: 0.05, slow: 0.01 },
        seed: 11,
        slowMs: 3000,
      });
      const guard = {
        ledger,
        concurrency: 16,
        timeoutMs: 2000,
        retry: { baseDelayMs: 5, maxDelayMs: 50, maxRetries: 30 },
      };
      const baseURL = `${proxy.origin}/v1`;
      const teacherModel = new GuardedLanguageModel(
        createOpenAICompatibleModel({ baseURL, model: teacher.id, nativeEpisodes: true }),
        { ...guard, stage: 'teacher' },
      );
      return {
        loader: new HttpModelLoader({ baseURL, guard }),
        teacher: new ModelTeacher(teacherModel),
        close: async () => {
          const c = proxy.counts;
          faults = c.rateLimited + c.serverError + c.truncated + c.slow;
          await proxy.close();
          await server.close();
        },
      };
    });

    expect(faulty.samples).toEqual(clean.samples);
    // The teacher's kept set (meta) is not empty; a model this small keeps nothing by itself yet.
    expect(faulty.samples[0].filter((s) => s.kept).length).toBeGreaterThan(0);
    // Round prompts that collide with the held-out set are dropped, so the count depends on TINY_CONFIG.
    expect(faulty.samples[1].length).toBeGreaterThan(0);
    expect(faulty.summary.stages.map((s) => s.direct_acc)).toEqual(
      clean.summary.stages.map((s) => s.direct_acc),
    );
    expect(faults).toBeGreaterThan(10);
    expect(ledger.usage().retries).toBe(faults);
    expect(ledger.usage('teacher').calls).toBeGreaterThan(0);
    expect(ledger.usage('model:base').calls).toBeGreaterThan(0);
  });
});
