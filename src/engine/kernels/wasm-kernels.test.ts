// The WebAssembly adapter: the compute-port contract on one and two threads, every op against
// the TypeScript reference on random inputs large enough to run split across threads, and the
// determinism the run store's crash-resume relies on (bitwise equal across thread counts, batch
// compositions, and between cached and uncached attention).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { JsKernels } from './js-kernels.js';
import { kernelContract } from './kernel-contract.js';
import type { Kernels } from './kernels.js';
import { WasmKernels } from './wasm-kernels.js';

/** Two threads that split every op, however small, so the tests exercise the split. */
const SPLIT_ALL = { threads: 2, parallelFlops: 1, parallelElements: 1 };

kernelContract('wasm-simd, 1 thread', () => WasmKernels.create({ threads: 1 }));
kernelContract('wasm-simd, 2 threads', () => WasmKernels.create(SPLIT_ALL));

/** Issue 4: every op agrees with the reference within 1e-5 of the output's largest magnitude. */
const RTOL = 1e-5;

function random(n: number, seed: number, scale = 1): Float32Array {
  const rng = new Rng(seed, n);
  return Float32Array.from({ length: n }, () => scale * (2 * rng.float() - 1));
}

function ints(n: number, seed: number, below: number): Int32Array {
  const rng = new Rng(seed, n);
  return Int32Array.from({ length: n }, () => Math.floor(rng.float() * below));
}

/** max |a − b| ≤ RTOL · max |b|, over the whole output. */
function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string) {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  expect(Number.isFinite(worst), `${label}: finite`).toBe(true);
  expect(worst, `${label}: max error vs max |ref| ${scale}`).toBeLessThanOrEqual(RTOL * scale);
}

/**
 * Copies host arrays into each adapter's memory (as views at an odd offset when `view`), runs
 * `op` on both, and returns the named outputs of each, copied out.
 */
type Inputs = Record<string, Float32Array | Int32Array>;
/** The same buffers in kernel memory; op bodies know by name which are int32. */
// biome-ignore lint/suspicious/noExplicitAny: a bag of Float32Array and Int32Array by name
type Buffers = Record<string, any>;
function runBoth(
  kernels: readonly Kernels[],
  inputs: Inputs,
  view: boolean,
  op: (k: Kernels, b: Buffers) => void,
): Record<string, Float32Array>[] {
  return kernels.map((k) => {
    const owned: (Float32Array | Int32Array)[] = [];
    const bufs: Buffers = {};
    for (const [name, data] of Object.entries(inputs)) {
      const whole =
        data instanceof Int32Array ? k.allocInt(data.length + 3) : k.alloc(data.length + 3);
      owned.push(whole);
      const b = view ? whole.subarray(3) : whole.subarray(0, data.length);
      b.set(data);
      bufs[name] = b;
    }
    op(k, bufs);
    const out: Record<string, Float32Array> = {};
    for (const [name, b] of Object.entries(bufs)) out[name] = Float32Array.from(b);
    for (const b of owned) k.free(b);
    return out;
  });
}

function compareAll(results: Record<string, Float32Array>[], label: string) {
  const [ref, ...others] = results;
  for (const other of others) {
    for (const name of Object.keys(ref)) expectNear(other[name], ref[name], `${label} ${name}`);
  }
}

function expectSameBits(results: Record<string, Float32Array>[], label: string) {
  const [first, ...others] = results;
  for (const other of others) {
    for (const name of Object.keys(first)) {
      const a = new Uint32Array(first[name].buffer);
      const b = new Uint32Array(other[name].buffer);
      const diff = a.findIndex((x, i) => x !== b[i]);
      expect(diff, `${label} ${name}: first differing element`).toBe(-1);
    }
  }
}

