// A stage and its SFT twin trained side by side (trainStage, with `controls.sft` on a trainer
// whose `parallel` is 2) against the same run trained one model at a time: the same checkpoints,
// bit for bit, the pair's training times overlapping, and a one-at-a-time trainer never asked for
// two at once. Real engine (worker threads from dist/, as `npm test` builds it), real SQLite store.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeConfig, parseRunConfig } from '../config/run-config.js';
import { EmbeddedTrainer } from '../engine/index.js';
import { studentRef } from '../runtime/model-factory.js';
import { createTrainer } from '../runtime/trainer-factory.js';
import type { ModelRef, Trainer, TrainOptions, TrainRequest } from '../spec/trainer.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { createTask } from '../tasks/task-registry.js';
import { TINY_CONFIG } from '../testing/test-configs.js';
import { runPipeline } from './pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'paired-'));
const config = parseRunConfig(mergeConfig(TINY_CONFIG, { controls: { sft: true } }));

interface Call {
  readonly name: string;
  readonly concurrent?: number;
  readonly start: number;
  end: number;
}

/**
 * Times each call of a trainer, keeping its `parallel`. `fail`
 * stands in for a training that breaks (a trainer's disk full): that call throws after 50 ms.
 */
function timed(trainer: Trainer, calls: Call[], fail?: string): Trainer {
  return {
    id: 'timed',
    parallel: trainer.parallel,
    async train(request: TrainRequest, options?: TrainOptions): Promise<ModelRef> {
      const call = {
        name: request.name,
        concurrent: options?.concurrent,
        start: Date.now(),
        end: 0,
      };
      calls.push(call);
      try {
        if (request.name === fail) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          throw new Error(`${fail}: no space left on device`);
        }
        return await trainer.train(request, options);
      } finally {
        call.end = Date.now();
      }
    },
  };
}

interface RunOptions {
  readonly parallel?: 1;
  readonly fail?: string;
  readonly resume?: boolean;
  /** Aborts the run (Ctrl-C) at the first progress of this step. */
  readonly abortAt?: string;
}

async function run(name: string, options: RunOptions = {}) {
  const { parallel, fail } = options;
  const controller = new AbortController();
  const store = new SqliteRunStore(join(dir, `${name}.db`));
  const runDir = join(dir, name);
  if (!options.resume) store.createRun({ name, config, seed: config.seed, dir: runDir });
  const engine = new EmbeddedTrainer({ outputDir: join(runDir, 'models'), overwrite: true });
  // One at a time: `"trainer": {"kind": "embedded", "parallel": 1}` through the trainer factory.
  // Else two at once, whatever this machine's cores (the engine's own `parallel` is tested in
  // src/engine/embedded-adapters.test.ts).
  const trainer: Trainer = parallel
    ? await createTrainer({ kind: 'embedded', parallel }, { runDir, engine })
    : { id: 'embedded', parallel: 2, train: (r, o) => engine.train(r, o) };
  const calls: Call[] = [];
  const { task, teacher } = createTask(
    'equations',
    (config.task as { params: Record<string, unknown> }).params,
  );
  const steps: string[] = [];
  const finished = runPipeline({
    run: name,
    settings: config,
    ports: {
      store,
      trainer: timed(trainer, calls, fail),
      loader: engine,
      task,
      teacher: teacher!,
      start: studentRef(config.models.student),
    },
    signal: controller.signal,
    onProgress: (e) => {
      if (!steps.includes(e.step)) steps.push(e.step);
      if (e.step === options.abortAt) controller.abort();
    },
  }).catch((error: Error) => error);
  const error = await finished;
  const weights = Object.fromEntries(
    store.models(name).map((m) => {
      const header = JSON.parse(readFileSync(join(m.ref.id, 'config.json'), 'utf8'));
      return [m.name, header.weights.sha256 as string];
    }),
  );
  const stages = Object.fromEntries(store.stages(name).map((s) => [s.name, s.metrics]));
  store.close();
  await engine.close();
  return { calls, weights, stages, steps, error: error instanceof Error ? error : undefined };
}

const overlaps = (a: Call, b: Call) => a.start < b.end && b.start < a.end;
const call = (calls: Call[], name: string) => calls.find((c) => c.name === name)!;

describe('a stage and its SFT twin trained side by side', () => {
  it('writes the checkpoints of one-at-a-time training, in overlapping time', async () => {
    const paired = await run('paired');
    const alone = await run('alone', { parallel: 1 });
    expect([paired.error, alone.error]).toEqual([undefined, undefined]);
    expect(Object.keys(paired.weights).sort()).toEqual(
      ['base', 'meta', 'round-1', 'sft-meta', 'sft-round-1'].sort(),
    );
    expect(paired.weights).toEqual(alone.weights);
    // The same evaluations and budgets, whichever way the models were trained.
    expect(paired.stages['sft-round-1']).toEqual(alone.stages['sft-round-1']);
    expect(paired.stages.meta).toEqual(alone.stages.meta);

    for (const stage of ['meta', 'round-1']) {
      const [self, twin] = [call(paired.calls, stage), call(paired.calls, `sft-${stage}`)];
      expect(overlaps(self, twin)).toBe(true);
      expect([self.concurrent, twin.concurrent]).toEqual([2, 2]);
      expect(paired.steps).toContain(`train ${stage} + sft-${stage}`);
    }
    expect(paired.calls).toHaveLength(5);
    expect(call(paired.calls, 'base').concurrent).toBeUndefined();

    // A trainer that runs one training at a time is never given two.
    for (const a of alone.calls) {
      expect(a.concurrent).toBeUndefined();
      for (const b of alone.calls) if (a !== b) expect(overlaps(a, b)).toBe(false);
    }
    expect(alone.steps).toContain('train sft-meta');
  }, 240_000);

  it('cancels the other training when one fails, stops both on Ctrl-C, and resumes', async () => {
    const broken = await run('broken', { fail: 'sft-meta' });
    expect(broken.error?.message).toMatch(/sft-meta: no space left on device/);
    const [self, twin] = [call(broken.calls, 'meta'), call(broken.calls, 'sft-meta')];
    expect(overlaps(self, twin)).toBe(true);
    // meta was stopped by the failure: it never returned a model, so none was recorded.
    expect(Object.keys(broken.weights)).toEqual(['base']);
    const stopped = await run('broken', { resume: true, abortAt: 'train meta + sft-meta' });
    expect(stopped.error).toMatchObject({ code: 'cancelled' });
    expect(Object.keys(stopped.weights)).toEqual(['base']);
    const resumed = await run('broken', { resume: true });
    expect(resumed.error).toBeUndefined();
    const alone = await run('alone-2', { parallel: 1 });
    expect(resumed.weights).toEqual(alone.weights);
  }, 240_000);
});
