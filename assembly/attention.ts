// Causal self-attention for training, on head-interleaved activations (row stride `stride`,
// head h in columns [h·Dh, (h+1)·Dh)), one work chunk per (sequence, head). Scores are `dot`
// products in one fixed order and softmaxRow is shared with the cached path (attention-cached.ts),
// so generation with and without the KV cache agrees bit for bit.

import { kernelPacked, tile, tileInline } from './gemm';
import { nextChunk, threadScratch } from './runtime';
import { hsum, hsum4, loadUpTo4, vexp } from './simd-math';

/**
 * c_r[j] = dot(a_r, b_j, n) for r < mr ≤ 4, j < nr ≤ 2; missing rows/columns must alias valid
 * ones (they are computed, not stored). c row stride crs bytes.
 */
function dot4x2(
  a0: usize,
  a1: usize,
  a2: usize,
  a3: usize,
  b0: usize,
  b1: usize,
  n: i32,
  c: usize,
  crs: usize,
  mr: i32,
  nr: i32,
): void {
  let x00 = f32x4.splat(0);
  let x01 = x00;
  let x10 = x00;
  let x11 = x00;
  let x20 = x00;
  let x21 = x00;
  let x30 = x00;
  let x31 = x00;
  const n4 = (<usize>(n & ~3)) << 2;
  for (let d: usize = 0; d < n4; d += 16) {
    const p = v128.load(b0 + d);
    const q = v128.load(b1 + d);
    let s = v128.load(a0 + d);
    x00 = f32x4.add(x00, f32x4.mul(s, p));
    x01 = f32x4.add(x01, f32x4.mul(s, q));
    s = v128.load(a1 + d);
    x10 = f32x4.add(x10, f32x4.mul(s, p));
    x11 = f32x4.add(x11, f32x4.mul(s, q));
    s = v128.load(a2 + d);
    x20 = f32x4.add(x20, f32x4.mul(s, p));
    x21 = f32x4.add(x21, f32x4.mul(s, q));
    s = v128.load(a3 + d);
    x30 = f32x4.add(x30, f32x4.mul(s, p));
    x31 = f32x4.add(x31, f32x4.mul(s, q));
  }
  let lo = hsum4(x00, x01, x10, x11); // [c00, c01, c10, c11]
  let hi = hsum4(x20, x21, x30, x31); // [c20, c21, c30, c31]
  for (let d = n4; d < (<usize>n) << 2; d += 4) {
    const bb = f32x4.replace_lane(v128.load32_splat(b0 + d), 1, load<f32>(b1 + d));
    const b2 = v128.shuffle<f32>(bb, bb, 0, 1, 0, 1);
    const al = f32x4.replace_lane(v128.load32_splat(a0 + d), 2, load<f32>(a1 + d));
    const ah = f32x4.replace_lane(v128.load32_splat(a2 + d), 2, load<f32>(a3 + d));
    lo = f32x4.add(lo, f32x4.mul(v128.shuffle<f32>(al, al, 0, 0, 2, 2), b2));
    hi = f32x4.add(hi, f32x4.mul(v128.shuffle<f32>(ah, ah, 0, 0, 2, 2), b2));
  }
  store<f32>(c, f32x4.extract_lane(lo, 0));
  if (nr > 1) store<f32>(c, f32x4.extract_lane(lo, 1), 4);
  if (mr > 1) {
    store<f32>(c + crs, f32x4.extract_lane(lo, 2));
    if (nr > 1) store<f32>(c + crs, f32x4.extract_lane(lo, 3), 4);
  }
  if (mr > 2) {
    store<f32>(c + 2 * crs, f32x4.extract_lane(hi, 0));
    if (nr > 1) store<f32>(c + 2 * crs, f32x4.extract_lane(hi, 1), 4);
  }
  if (mr > 3) {
    store<f32>(c + 3 * crs, f32x4.extract_lane(hi, 2));
    if (nr > 1) store<f32>(c + 3 * crs, f32x4.extract_lane(hi, 3), 4);
  }
}

/**
 * Scores of rows t0..t0+mr against keys 0..t0+mr−1 into p (row stride ld floats):
 * p[t][s] = q_t·k_s. Entries above the diagonal are written too (callers overwrite them).
 */
