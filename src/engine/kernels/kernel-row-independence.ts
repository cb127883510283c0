// Row independence, part of the compute-port contract: a sample's tokens may not depend on which
// other prompts share its batch, so every op used in generation must compute a row the same way
// whatever the row count and the row's index.
import { expect } from 'vitest';
import { Arena, random, ropeTables } from './kernel-contract-cases.js';
import type { Kernels } from './kernels.js';

/**
 * A sample's tokens may not depend on which other prompts share its batch, so every op used in
 * generation must compute a row the same way whatever the row count and the row's index.
 */
export function rowIndependence(k: Kernels): void {
  const arena = new Arena(k, false);
  try {
    const [rows, N, K] = [19, 21, 35];
    const a = arena.f32(random(rows * K, 40));
    const w = arena.f32(random(N * K, 41));
    const all = arena.f32(new Float64Array(rows * N));
    k.matmulNT(all, a, w, rows, N, K, false);
    const one = arena.f32(new Float64Array(N));
    for (const r of [0, 5, 18]) {
      k.matmulNT(one, a.subarray(r * K), w, 1, N, K, false);
      expect(Array.from(one), `matmulNT row ${r}`).toEqual(
        Array.from(all.subarray(r * N, r * N + N)),
      );
    }
    const norm = arena.f32(new Float64Array(rows * K));
    const rstd = arena.f32(new Float64Array(rows));
    const g = arena.f32(random(K, 42));
    k.rmsnormForward(norm, rstd, a, g, rows, K, 1e-5);
    const normOne = arena.f32(new Float64Array(K));
    k.rmsnormForward(normOne, rstd, a.subarray(7 * K), g, 1, K, 1e-5);
    expect(Array.from(normOne)).toEqual(Array.from(norm.subarray(7 * K, 8 * K)));
    const sw = arena.f32(new Float64Array(rows * K));
    k.swigluForward(sw, a, norm, rows * K);
    for (const start of [1, 6 * K + 2, rows * K - 3]) {
      const part = arena.f32(new Float64Array(3));
      k.swigluForward(part, a.subarray(start), norm.subarray(start), 3);
      expect(Array.from(part)).toEqual(Array.from(sw.subarray(start, start + 3)));
    }
  } finally {
    arena.release();
  }
}

export function rowIndependenceAttention(k: Kernels): void {
  const arena = new Arena(k, false);
  try {
    const [rows, H, Dh, slots, maxT] = [9, 3, 6, 4, 11];
    const C = H * Dh;
    const { cos, sin } = ropeTables(maxT, Dh);
    const [kc, ks] = [arena.f32(cos), arena.f32(sin)];
    const positions = arena.i32([0, 10, 4, 4, 7, 1, 9, 2, 3]);
    const slotIds = arena.i32([3, 0, 1, 2, 0, 3, 1, 2, 2]);
    const x = arena.f32(random(rows * C, 43));
    const single = arena.f32(x);
    k.rope(x, rows, C, H, Dh, positions, kc, ks, false);
    for (let r = 0; r < rows; r++) {
      k.rope(single.subarray(r * C), 1, C, H, Dh, positions.subarray(r), kc, ks, false);
    }
    expect(Array.from(single)).toEqual(Array.from(x));
    const kCache = arena.f32(random(slots * maxT * C, 44));
    const vCache = arena.f32(random(slots * maxT * C, 45));
    const out = arena.f32(new Float64Array(rows * C));
    const scratch = arena.f32(new Float64Array(rows * maxT));
    k.attentionCached(out, x, C, kCache, vCache, slotIds, positions, rows, H, Dh, maxT, scratch);
    const one = arena.f32(new Float64Array(C));
    for (let r = 0; r < rows; r++) {
      const [s, p] = [slotIds.subarray(r), positions.subarray(r)];
      k.attentionCached(one, x.subarray(r * C), C, kCache, vCache, s, p, 1, H, Dh, maxT, scratch);
      expect(Array.from(one), `attentionCached row ${r}`).toEqual(
        Array.from(out.subarray(r * C, r * C + C)),
      );
    }
  } finally {
    arena.release();
  }
}
