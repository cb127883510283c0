// The cases of the compute-port contract, one function per op: forward ops against float64
// formulas, backward ops against central finite differences, accumulate semantics, views and odd
// sizes. kernel-contract.ts registers them; kernel-row-independence.ts holds the rest.
import { expect } from 'vitest';
import { Rng } from '../rng.js';
import {
  numericGradient,
  refAttention,
  refCrossEntropy,
  refMatmul,
  refRmsnorm,
  refRope,
  refSwiglu,
  weightedSum,
} from './kernel-reference.js';
import type { Kernels } from './kernels.js';

/** Forward ops against float64 formulas: |actual − expected| ≤ FWD_ATOL + FWD_RTOL·|expected|. */
export const FWD_ATOL = 2e-5;
export const FWD_RTOL = 1e-5;
/** Backward ops against float64 central differences (h = 1e-5): same form, looser for float32. */
export const BWD_ATOL = 1e-4;
export const BWD_RTOL = 1e-3;

/** Sizes that are not multiples of the SIMD width or of any blocking factor. */
const ODD_SIZES: readonly [number, number, number][] = [
  [1, 1, 1],
  [3, 17, 5],
  [17, 3, 33],
  [33, 17, 3],
  [8, 16, 32],
];

/** Buffers in kernel memory for one test: whole buffers, or views at an unaligned offset. */
export class Arena {
  private readonly owned: (Float32Array | Int32Array)[] = [];
  constructor(
    private readonly k: Kernels,
    private readonly asView: boolean,
  ) {}

  f32(data: ArrayLike<number>): Float32Array {
    const whole = this.k.alloc(data.length + (this.asView ? 5 : 0));
    this.owned.push(whole);
    if (this.asView) whole.fill(Number.NaN);
    const out = this.asView ? whole.subarray(3, 3 + data.length) : whole;
    out.set(data);
    return out;
  }

  i32(data: ArrayLike<number>): Int32Array {
    const whole = this.k.allocInt(data.length + (this.asView ? 5 : 0));
    this.owned.push(whole);
    const out = this.asView ? whole.subarray(3, 3 + data.length) : whole;
    out.set(data);
    return out;
  }

  release(): void {
    for (const b of this.owned) this.k.free(b);
  }
}

export function random(n: number, seed: number, scale = 1): Float64Array {
  const rng = new Rng(seed, n);
  return Float64Array.from({ length: n }, () => scale * (2 * rng.float() - 1));
}

/** Rounds through float32, so the float64 reference sees exactly what the kernel sees. */
export function f32(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(Float32Array.from(x as ArrayLike<number>));
}

export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
  label: string,
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= atol + rtol * Math.abs(expected[i]))) {
      expect.fail(`${label}[${i}]: got ${actual[i]}, expected ${expected[i]} (error ${err})`);
    }
  }
}

export function ropeTables(maxT: number, Dh: number) {
  const half = Dh / 2;
  const cos = new Float64Array(maxT * half);
  const sin = new Float64Array(maxT * half);
  for (let p = 0; p < maxT; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * 10000 ** ((-2 * i) / Dh);
      cos[p * half + i] = Math.cos(angle);
      sin[p * half + i] = Math.sin(angle);
    }
  }
  return { cos: f32(cos), sin: f32(sin) };
}

/** Every op's contract case, run once on whole buffers and once on unaligned views. */
export const CASES: readonly { title: string; run: (k: Kernels, arena: Arena) => void }[] = [
  { title: 'matmul NT, NN, TN match the formula, overwrite and accumulate', run: matmulCase },
  { title: 'add (aliasing allowed), scale and sumSquares', run: elementwiseCase },
  {
    title: 'embedding forward gathers rows; backward accumulates repeated tokens',
    run: embeddingCase,
  },
  {
    title: 'rmsnorm forward matches the formula; backward matches finite differences',
    run: rmsnormCase,
  },
  {
    title: 'rope rotates adjacent pairs, leaves extra columns alone, inverse undoes it',
    run: ropeCase,
  },
  {
    title: 'attention forward matches the formula; probs are 0 above the diagonal',
    run: attentionForwardCase,
  },
  {
    title: 'attention backward matches finite differences and accumulates',
    run: attentionBackwardCase,
  },
  {
    title: 'attentionCached matches attentionForward rows, any slot and row order',
    run: attentionCachedCase,
  },
  {
    title: 'swiglu forward matches the formula; backward matches finite differences',
    run: swigluCase,
  },
  {
    title: 'cross-entropy matches the formula and finite differences; weight 0 adds 0',
    run: crossEntropyCase,
  },
  { title: 'adamw follows the formula over several steps', run: adamwCase },
];