function scores(
  p: usize,
  ld: i32,
  q: usize,
  qrs: usize,
  k: usize,
  krs: usize,
  t0: i32,
  mr: i32,
  n: i32,
): void {
  const a0 = q + <usize>t0 * qrs;
  const a1 = mr > 1 ? a0 + qrs : a0;
  const a2 = mr > 2 ? a0 + 2 * qrs : a0;
  const a3 = mr > 3 ? a0 + 3 * qrs : a0;
  const keys = t0 + mr;
  const crs = (<usize>ld) << 2;
  for (let s = 0; s < keys; s += 2) {
    const b0 = k + <usize>s * krs;
    const nr = min(2, keys - s);
    inline.always(
      dot4x2(
        a0,
        a1,
        a2,
        a3,
        b0,
        nr > 1 ? b0 + krs : b0,
        n,
        p + <usize>t0 * crs + ((<usize>s) << 2),
        crs,
        mr,
        nr,
      ),
    );
  }
}

/**
 * In place on row p: scale the first n entries, softmax them, zero entries n..total.
 * The order of every reduction depends on n only.
 */
export function softmaxRow(p: usize, n: i32, total: i32, scale: f32): void {
  const n4 = (<usize>(n & ~3)) << 2;
  const end = (<usize>n) << 2;
  let mv = f32x4.splat(-Infinity);
  for (let i: usize = 0; i < n4; i += 16) mv = f32x4.pmax(mv, v128.load(p + i));
  let top = f32x4.pmax(mv, v128.shuffle<f32>(mv, mv, 2, 3, 0, 1));
  top = f32x4.pmax(top, v128.shuffle<f32>(top, top, 1, 0, 3, 2));
  let raw = f32x4.extract_lane(top, 0);
  for (let i = n4; i < end; i += 4) {
    const x = load<f32>(p + i);
    // biome-ignore lint/complexity/useMathMinMax: a compare-select, like f32x4.pmax above
    raw = x > raw ? x : raw;
  }
  // scaling by a positive number keeps the order: the max of the scaled scores, exactly
  const mx = raw * scale;
  const m = f32x4.splat(mx);
  const sv = f32x4.splat(scale);
  let sumv = f32x4.splat(0);
  for (let i: usize = 0; i < n4; i += 16) {
    const e = vexp(f32x4.sub(f32x4.mul(v128.load(p + i), sv), m));
    v128.store(p + i, e);
    sumv = f32x4.add(sumv, e);
  }
  let sum = hsum(sumv);
  for (let i = n4; i < end; i += 4) {
    const e = f32x4.extract_lane(vexp(f32x4.splat(load<f32>(p + i) * scale - mx)), 0);
    store<f32>(p + i, e);
    sum += e;
  }
  const inv = f32x4.splat(<f32>1 / sum);
  for (let i: usize = 0; i < n4; i += 16) v128.store(p + i, f32x4.mul(v128.load(p + i), inv));
  for (let i = n4; i < end; i += 4)
    store<f32>(p + i, load<f32>(p + i) * f32x4.extract_lane(inv, 0));
  memory.fill(p + end, 0, ((<usize>total) << 2) - end);
}

/*
 * Per-thread staging of one head, in the thread's scratch after its 128-byte tile: two
 * contiguous (T, Dh) copies for the dot products (rows0, rows1), three (Dh/8, T, 8) panel copies
 * for the P·V-style products (panels0..2) and two (T, T+4) matrices (square0, square1). Read in
 * place, head slices and 512-byte rows of P sit at power-of-two strides that collide in L1.
 */
let rows0: usize = 0;
let rows1: usize = 0;
let panels0: usize = 0;
let panels1: usize = 0;
let panels2: usize = 0;
let square0: usize = 0;
let square1: usize = 0;

/** Lays out this thread's staging area for sequences of T and heads of Dh. */
function stage(T: i32, Dh: i32): void {
  const rows = <usize>T * Dh * 4;
  const panels = <usize>((Dh + 7) >> 3) * T * 32;
  const square = <usize>T * (T + 4) * 4;
  rows0 = threadScratch() + 128;
  rows1 = rows0 + rows;
  panels0 = rows1 + rows;
  panels1 = panels0 + panels;
  panels2 = panels1 + panels;
  square0 = panels2 + panels;
  square1 = square0 + square;
}

