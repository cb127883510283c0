// Causal attention over a KV cache, for generation: rows are (slot, position) pairs of any mix of
// sequences; one work chunk per group of 4 rows. Each element gets exactly the arithmetic of
// attention.ts (the same dot products, softmaxRow, and P·V order), so cached generation
// reproduces the uncached forward pass bit for bit.
import { softmaxRow } from './attention';
import { nextChunk } from './runtime';
import { hsum4, storeUpTo4 } from './simd-math';

/**
 * s[j] = dot(q, k_j, n) for j < nk ≤ 4, k_j = k + j·ks: four keys at once with exactly the
 * arithmetic of `dot` (lanes over d, the hsum order, then the tail in order).
 */
function dot1x4(q: usize, k: usize, ks: usize, n: i32, s: usize, nk: i32): void {
  const k1 = nk > 1 ? k + ks : k;
  const k2 = nk > 2 ? k + 2 * ks : k;
  const k3 = nk > 3 ? k + 3 * ks : k;
  let x0 = f32x4.splat(0);
  let x1 = x0;
  let x2 = x0;
  let x3 = x0;
  const n4 = (<usize>(n & ~3)) << 2;
  for (let d: usize = 0; d < n4; d += 16) {
    const a = v128.load(q + d);
    x0 = f32x4.add(x0, f32x4.mul(a, v128.load(k + d)));
    x1 = f32x4.add(x1, f32x4.mul(a, v128.load(k1 + d)));
    x2 = f32x4.add(x2, f32x4.mul(a, v128.load(k2 + d)));
    x3 = f32x4.add(x3, f32x4.mul(a, v128.load(k3 + d)));
  }
  let r = hsum4(x0, x1, x2, x3);
  for (let d = n4; d < (<usize>n) << 2; d += 4) {
    let b = f32x4.splat(load<f32>(k + d));
    b = f32x4.replace_lane(b, 1, load<f32>(k1 + d));
    b = f32x4.replace_lane(b, 2, load<f32>(k2 + d));
    b = f32x4.replace_lane(b, 3, load<f32>(k3 + d));
    r = f32x4.add(r, f32x4.mul(v128.load32_splat(q + d), b));
  }
  storeUpTo4(s, r, nk);
}

/**
 * out[0..D) = Σ_k p[k]·v_k[0..D), v_k = v + k·vs, k in order: one row of the P·V product with
 * the arithmetic of `tile` (one accumulator per element), 32 columns at a time.
 */
function rowTimesValues(p: usize, v: usize, vs: usize, n: i32, out: usize, D: i32): void {
  let d0 = 0;
  for (; d0 + 32 <= D; d0 += 32) {
    let x0 = f32x4.splat(0);
    let x1 = x0;
    let x2 = x0;
    let x3 = x0;
    let x4 = x0;
    let x5 = x0;
    let x6 = x0;
    let x7 = x0;
    let b = v + ((<usize>d0) << 2);
    for (let k = 0; k < n; k++) {
      const s = v128.load32_splat(p + ((<usize>k) << 2));
      x0 = f32x4.add(x0, f32x4.mul(s, v128.load(b)));
      x1 = f32x4.add(x1, f32x4.mul(s, v128.load(b, 16)));
      x2 = f32x4.add(x2, f32x4.mul(s, v128.load(b, 32)));
      x3 = f32x4.add(x3, f32x4.mul(s, v128.load(b, 48)));
      x4 = f32x4.add(x4, f32x4.mul(s, v128.load(b, 64)));
      x5 = f32x4.add(x5, f32x4.mul(s, v128.load(b, 80)));
      x6 = f32x4.add(x6, f32x4.mul(s, v128.load(b, 96)));
      x7 = f32x4.add(x7, f32x4.mul(s, v128.load(b, 112)));
      b += vs;
    }
    const o = out + ((<usize>d0) << 2);
    v128.store(o, x0);
    v128.store(o, x1, 16);
    v128.store(o, x2, 32);
    v128.store(o, x3, 48);
    v128.store(o, x4, 64);
    v128.store(o, x5, 80);
    v128.store(o, x6, 96);
    v128.store(o, x7, 112);
  }
  for (; d0 < D; d0 += 4) {
    let x = f32x4.splat(0);
    let b = v + ((<usize>d0) << 2);
    for (let k = 0; k < n; k++) {
      x = f32x4.add(x, f32x4.mul(v128.load32_splat(p + ((<usize>k) << 2)), v128.load(b)));
      b += vs;
    }
    storeUpTo4(out + ((<usize>d0) << 2), x, min(4, D - d0));
  }
}

/**
 * Row r: the token at positions[r] of sequence slot slots[r]; it attends to positions
 * 0..positions[r] of kCache/vCache (slots, maxT, C). scratch holds rows·maxT scores.
 */
export function attentionCached(
  out: usize,
  q: usize,
  qStride: i32,
  kCache: usize,
  vCache: usize,
  slots: usize,
  positions: usize,
  rows: i32,
  H: i32,
  Dh: i32,
  maxT: i32,
  scratch: usize,
): void {
  const C = H * Dh;
  const scale = <f32>(1 / Math.sqrt(<f64>Dh));
  const crs = (<usize>C) << 2;
  const groups = (rows + 3) >> 2;
  for (let g = nextChunk(); g < groups; g = nextChunk()) {
    for (let r = g * 4; r < min(rows, g * 4 + 4); r++) {
      const base = (<usize>load<i32>(slots + ((<usize>r) << 2)) * maxT * C) << 2;
      const n = load<i32>(positions + ((<usize>r) << 2)) + 1;
      const w = scratch + ((<usize>r * maxT) << 2);
      for (let h = 0; h < H; h++) {
        const col = (<usize>h * Dh) << 2;
        const qo = q + ((<usize>r * qStride) << 2) + col;
        const kb = kCache + base + col;
        for (let s = 0; s < n; s += 4) {
          dot1x4(qo, kb + <usize>s * crs, crs, Dh, w + ((<usize>s) << 2), min(4, n - s));
        }
        softmaxRow(w, n, n, scale);
        rowTimesValues(w, vCache + base + col, crs, n, out + <usize>r * crs + col, Dh);
      }
    }
  }
}