function matmulCase(k: Kernels, arena: Arena): void {
  for (const [M, N, K] of ODD_SIZES) {
    const variants = [
      ['NT', false, true],
      ['NN', false, false],
      ['TN', true, false],
    ] as const;
    for (const [label, transA, transB] of variants) {
      const fn = { NT: k.matmulNT, NN: k.matmulNN, TN: k.matmulTN }[label].bind(k);
      const a = f32(random(M * K, 1));
      const b = f32(random(N * K, 2));
      const expected = refMatmul(a, b, M, N, K, transA, transB);
      const out = arena.f32(random(M * N, 3));
      fn(out, arena.f32(a), arena.f32(b), M, N, K, false);
      expectClose(out, expected, FWD_ATOL, FWD_RTOL, `matmul${label} ${M}x${N}x${K}`);
      const start = f32(random(M * N, 4));
      const acc = arena.f32(start);
      fn(acc, arena.f32(a), arena.f32(b), M, N, K, true);
      const sum = expected.map((x, i) => x + start[i]);
      expectClose(acc, sum, FWD_ATOL, FWD_RTOL, `matmul${label} accumulate ${M}x${N}x${K}`);
    }
  }
}

function elementwiseCase(k: Kernels, arena: Arena): void {
  const n = 37;
  const a = f32(random(n, 5));
  const b = f32(random(n, 6));
  const out = arena.f32(new Float64Array(n));
  k.add(out, arena.f32(a), arena.f32(b), n);
  expectClose(out, f32(a.map((x, i) => x + b[i])), 0, 0, 'add');
  const alias = arena.f32(a);
  k.add(alias, alias, arena.f32(b), n);
  expectClose(alias, out, 0, 0, 'add aliased');
  const x = arena.f32(a);
  k.scale(x, n, -2.5);
  expectClose(x, f32(a.map((v) => v * -2.5)), 0, 0, 'scale');
  const ss = a.reduce((s, v) => s + v * v, 0);
  expect(Math.abs(k.sumSquares(arena.f32(a), n) - ss)).toBeLessThan(1e-6 * ss);
}

function embeddingCase(k: Kernels, arena: Arena): void {
  const V = 7;
  const C = 5;
  const tokens = [3, 0, 3, 6, 1, 3];
  const table = f32(random(V * C, 7));
  const out = arena.f32(new Float64Array(tokens.length * C));
  k.embeddingForward(out, arena.i32(tokens), arena.f32(table), tokens.length, C);
  const expected = tokens.flatMap((t) => Array.from(table.subarray(t * C, t * C + C)));
  expectClose(out, expected, 0, 0, 'embeddingForward');
  const dout = f32(random(tokens.length * C, 8));
  const start = f32(random(V * C, 9));
  const dtable = arena.f32(start);
  k.embeddingBackward(dtable, arena.f32(dout), arena.i32(tokens), tokens.length, C);
  const want = Float64Array.from(start);
  tokens.forEach((t, r) => {
    for (let c = 0; c < C; c++) want[t * C + c] += dout[r * C + c];
  });
  expectClose(dtable, want, FWD_ATOL, FWD_RTOL, 'embeddingBackward');
}

function rmsnormCase(k: Kernels, arena: Arena): void {
  for (const [rows, C] of [
    [1, 1],
    [3, 17],
    [5, 33],
  ]) {
    const eps = 1e-5;
    const x = f32(random(rows * C, 10));
    const w = f32(random(C, 11).map((v) => 1 + 0.5 * v));
    const ref = refRmsnorm(x, w, rows, C, eps);
    const out = arena.f32(new Float64Array(rows * C));
    const rstd = arena.f32(new Float64Array(rows));
    k.rmsnormForward(out, rstd, arena.f32(x), arena.f32(w), rows, C, eps);
    expectClose(out, ref.out, FWD_ATOL, FWD_RTOL, `rmsnorm out ${rows}x${C}`);
    expectClose(rstd, ref.rstd, FWD_ATOL, FWD_RTOL, `rmsnorm rstd ${rows}x${C}`);
    const dout = f32(random(rows * C, 12));
    const loss = () => weightedSum(refRmsnorm(x, w, rows, C, eps).out, dout);
    const dx0 = f32(random(rows * C, 13));
    const dw0 = f32(random(C, 14));
    const dx = arena.f32(dx0);
    const dw = arena.f32(dw0);
    k.rmsnormBackward(dx, dw, arena.f32(dout), arena.f32(x), arena.f32(w), rstd, rows, C);
    const gx = numericGradient(x, loss).map((g, i) => g + dx0[i]);
    const gw = numericGradient(w, loss).map((g, i) => g + dw0[i]);
    expectClose(dx, gx, BWD_ATOL, BWD_RTOL, `rmsnorm dx ${rows}x${C}`);
    expectClose(dw, gw, BWD_ATOL, BWD_RTOL, `rmsnorm dweight ${rows}x${C}`);
  }
}