/** Per-thread scratch bytes the training attention needs (see `stage`). */
export function attentionScratchBytes(T: i32, Dh: i32): i32 {
  return 128 + 2 * T * Dh * 4 + 3 * ((Dh + 7) >> 3) * T * 32 + 2 * T * (T + 4) * 4;
}

/** dst (rows, cols), row stride ld floats = src rows (stride rs bytes), copied. */
function copyRows(dst: usize, ld: i32, src: usize, rs: usize, rows: i32, cols: i32): void {
  const c4 = (<usize>(cols & ~3)) << 2;
  const end = (<usize>cols) << 2;
  const lds = (<usize>ld) << 2;
  for (let r = 0; r < rows; r++) {
    let i: usize = 0;
    for (; i < c4; i += 16) v128.store(dst + i, v128.load(src + i));
    for (; i < end; i += 4) store<f32>(dst + i, load<f32>(src + i));
    dst += lds;
    src += rs;
  }
}

/** dst (cols/8, rows, 8): columns of src (stride rs bytes) in panels of 8, zero past cols. */
function packPanels(dst: usize, src: usize, rs: usize, rows: i32, cols: i32): void {
  for (let c0 = 0; c0 < cols; c0 += 8) {
    const n = min(8, cols - c0);
    let d = dst + <usize>(c0 >> 3) * rows * 32;
    let s = src + ((<usize>c0) << 2);
    for (let r = 0; r < rows; r++) {
      if (n === 8) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
      } else {
        v128.store(d, loadUpTo4(s, min(4, n)));
        v128.store(d, n > 4 ? loadUpTo4(s + 16, n - 4) : f32x4.splat(0), 16);
      }
      d += 32;
      s += rs;
    }
  }
}

/** out(B·T, C), probs (B,H,T,T); q, k, v (B·T, stride). One chunk per (b, h). */
export function attentionForward(
  out: usize,
  probs: usize,
  q: usize,
  k: usize,
  v: usize,
  B: i32,
  T: i32,
  H: i32,
  Dh: i32,
  stride: i32,
): void {
  const C = H * Dh;
  const scale = <f32>(1 / Math.sqrt(<f64>Dh));
  const rs = (<usize>stride) << 2;
  const hs = (<usize>Dh) << 2;
  const ors = (<usize>C) << 2;
  const prs = (<usize>T) << 2;
  stage(T, Dh);
  for (let u = nextChunk(); u < B * H; u = nextChunk()) {
    const b = u / H;
    const h = u % H;
    const head = (<usize>b * T * stride + <usize>h * Dh) << 2;
    copyRows(rows0, Dh, q + head, rs, T, Dh);
    copyRows(rows1, Dh, k + head, rs, T, Dh);
    packPanels(panels0, v + head, rs, T, Dh);
    const ob = out + ((<usize>b * T * C + <usize>h * Dh) << 2);
    const pb = probs + ((<usize>u * T * T) << 2);
    for (let t0 = 0; t0 < T; t0 += 4) {
      const mr = min(4, T - t0);
      scores(pb, T, rows0, hs, rows1, hs, t0, mr, Dh);
      for (let r = 0; r < mr; r++) softmaxRow(pb + <usize>(t0 + r) * prs, t0 + r + 1, T, scale);
      for (let d0 = 0; d0 < Dh; d0 += 8) {
        inline.always(
          tileInline(
            pb + <usize>t0 * prs,
            prs,
            4,
            panels0 + <usize>(d0 >> 3) * T * 32,
            32,
            t0 + mr,
            ob + <usize>t0 * ors + ((<usize>d0) << 2),
            ors,
            false,
            mr,
            min(8, Dh - d0),
          ),
        );
      }
    }
  }
}

/**
 * c (+)= Aᵀ-tile × panel where A's four values for each k are contiguous (a column block of P or
 * dS, row stride `as` bytes) and B is a packed (k, 8) panel: the packed kernel when the tile is
 * full. Accumulates into c.
 */
function tileColumns(
  a: usize,
  as: usize,
  b: usize,
  kc: i32,
  c: usize,
  crs: usize,
  mr: i32,
  nr: i32,
): void {
  if (mr === 4 && nr === 8) inline.always(kernelPacked(a, as, b, kc, c, crs, true));
  else tile(a, 4, as, b, 32, kc, c, crs, true, mr, nr);
}

