// The embedded Trainer, ModelLoader and LanguageModel through the ports only, as the SELF
// pipeline uses them: train from a fresh model, load the result, complete episodes.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointError,
  ContextLengthError,
  InvalidInputError,
  SelfEvolveError,
} from '../spec/errors.js';
import type { CompletionRequest, LanguageModel } from '../spec/language-model.js';
import type { ModelRef, SftExample, TrainProgress } from '../spec/trainer.js';
import { EmbeddedTrainer, lossCurve } from './embedded-trainer.js';
import { defaultThreads } from './kernels/create-kernels.js';
import { JsKernels } from './kernels/js-kernels.js';

const PAIRS = [
  ['x=2+3', '5', 'correct'],
  ['x=7-4', '3', 'correct'],
  ['x=1+1', '3', 'wrong'],
  ['x=9-9', '0', 'correct'],
];
const EXAMPLES: SftExample[] = PAIRS.map(([p, r, f]) => ({
  turns: [
    { section: 'prompt', text: p, train: false },
    { section: 'response', text: r, train: false },
    { section: 'feedback', text: f, train: true },
  ],
}));
const BASE: ModelRef = {
  kind: 'embedded',
  id: 'new',
  meta: {
    config: { dModel: 32, nLayers: 2, nHeads: 2, dFF: 64, contextLength: 32 },
    alphabet: 'x=0123456789+- acdeginortw',
  },
};
const HYPER = { steps: 120, batchSize: 4, learningRate: 1e-2, warmupSteps: 10 };
const ask = (p: string, r: string, extra: Partial<CompletionRequest> = {}): CompletionRequest => ({
  turns: [
    { section: 'prompt', text: p },
    { section: 'response', text: r },
  ],
  next: 'feedback',
  ...extra,
});

describe('embedded Trainer, ModelLoader and LanguageModel', () => {
  let dir: string;
  let trainer: EmbeddedTrainer;
  let ref: ModelRef;
  let model: LanguageModel;
  const progress: TrainProgress[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'embedded-'));
    // The default compute adapter (`auto`: WebAssembly when it starts here), as the pipeline uses it.
    trainer = new EmbeddedTrainer({ outputDir: dir });
    ref = await trainer.train(
      { base: BASE, examples: EXAMPLES, name: 'meta', seed: 5, hyperparameters: HYPER },
      { onProgress: (p) => progress.push(p) },
    );
    model = await trainer.load(ref);
  });
  afterAll(async () => {
    await model?.close?.();
    await trainer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains a fresh model into <outputDir>/<name> and reports progress', () => {
    expect(ref).toMatchObject({ kind: 'embedded', id: join(dir, 'meta'), parent: 'new' });
    expect(ref.meta?.steps).toBe(120);
    expect(ref.meta?.finalLoss).toBeLessThan(0.05);
    // The loss curve the UI plots: one point per step here (under 200 steps), ending at the last.
    const curve = ref.meta?.lossCurve as [number, number][];
    expect(curve).toHaveLength(120);
    expect(curve.at(-1)).toEqual([120, Number(Number(ref.meta?.finalLoss).toPrecision(5))]);
    expect(curve[0][1]).toBeGreaterThan(curve.at(-1)![1]);
    expect(lossCurve([4, 2, 3, 1, 5], 2)).toEqual([
      [3, 3],
      [5, 3],
    ]);
    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(progress.at(-1)?.totalSteps).toBe(120);
  });

  it('writes section `next` of an episode and stops at the end of the section', async () => {
    const done: number[] = [];
    const out = await model.complete(
      PAIRS.map(([p, r]) => ask(p, r)),
      { onProgress: (d) => done.push(d) },
    );
    expect(out.map((c) => c.texts[0])).toEqual(PAIRS.map(([, , f]) => f));
    expect(out.every((c) => c.finishReasons[0] === 'stop')).toBe(true);
    expect(out[0].usage).toEqual({ inputTokens: 2 + 5 + 1 + 1 + 1 + 1, outputTokens: 7 });
    expect(done.sort()).toEqual([1, 2, 3, 4]);
  });

  it('samples n texts per request with its seed, and honours stop strings and maxTokens', async () => {
    const [sampled, stopped, short] = await model.complete([
      ask('x=2+3', '5', { n: 3, temperature: 1.5, seed: 11 }),
      ask('x=2+3', '5', { stop: ['rr'] }),
      ask('x=1+1', '3', { maxTokens: 2 }),
    ]);
    expect(sampled.texts).toHaveLength(3);
    const again = await model.complete([ask('x=2+3', '5', { n: 3, temperature: 1.5, seed: 11 })]);
    expect(again[0].texts).toEqual(sampled.texts);
    expect(stopped).toMatchObject({ texts: ['co'], finishReasons: ['stop'] });
    expect(short).toMatchObject({ texts: ['wr'], finishReasons: ['length'] });
  });

  it('a sample does not depend on its batch-mates, on the default (fastest) kernels too', async () => {
    const mine = ask('x=7-4', '3', { n: 2, temperature: 2, seed: 5 });
    const [alone] = await model.complete([mine]);
    const crowd = PAIRS.map(([p, r], i) => ask(p, r, { n: 3, temperature: 1.5, seed: i }));
    const together = await model.complete([...crowd.slice(0, 2), mine, ...crowd.slice(2)]);
    expect(together[2].texts).toEqual(alone.texts);
  });

  it('an episode longer than the context throws, or with onContextOverflow "error" fails alone', async () => {
    const long = ask('x=1+1'.repeat(8), '3');
    await expect(model.complete([ask('x=1+1', '3'), long])).rejects.toBeInstanceOf(
      ContextLengthError,
    );
    const options = { outputDir: dir, onContextOverflow: 'error', kernels: 'js' } as const;
    const lenient = await new EmbeddedTrainer(options).load(ref);
    const [ok, failed] = await lenient.complete([ask('x=1+1', '3'), long]);
    expect(ok.texts).toEqual(['wrong']);
    expect(failed).toMatchObject({ texts: [''], finishReasons: ['error'] });
    await lenient.close?.();
  });

  it('fine-tunes from a checkpoint without touching it; bad hyperparameters and names are errors', async () => {
    const before = readFileSync(join(ref.id, 'model.safetensors'));
    const next = await trainer.train({
      base: ref,
      examples: EXAMPLES.slice(0, 2),
      name: 'round-1',
      seed: 1,
      hyperparameters: { steps: 3 },
    });
    expect(next).toMatchObject({ id: join(dir, 'round-1'), parent: ref.id });
    expect(readFileSync(join(ref.id, 'model.safetensors')).equals(before)).toBe(true);
    expect(readFileSync(join(next.id, 'model.safetensors')).equals(before)).toBe(false);
    const request = { base: ref, examples: EXAMPLES, name: 'round-2', seed: 1 };
    await expect(trainer.train({ ...request, hyperparameters: { lr: 0.1 } })).rejects.toThrow(
      /field "hyperparameters.lr": unknown hyperparameter/,
    );
    await expect(trainer.train({ ...request, hyperparameters: { epochs: 'two' } })).rejects.toThrow(
      /hyperparameters.epochs/,
    );
    await expect(
      trainer.train({ ...request, name: 'meta', hyperparameters: { steps: 1 } }),
    ).rejects.toThrow(/already exists/);
  });
});