function ropeCase(k: Kernels, arena: Arena): void {
  const [rows, H, Dh, maxT] = [5, 3, 6, 9];
  const stride = H * Dh + 4;
  const positions = [0, 8, 3, 3, 1];
  const { cos, sin } = ropeTables(maxT, Dh);
  const x = f32(random(rows * stride, 15));
  const buf = arena.f32(x);
  const [kc, ks, kp] = [arena.f32(cos), arena.f32(sin), arena.i32(positions)];
  k.rope(buf, rows, stride, H, Dh, kp, kc, ks, false);
  const want = refRope(x, rows, stride, H, Dh, positions, cos, sin, false);
  expectClose(buf, want, FWD_ATOL, FWD_RTOL, 'rope');
  k.rope(buf, rows, stride, H, Dh, kp, kc, ks, true);
  expectClose(buf, x, FWD_ATOL, FWD_RTOL, 'rope then inverse');
}

function attentionForwardCase(k: Kernels, arena: Arena): void {
  for (const [B, T, H, Dh] of [
    [1, 1, 1, 2],
    [2, 5, 2, 4],
    [1, 17, 3, 6],
  ]) {
    const C = H * Dh;
    const stride = 3 * C + 1;
    const qkv = f32(random(B * T * stride, 16, 2));
    const ref = refAttention(qkv, qkv.subarray(C), qkv.subarray(2 * C), B, T, H, Dh, stride);
    const buf = arena.f32(qkv);
    const out = arena.f32(random(B * T * C, 17));
    const probs = arena.f32(random(B * H * T * T, 18));
    const [q, kk, v] = [buf, buf.subarray(C), buf.subarray(2 * C)];
    k.attentionForward(out, probs, q, kk, v, B, T, H, Dh, stride);
    expectClose(out, ref.out, FWD_ATOL, FWD_RTOL, `attention out ${B},${T},${H},${Dh}`);
    expectClose(probs, ref.probs, FWD_ATOL, FWD_RTOL, `attention probs ${B},${T},${H},${Dh}`);
  }
}

function attentionBackwardCase(k: Kernels, arena: Arena): void {
  const [B, T, H, Dh] = [2, 5, 2, 4];
  const C = H * Dh;
  const stride = 3 * C + 2;
  const qkv = f32(random(B * T * stride, 19, 2));
  const dout = f32(random(B * T * C, 20));
  const loss = () =>
    weightedSum(
      refAttention(qkv, qkv.subarray(C), qkv.subarray(2 * C), B, T, H, Dh, stride).out,
      dout,
    );
  const buf = arena.f32(qkv);
  const out = arena.f32(new Float64Array(B * T * C));
  const probs = arena.f32(new Float64Array(B * H * T * T));
  k.attentionForward(out, probs, buf, buf.subarray(C), buf.subarray(2 * C), B, T, H, Dh, stride);
  const d0 = f32(random(B * T * stride, 21));
  const d = arena.f32(d0);
  const scratch = arena.f32(new Float64Array(B * H * T * T));
  const [q, kk, v] = [buf, buf.subarray(C), buf.subarray(2 * C)];
  const [dq, dk, dv] = [d, d.subarray(C), d.subarray(2 * C)];
  k.attentionBackward(dq, dk, dv, arena.f32(dout), probs, q, kk, v, B, T, H, Dh, stride, scratch);
  const grad = numericGradient(qkv, loss);
  // Columns past 3·C of each row are not q, k or v: their gradient stays as it was.
  const want = grad.map((g, i) => g + d0[i]);
  expectClose(d, want, BWD_ATOL, BWD_RTOL, 'attention dq,dk,dv');
}

function attentionCachedCase(k: Kernels, arena: Arena): void {
  const [B, T, H, Dh, slots, maxT] = [2, 6, 2, 4, 3, 8];
  const C = H * Dh;
  const stride = 3 * C;
  const qkv = f32(random(B * T * stride, 22, 2));
  const ref = refAttention(qkv, qkv.subarray(C), qkv.subarray(2 * C), B, T, H, Dh, stride);
  const slotOf = [2, 0];
  const kc = new Float64Array(slots * maxT * C);
  const vc = new Float64Array(slots * maxT * C);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const src = (b * T + t) * stride;
      const dst = (slotOf[b] * maxT + t) * C;
      kc.set(qkv.subarray(src + C, src + 2 * C), dst);
      vc.set(qkv.subarray(src + 2 * C, src + 3 * C), dst);
    }
  }
  const order = [7, 0, 11, 3, 5, 6, 1, 10, 2, 9, 4, 8];
  const rows = order.length;
  const qStride = C + 3;
  const q = new Float64Array(rows * qStride);
  order.forEach((src, r) => {
    q.set(qkv.subarray(src * stride, src * stride + C), r * qStride);
  });
  const out = arena.f32(random(rows * C, 23));
  k.attentionCached(
    out,
    arena.f32(q),
    qStride,
    arena.f32(kc),
    arena.f32(vc),
    arena.i32(order.map((src) => slotOf[Math.floor(src / T)])),
    arena.i32(order.map((src) => src % T)),
    rows,
    H,
    Dh,
    maxT,
    arena.f32(new Float64Array(rows * maxT)),
  );
  const want = order.flatMap((src) => Array.from(ref.out.subarray(src * C, src * C + C)));
  expectClose(out, want, FWD_ATOL, FWD_RTOL, 'attentionCached');
}