/** dq, dk, dv (B·T, stride) += gradients given dout (B·T, C) and the saved probs. */
export function attentionBackward(
  dq: usize,
  dk: usize,
  dv: usize,
  dout: usize,
  probs: usize,
  q: usize,
  k: usize,
  v: usize,
  B: i32,
  T: i32,
  H: i32,
  Dh: i32,
  stride: i32,
): void {
  const C = H * Dh;
  const scale = <f32>(1 / Math.sqrt(<f64>Dh));
  const rs = (<usize>stride) << 2;
  const hs = (<usize>Dh) << 2;
  const ors = (<usize>C) << 2;
  const prs = (<usize>T) << 2;
  stage(T, Dh);
  const ld = T + 4;
  const lds = (<usize>ld) << 2;
  const pt = square0; // P, (T, T+4)
  const ds = square1; // dS, (T, T+4)
  for (let u = nextChunk(); u < B * H; u = nextChunk()) {
    const b = u / H;
    const h = u % H;
    const head = (<usize>b * T * stride + <usize>h * Dh) << 2;
    const ob = dout + ((<usize>b * T * C + <usize>h * Dh) << 2);
    const pb = probs + ((<usize>u * T * T) << 2);
    copyRows(rows0, Dh, ob, ors, T, Dh);
    copyRows(rows1, Dh, v + head, rs, T, Dh);
    packPanels(panels0, q + head, rs, T, Dh);
    packPanels(panels1, k + head, rs, T, Dh);
    packPanels(panels2, ob, ors, T, Dh);
    copyRows(pt, ld, pb, prs, T, T);
    for (let t0 = 0; t0 < T; t0 += 4) {
      const mr = min(4, T - t0);
      scores(ds, ld, rows0, hs, rows1, hs, t0, mr, Dh); // dP = dO·Vᵀ
      for (let r = 0; r < mr; r++) {
        const row = <usize>(t0 + r) * lds;
        softmaxBackwardRow(ds + row, pt + row, t0 + r + 1, T, scale);
      }
    }
    for (let t0 = 0; t0 < T; t0 += 4) {
      const mr = min(4, T - t0);
      const diag = (<usize>t0 * ld + t0) << 2;
      for (let d0 = 0; d0 < Dh; d0 += 8) {
        const nr = min(8, Dh - d0);
        const panel = <usize>(d0 >> 3) * T * 32;
        const at = head + <usize>t0 * rs + ((<usize>d0) << 2);
        // rows t0.. of dq: Σ_{s ≤ t} dS[t,s]·k_s; of dv, dk (as rows s = t0..): Σ_{t ≥ s}
        // biome-ignore format: one call per line
        inline.always(tileInline(ds + <usize>t0 * lds, lds, 4, panels1 + panel, 32, t0 + mr, dq + at, rs, true, mr, nr));
        // biome-ignore format: one call per line
        inline.always(tileColumns(pt + diag, lds, panels2 + panel + ((<usize>t0) << 5), T - t0, dv + at, rs, mr, nr));
        // biome-ignore format: one call per line
        inline.always(tileColumns(ds + diag, lds, panels0 + panel + ((<usize>t0) << 5), T - t0, dk + at, rs, mr, nr));
      }
    }
  }
}

/** dS = P ⊙ (dP − Σ P·dP)·scale on the first n entries of row d (in place), 0 up to total. */
function softmaxBackwardRow(d: usize, p: usize, n: i32, total: i32, scale: f32): void {
  const n4 = (<usize>(n & ~3)) << 2;
  const end = (<usize>n) << 2;
  let dv = f32x4.splat(0);
  for (let i: usize = 0; i < n4; i += 16)
    dv = f32x4.add(dv, f32x4.mul(v128.load(p + i), v128.load(d + i)));
  let dot = hsum(dv);
  for (let i = n4; i < end; i += 4) dot += load<f32>(p + i) * load<f32>(d + i);
  const dd = f32x4.splat(dot);
  const sv = f32x4.splat(scale);
  for (let i: usize = 0; i < n4; i += 16) {
    v128.store(d + i, f32x4.mul(f32x4.mul(v128.load(p + i), f32x4.sub(v128.load(d + i), dd)), sv));
  }
  for (let i = n4; i < end; i += 4)
    store<f32>(d + i, load<f32>(p + i) * (load<f32>(d + i) - dot) * scale);
  memory.fill(d + end, 0, ((<usize>total) << 2) - end);
}