describe('wasm-simd against the TypeScript reference, sizes that run on every thread', () => {
  let js: JsKernels;
  let one: WasmKernels;
  let two: WasmKernels;
  beforeAll(async () => {
    js = new JsKernels();
    one = await WasmKernels.create({ threads: 1 });
    two = await WasmKernels.create(SPLIT_ALL);
  });
  afterAll(async () => {
    // The two-thread results above were really computed in part by the worker.
    expect(two.workerChunks()).toBeGreaterThan(0);
    expect(one.workerChunks()).toBe(0);
    await one.dispose();
    await two.dispose();
  });
  const all = () => [js, one, two];

  const shapes: [number, number, number][] = [
    [257, 131, 67],
    [33, 17, 300],
    [130, 64, 129],
  ];
  for (const [M, N, K] of shapes) {
    for (const view of [false, true]) {
      it(`matmul NT, NN, TN ${M}x${N}x${K}${view ? ' (views)' : ''}`, () => {
        const a = random(M * K, 1);
        const b = random(N * K, 2);
        for (const acc of [false, true]) {
          const inputs = { out: random(M * N, 3), a, b };
          const nt = runBoth(all(), inputs, view, (k, x) =>
            k.matmulNT(x.out, x.a, x.b, M, N, K, acc),
          );
          const nn = runBoth(all(), inputs, view, (k, x) =>
            k.matmulNN(x.out, x.a, x.b, M, N, K, acc),
          );
          const tn = runBoth(all(), inputs, view, (k, x) =>
            k.matmulTN(x.out, x.a, x.b, M, N, K, acc),
          );
          for (const [r, label] of [
            [nt, 'NT'],
            [nn, 'NN'],
            [tn, 'TN'],
          ] as const) {
            compareAll(r, `${label} acc=${acc}`);
            expectSameBits(r.slice(1), `${label} 1 vs 2 threads`);
          }
        }
      });
    }
  }

  it('elementwise, embedding, rmsnorm, rope, swiglu, cross-entropy, adamw', () => {
    const n = 70_001;
    const [rows, C, V, H, Dh, maxT] = [1031, 68, 67, 4, 16, 40];
    const cases: [string, Inputs, (k: Kernels, x: Buffers) => void][] = [
      [
        'add',
        { out: random(n, 1), a: random(n, 2), b: random(n, 3) },
        (k, x) => k.add(x.out, x.a, x.b, n),
      ],
      ['scale', { x: random(4 * n, 4) }, (k, x) => k.scale(x.x, 4 * n, 0.37)],
      [
        'embedding',
        {
          out: random(rows * C, 5),
          tok: ints(rows, 6, V),
          table: random(V * C, 7),
          d: random(V * C, 8),
          g: random(rows * C, 9),
        },
        (k, x) => {
          k.embeddingForward(x.out, x.tok, x.table, rows, C);
          k.embeddingBackward(x.d, x.g, x.tok, rows, C);
        },
      ],
      [
        'rmsnorm',
        {
          out: random(rows * C, 10),
          rstd: random(rows, 11),
          x: random(rows * C, 12),
          w: random(C, 13),
          dx: random(rows * C, 14),
          dw: random(C, 15),
          g: random(rows * C, 16),
        },
        (k, x) => {
          k.rmsnormForward(x.out, x.rstd, x.x, x.w, rows, C, 1e-5);
          k.rmsnormBackward(x.dx, x.dw, x.g, x.x, x.w, x.rstd, rows, C);
        },
      ],
      [
        'rope',
        {
          x: random(rows * (H * Dh + 3), 17),
          pos: ints(rows, 18, maxT),
          cos: random((maxT * Dh) / 2, 19),
          sin: random((maxT * Dh) / 2, 20),
        },
        (k, x) => {
          k.rope(x.x, rows, H * Dh + 3, H, Dh, x.pos, x.cos, x.sin, false);
          k.rope(x.x, rows - 5, H * Dh + 3, H, Dh - 2, x.pos, x.cos, x.sin, true);
        },
      ],
      [
        'swiglu',
        {
          out: random(n, 21),
          a: random(n, 22, 6),
          b: random(n, 23),
          da: random(n, 24),
          db: random(n, 25),
          g: random(n, 26),
        },
        (k, x) => {
          k.swigluForward(x.out, x.a, x.b, n);
          k.swigluBackward(x.da, x.db, x.g, x.a, x.b, n);
        },
      ],
      [
        'cross-entropy',
        {
          losses: random(rows, 27),
          probs: random(rows * V, 28),
          logits: random(rows * V, 29, 8),
          t: ints(rows, 30, V),
          w: random(rows, 31),
          d: random(rows * V, 32),
        },
        (k, x) => {
          k.crossEntropyForward(x.losses, x.probs, x.logits, x.t, rows, V);
          k.crossEntropyBackward(x.d, x.probs, x.t, x.w, rows, V);
        },
      ],
      [
        'adamw',
        {
          p: random(n, 33),
          g: random(n, 34),
          m: random(n, 35, 0.1),
          v: random(n, 36, 0.01).map(Math.abs),
        },
        (k, x) => {
          for (let s = 1; s <= 3; s++)
            k.adamw(x.p, x.g, x.m, x.v, n, 1e-2, 0.9, 0.95, 1e-8, 0.1, s);
        },
      ],
    ];
    for (const [label, inputs, op] of cases) {
      for (const view of [false, true]) {
        const r = runBoth(all(), inputs, view, op);
        compareAll(r, label);
        expectSameBits(r.slice(1), `${label} 1 vs 2 threads`);
      }
    }
    const x = random(n, 37);
    const ss = runBoth([one, two], { x }, true, (k, b) => {
      b.x[0] = k.sumSquares(b.x, n);
    });
    const want = x.reduce((s, v) => s + v * v, 0);
    expect(Math.abs(ss[0].x[0] - want)).toBeLessThan(1e-6 * want);
    expectSameBits(ss, 'sumSquares 1 vs 2 threads');
  });

  for (const [B, T, H, Dh] of [
    [3, 37, 4, 16],
    [2, 64, 2, 32],
    [2, 19, 3, 6],
  ]) {
    it(`attention forward, backward and cached, B=${B} T=${T} H=${H} Dh=${Dh}`, () => {
      const C = H * Dh;
      const stride = 3 * C + 1;
      const inputs = {
        qkv: random(B * T * stride, 40, 2),
        out: random(B * T * C, 41),
        probs: random(B * H * T * T, 42),
        d: random(B * T * stride, 43),
        dout: random(B * T * C, 44),
        scratch: new Float32Array(B * H * T * T),
      };
      const r = runBoth(all(), inputs, true, (k, x) => {
        const [q, kk, v] = [x.qkv, x.qkv.subarray(C), x.qkv.subarray(2 * C)];
        k.attentionForward(x.out, x.probs, q, kk, v, B, T, H, Dh, stride);
        const [dq, dk, dv] = [x.d, x.d.subarray(C), x.d.subarray(2 * C)];
        k.attentionBackward(dq, dk, dv, x.dout, x.probs, q, kk, v, B, T, H, Dh, stride, x.scratch);
      });
      for (const res of r) res.scratch = new Float32Array(0);
      compareAll(r, 'attention');
      expectSameBits(r.slice(1), 'attention 1 vs 2 threads');
    });
  }
});