function swigluCase(k: Kernels, arena: Arena): void {
  const n = 37;
  const a = f32(random(n, 24, 4));
  const b = f32(random(n, 25, 2));
  const out = arena.f32(new Float64Array(n));
  k.swigluForward(out, arena.f32(a), arena.f32(b), n);
  expectClose(out, refSwiglu(a, b, n), FWD_ATOL, FWD_RTOL, 'swiglu');
  const dout = f32(random(n, 26));
  const loss = () => weightedSum(refSwiglu(a, b, n), dout);
  const da0 = f32(random(n, 27));
  const db0 = f32(random(n, 28));
  const [da, db] = [arena.f32(da0), arena.f32(db0)];
  k.swigluBackward(da, db, arena.f32(dout), arena.f32(a), arena.f32(b), n);
  const ga = numericGradient(a, loss).map((g, i) => g + da0[i]);
  const gb = numericGradient(b, loss).map((g, i) => g + db0[i]);
  expectClose(da, ga, BWD_ATOL, BWD_RTOL, 'swiglu da');
  expectClose(db, gb, BWD_ATOL, BWD_RTOL, 'swiglu db');
}

function crossEntropyCase(k: Kernels, arena: Arena): void {
  const [rows, V] = [5, 17];
  const logits = f32(random(rows * V, 29, 5));
  const targets = [3, 0, 16, 7, 3];
  const weights = f32([0.5, 0, 1.25, 0.2, 0]);
  const ref = refCrossEntropy(logits, targets, rows, V);
  const losses = arena.f32(new Float64Array(rows));
  const probs = arena.f32(new Float64Array(rows * V));
  const kt = arena.i32(targets);
  k.crossEntropyForward(losses, probs, arena.f32(logits), kt, rows, V);
  expectClose(losses, ref.losses, FWD_ATOL, FWD_RTOL, 'cross-entropy losses');
  expectClose(probs, ref.probs, FWD_ATOL, FWD_RTOL, 'cross-entropy probs');
  // Rows with weight 0 must be skipped, not multiplied: garbage there changes nothing.
  probs.fill(Number.NaN, 1 * V, 2 * V);
  const d0 = f32(random(rows * V, 30));
  const d = arena.f32(d0);
  k.crossEntropyBackward(d, probs, kt, arena.f32(weights), rows, V);
  const loss = () => weightedSum(refCrossEntropy(logits, targets, rows, V).losses, weights);
  const want = numericGradient(logits, loss).map((g, i) => g + d0[i]);
  for (const r of [1, 4]) want.set(d0.subarray(r * V, r * V + V), r * V);
  expectClose(d, want, BWD_ATOL, BWD_RTOL, 'cross-entropy dlogits');
  for (const r of [1, 4]) {
    expect(Array.from(d.subarray(r * V, r * V + V))).toEqual(
      Array.from(f32(d0.subarray(r * V, r * V + V))),
    );
  }
}

function adamwCase(k: Kernels, arena: Arena): void {
  const n = 37;
  const [lr, b1, b2, eps, wd] = [0.01, 0.9, 0.95, 1e-8, 0.1];
  const p = Float64Array.from(f32(random(n, 31)));
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  const [kp, km, kv] = [arena.f32(p), arena.f32(m), arena.f32(v)];
  for (let step = 1; step <= 3; step++) {
    const g = f32(random(n, 32 + step));
    k.adamw(kp, arena.f32(g), km, kv, n, lr, b1, b2, eps, wd, step);
    for (let i = 0; i < n; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const mhat = m[i] / (1 - b1 ** step);
      const vhat = v[i] / (1 - b2 ** step);
      p[i] -= lr * (mhat / (Math.sqrt(vhat) + eps) + wd * p[i]);
    }
    expectClose(kp, p, 1e-5, 1e-5, `adamw param step ${step}`);
    expectClose(km, m, 1e-6, 1e-5, `adamw m step ${step}`);
    expectClose(kv, v, 1e-6, 1e-5, `adamw v step ${step}`);
  }
}
