// Bitwise determinism of the WebAssembly adapter, which the run store's crash-resume and batched
// generation rely on: a row's result does not depend on the batch around it or on the thread
// count, cached attention reproduces training attention exactly, and a whole training run gives
// the same weights on one thread and on two.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affineSequences } from '../bench-engine.js';
import { REFERENCE_CONFIG } from '../config.js';
import { Model } from '../model.js';
import { Rng } from '../rng.js';
import { trainModel } from '../train.js';
import { JsKernels } from './js-kernels.js';
import type { Kernels } from './kernels.js';
import { WasmKernels } from './wasm-kernels.js';

/** Two threads that split every op, however small, so the tests exercise the split. */
const SPLIT_ALL = { threads: 2, parallelFlops: 1, parallelElements: 1 };

function fill(k: Kernels, n: number, seed: number, scale = 1): Float32Array {
  const rng = new Rng(seed, n);
  const out = k.alloc(n);
  for (let i = 0; i < n; i++) out[i] = scale * (2 * rng.float() - 1);
  return out;
}

function bits(x: Float32Array): number[] {
  return Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
}

describe('wasm-simd determinism', () => {
  let one: WasmKernels;
  let two: WasmKernels;
  beforeAll(async () => {
    one = await WasmKernels.create({ threads: 1 });
    two = await WasmKernels.create(SPLIT_ALL);
  });
  afterAll(async () => {
    expect(two.workerChunks()).toBeGreaterThan(0);
    await one.dispose();
    await two.dispose();
  });

  it('matmul NT and NN rows are the same alone, in any sub-batch, and on any thread count', () => {
    const [M, N, K] = [301, 133, 300];
    for (const k of [one, two]) {
      const a = fill(k, M * K, 1);
      const w = fill(k, N * K, 2);
      for (const op of ['matmulNT', 'matmulNN'] as const) {
        const all = k.alloc(M * N);
        k[op](all, a, w, M, N, K, false);
        const part = k.alloc(7 * N);
        for (const r of [0, 5, 150, 294]) {
          k[op](part, a.subarray(r * K), w, 1, N, K, false);
          expect(bits(part.subarray(0, N)), `${op} row ${r} alone`).toEqual(
            bits(all.subarray(r * N, r * N + N)),
          );
          k[op](part, a.subarray(r * K), w, 7, N, K, false);
          expect(bits(part), `${op} rows ${r}..${r + 6}`).toEqual(
            bits(all.subarray(r * N, (r + 7) * N)),
          );
        }
        if (k === two) {
          const ref = one.alloc(M * N);
          const [a1, w1] = [one.alloc(M * K), one.alloc(N * K)];
          a1.set(a);
          w1.set(w);
          one[op](ref, a1, w1, M, N, K, false);
          expect(bits(all), `${op} 1 vs 2 threads`).toEqual(bits(ref));
        }
      }
    }
  });

  it('attention of a sequence is the same alone and in a batch; cached attention equals it', () => {
    const [B, T, H, Dh] = [3, 45, 4, 16];
    const C = H * Dh;
    const stride = 3 * C;
    const k = two;
    const qkv = fill(k, B * T * stride, 3, 2);
    const out = k.alloc(B * T * C);
    const probs = k.alloc(B * H * T * T);
    k.attentionForward(out, probs, qkv, qkv.subarray(C), qkv.subarray(2 * C), B, T, H, Dh, stride);
    const b = 2;
    const seq = qkv.subarray(b * T * stride);
    const outOne = k.alloc(T * C);
    const probsOne = k.alloc(H * T * T);
    k.attentionForward(
      outOne,
      probsOne,
      seq,
      seq.subarray(C),
      seq.subarray(2 * C),
      1,
      T,
      H,
      Dh,
      stride,
    );
    expect(bits(outOne)).toEqual(bits(out.subarray(b * T * C, (b + 1) * T * C)));
    expect(bits(probsOne)).toEqual(bits(probs.subarray(b * H * T * T, (b + 1) * H * T * T)));
    // The same sequence through the KV cache, one position at a time in slot 1 of 2.
    const maxT = T + 3;
    const kCache = k.alloc(2 * maxT * C);
    const vCache = k.alloc(2 * maxT * C);
    for (let t = 0; t < T; t++) {
      const row = seq.subarray(t * stride);
      kCache.set(row.subarray(C, 2 * C), (maxT + t) * C);
      vCache.set(row.subarray(2 * C, 3 * C), (maxT + t) * C);
    }
    const q = k.alloc(T * stride);
    q.set(seq.subarray(0, T * stride));
    const slots = k.allocInt(T).fill(1);
    const positions = k.allocInt(T);
    for (let t = 0; t < T; t++) positions[t] = t;
    const cached = k.alloc(T * C);
    k.attentionCached(
      cached,
      q,
      stride,
      kCache,
      vCache,
      slots,
      positions,
      T,
      H,
      Dh,
      maxT,
      k.alloc(T * maxT),
    );
    expect(bits(cached)).toEqual(bits(outOne));
  });

  it('training gives the loss curve of the js kernels, within float32 rounding', async () => {
    const config = { ...REFERENCE_CONFIG, dModel: 32, dFF: 96, contextLength: 24, nHeads: 2 };
    const data = affineSequences(8, config.contextLength, config.vocabSize);
    const curves: number[][] = [];
    for (const k of [new JsKernels(), one]) {
      const model = Model.init(k, config, 3);
      const settings = { steps: 8, batchSize: 8, learningRate: 1e-2, warmupSteps: 1, seed: 4 };
      curves.push([...(await trainModel(model, data, settings)).losses]);
      model.free();
    }
    expect(curves[0][7]).toBeLessThan(curves[0][0] - 0.1);
    curves[0].forEach((loss, step) => {
      expect(Math.abs(curves[1][step] - loss), `step ${step}`).toBeLessThan(1e-5 * loss);
    });
  });

  it('training for a few steps gives bit-identical weights on one and two threads', async () => {
    const config = { ...REFERENCE_CONFIG, dModel: 64, dFF: 160, contextLength: 48 };
    const data = affineSequences(12, config.contextLength, config.vocabSize);
    const weights = [];
    for (const k of [one, two]) {
      const model = Model.init(k, config, 5);
      const settings = { steps: 3, batchSize: 6, learningRate: 3e-3, warmupSteps: 1, seed: 9 };
      const result = await trainModel(model, data, settings);
      weights.push({ params: bits(model.params), loss: result.losses });
      model.free();
    }
    expect(weights[1].loss).toEqual(weights[0].loss);
    expect(weights[1].params).toEqual(weights[0].params);
  });
});
