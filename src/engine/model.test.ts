// Whole-model gradient check and loss-mask exactness. The gradient check runs the model in
// float64: JsKernels' loops are generic over typed arrays, so giving them Float64Array buffers
// turns the same forward/backward code into a float64 computation that finite differences can judge.
import { describe, expect, it } from 'vitest';
import { type ModelConfig, validateConfig } from './config.js';
import { JsKernels } from './kernels/js-kernels.js';
import { backward, forward, Model } from './model.js';
import { Rng } from './rng.js';
import { TrainActivations } from './train-activations.js';

class Float64Kernels extends JsKernels {
  override alloc(length: number): Float32Array {
    return new Float64Array(length) as unknown as Float32Array;
  }
}

const tiny = (tied: boolean): ModelConfig =>
  validateConfig({
    vocabSize: 11,
    dModel: 8,
    nLayers: 2,
    nHeads: 2,
    dFF: 12,
    contextLength: 8,
    tiedEmbeddings: tied,
  });

/** Fills a batch with random tokens; rows with mask 0 get weight 0, others share 1/count. */
function fillBatch(acts: TrainActivations, V: number, mask: number[], seed: number): void {
  const rng = new Rng(seed);
  const count = mask.reduce((a, b) => a + b, 0);
  mask.forEach((m, r) => {
    acts.tokens[r] = rng.int(V);
    acts.targets[r] = rng.int(V);
    acts.weights[r] = m / count;
  });
}

function gradients(model: Model, acts: TrainActivations, B: number, T: number): Float32Array {
  model.grads.fill(0);
  forward(model, acts, B, T);
  backward(model, acts, B, T);
  return model.grads.slice();
}

describe('model forward/backward', () => {
  for (const tied of [false, true]) {
    it(`matches float64 finite differences for every parameter (${tied ? 'tied' : 'untied'} head; |err| ≤ 1e-7 + 1e-5·|g|)`, () => {
      const config = tiny(tied);
      const [B, T] = [2, 5];
      const model = Model.init(new Float64Kernels(), config, 7);
      // Larger weights than the 0.02 init, so every path carries a gradient worth checking.
      const rng = new Rng(3);
      for (let i = 0; i < model.params.length; i++) model.params[i] += 0.3 * rng.normal();
      const acts = new TrainActivations(model.kernels, config, B, T);
      fillBatch(acts, config.vocabSize, [1, 1, 0, 1, 1, 1, 0, 1, 1, 0], 11);
      const analytic = gradients(model, acts, B, T);
      const h = 1e-6;
      let worst = 0;
      for (let i = 0; i < model.params.length; i++) {
        const keep = model.params[i];
        model.params[i] = keep + h;
        const up = forward(model, acts, B, T);
        model.params[i] = keep - h;
        const down = forward(model, acts, B, T);
        model.params[i] = keep;
        const numeric = (up - down) / (2 * h);
        const err = Math.abs(analytic[i] - numeric);
        worst = Math.max(worst, err / (1e-7 + 1e-5 * Math.abs(numeric)));
        if (err > 1e-7 + 1e-5 * Math.abs(numeric)) {
          const t = model.layout.tensors.find((s) => i >= s.offset && i < s.offset + s.size)!;
          expect.fail(`${t.name}[${i - t.offset}]: analytic ${analytic[i]}, numeric ${numeric}`);
        }
      }
      expect(worst).toBeLessThanOrEqual(1);
      expect(analytic.some((g) => g !== 0)).toBe(true);
    });
  }

  it('rows outside the loss mask contribute exactly zero gradient', () => {
    const config = tiny(false);
    const [B, T] = [2, 5];
    const model = Model.init(new JsKernels(), config, 5);
    const acts = new TrainActivations(model.kernels, config, B, T);
    // Sequence 1 ends after 3 tokens: rows 8, 9 are padding; rows 0, 1, 5 are prompt (no loss).
    const mask = [0, 0, 1, 1, 1, 0, 1, 1, 0, 0];
    fillBatch(acts, config.vocabSize, mask, 13);
    const base = gradients(model, acts, B, T);
    for (const r of [0, 1, 5, 8, 9]) acts.targets[r] = (acts.targets[r] + 3) % config.vocabSize;
    for (const r of [8, 9]) acts.tokens[r] = (acts.tokens[r] + 5) % config.vocabSize;
    expect(gradients(model, acts, B, T)).toEqual(base);
    acts.targets[2] = (acts.targets[2] + 1) % config.vocabSize;
    expect(gradients(model, acts, B, T)).not.toEqual(base);
  });
});