describe('embedded Trainer beside another training (TrainOptions.concurrent: a worker thread)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-worker-'));
  const request = { base: BASE, examples: EXAMPLES, seed: 5, hyperparameters: HYPER };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the checkpoint an in-process training writes, and reports every step', async () => {
    const trainer = new EmbeddedTrainer({ outputDir: dir });
    // Kernels chosen, not given; 1 also when dist/ is missing or older than the sources.
    expect(trainer.parallel, 'run `npm run build` first').toBe(Math.min(2, defaultThreads()));
    expect(new EmbeddedTrainer({ outputDir: dir, kernels: new JsKernels() }).parallel).toBe(1);
    const steps: number[] = [];
    const [inWorker, inProcess] = await Promise.all([
      trainer.train(
        { ...request, name: 'worker' },
        { concurrent: 2, onProgress: (p) => steps.push(p.step) },
      ),
      trainer.train({ ...request, name: 'process' }),
    ]);
    await trainer.close();
    const weights = (ref: ModelRef) => readFileSync(join(ref.id, 'model.safetensors'));
    expect(weights(inWorker).equals(weights(inProcess))).toBe(true);
    expect(inWorker).toMatchObject({ kind: 'embedded', id: join(dir, 'worker'), parent: 'new' });
    expect(inWorker.meta?.finalLoss).toBe(inProcess.meta?.finalLoss);
    // Trained on the worker's own kernels, with its share of the threads.
    const threads = (ref: ModelRef) =>
      (ref.meta?.kernels as { threads?: number } | undefined)?.threads;
    expect([threads(inWorker), threads(inProcess)]).toEqual([
      Math.max(1, Math.floor(defaultThreads() / 2)),
      defaultThreads(),
    ]);
    expect(steps).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it('cancels between steps, and its errors keep their class and fields across the thread', async () => {
    const trainer = new EmbeddedTrainer({ outputDir: dir });
    const controller = new AbortController();
    const cancelled = trainer.train(
      { ...request, name: 'cancelled', hyperparameters: { ...HYPER, steps: 100_000 } },
      {
        concurrent: 2,
        signal: controller.signal,
        onProgress: (p) => p.step === 5 && controller.abort(),
      },
    );
    await expect(cancelled).rejects.toMatchObject({ name: 'CancelledError', code: 'cancelled' });
    expect(existsSync(join(dir, 'cancelled'))).toBe(false);
    const missing = { kind: 'embedded', id: join(dir, 'nowhere') };
    const failed = trainer.train({ ...request, base: missing, name: 'x' }, { concurrent: 2 });
    await expect(failed).rejects.toBeInstanceOf(CheckpointError);
    await expect(failed).rejects.toMatchObject({
      code: 'checkpoint',
      isUserError: true,
      path: join(dir, 'nowhere'),
      message: expect.stringContaining(join(dir, 'nowhere')),
    });
    await expect(failed).rejects.toSatisfy(SelfEvolveError.isInstance);
    // A bad hyperparameter fails before any thread starts, as in process.
    const bad = { ...request, name: 'y', hyperparameters: { lr: 0.1 } };
    await expect(trainer.train(bad, { concurrent: 2 })).rejects.toBeInstanceOf(InvalidInputError);
    await trainer.close();
  });
});
