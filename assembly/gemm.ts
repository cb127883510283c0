// Matrix multiplication: B packed into panels of 8 columns, a 4×8 register-blocked micro-kernel,
// SIMD across output columns. Every output element is one f32 accumulator summed over k in order
// 0..K−1 (starting from 0, or from `out` when accumulating), so results do not depend on M, on a
// row's place in the batch, or on how rows are split across threads.
import { nextChunk, packBuffer, threadScratch } from './runtime';

/** K block: keeps a 4-row A block and an 8-column B panel in L1. */
const KC: i32 = 256;
/** Row tiles (of 4 rows) and column panels (of 8) per work chunk. */
const ROW_TILES: i32 = 4;
const COL_PANELS: i32 = 8;

/**
 * c_r[0..8) (+)= Σ_k a_r[k]·b[k][0..8) for r < 4. a_r advances aks bytes per k, b advances bks.
 * `init` starts from the current c instead of 0.
 */
export function kernel4x8(
  a0: usize,
  a1: usize,
  a2: usize,
  a3: usize,
  aks: usize,
  b: usize,
  bks: usize,
  kc: i32,
  c0: usize,
  c1: usize,
  c2: usize,
  c3: usize,
  init: bool,
): void {
  let x00 = f32x4.splat(0);
  let x01 = x00;
  let x10 = x00;
  let x11 = x00;
  let x20 = x00;
  let x21 = x00;
  let x30 = x00;
  let x31 = x00;
  if (init) {
    x00 = v128.load(c0);
    x01 = v128.load(c0, 16);
    x10 = v128.load(c1);
    x11 = v128.load(c1, 16);
    x20 = v128.load(c2);
    x21 = v128.load(c2, 16);
    x30 = v128.load(c3);
    x31 = v128.load(c3, 16);
  }
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let s = v128.load32_splat(a0);
    x00 = f32x4.add(x00, f32x4.mul(s, b0));
    x01 = f32x4.add(x01, f32x4.mul(s, b1));
    s = v128.load32_splat(a1);
    x10 = f32x4.add(x10, f32x4.mul(s, b0));
    x11 = f32x4.add(x11, f32x4.mul(s, b1));
    s = v128.load32_splat(a2);
    x20 = f32x4.add(x20, f32x4.mul(s, b0));
    x21 = f32x4.add(x21, f32x4.mul(s, b1));
    s = v128.load32_splat(a3);
    x30 = f32x4.add(x30, f32x4.mul(s, b0));
    x31 = f32x4.add(x31, f32x4.mul(s, b1));
    a0 += aks;
    a1 += aks;
    a2 += aks;
    a3 += aks;
    b += bks;
  }
  v128.store(c0, x00);
  v128.store(c0, x01, 16);
  v128.store(c1, x10);
  v128.store(c1, x11, 16);
  v128.store(c2, x20);
  v128.store(c2, x21, 16);
  v128.store(c3, x30);
  v128.store(c3, x31, 16);
}

/**
 * kernel4x8 for A whose four values per k are contiguous, `as` bytes apart from one k to the
 * next (a packed (k, 16) block: 64), and B in a packed (k, 8) panel: one pointer each, immediate
 * offsets, so the loop carries two increments. Same arithmetic as kernel4x8.
 */
export function kernelPacked(
  a: usize,
  as: usize,
  b: usize,
  kc: i32,
  c: usize,
  crs: usize,
  init: bool,
): void {
  let x00 = f32x4.splat(0);
  let x01 = x00;
  let x10 = x00;
  let x11 = x00;
  let x20 = x00;
  let x21 = x00;
  let x30 = x00;
  let x31 = x00;
  const c1 = c + crs;
  const c2 = c1 + crs;
  const c3 = c2 + crs;
  if (init) {
    x00 = v128.load(c);
    x01 = v128.load(c, 16);
    x10 = v128.load(c1);
    x11 = v128.load(c1, 16);
    x20 = v128.load(c2);
    x21 = v128.load(c2, 16);
    x30 = v128.load(c3);
    x31 = v128.load(c3, 16);
  }
  const end = b + ((<usize>kc) << 5);
  while (b < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let s = v128.load32_splat(a);
    x00 = f32x4.add(x00, f32x4.mul(s, b0));
    x01 = f32x4.add(x01, f32x4.mul(s, b1));
    s = v128.load32_splat(a, 4);
    x10 = f32x4.add(x10, f32x4.mul(s, b0));
    x11 = f32x4.add(x11, f32x4.mul(s, b1));
    s = v128.load32_splat(a, 8);
    x20 = f32x4.add(x20, f32x4.mul(s, b0));
    x21 = f32x4.add(x21, f32x4.mul(s, b1));
    s = v128.load32_splat(a, 12);
    x30 = f32x4.add(x30, f32x4.mul(s, b0));
    x31 = f32x4.add(x31, f32x4.mul(s, b1));
    a += as;
    b += 32;
  }
  v128.store(c, x00);
  v128.store(c, x01, 16);
  v128.store(c1, x10);
  v128.store(c1, x11, 16);
  v128.store(c2, x20);
  v128.store(c2, x21, 16);
  v128.store(c3, x30);
  v128.store(c3, x31, 16);
}

/**
 * One output tile of mr ≤ 4 rows and nr ≤ 8 columns at c (row stride crs bytes); A row r at
 * a + r·ars. Partial tiles run the same kernel on a scratch tile (missing rows repeat row 0), so
 * each element gets the same arithmetic as in a full tile. b must be readable for 8 columns.
 */
export function tile(
  a: usize,
  ars: usize,
  aks: usize,
  b: usize,
  bks: usize,
  kc: i32,
  c: usize,
  crs: usize,
  init: bool,
  mr: i32,
  nr: i32,
): void {
  if (mr === 4 && nr === 8) {
    kernel4x8(
      a,
      a + ars,
      a + 2 * ars,
      a + 3 * ars,
      aks,
      b,
      bks,
      kc,
      c,
      c + crs,
      c + 2 * crs,
      c + 3 * crs,
      init,
    );
    return;
  }
  const t = threadScratch(); // (4, 8) tile
  for (let r = 0; r < 4; r++) {
    for (let j = 0; j < 8; j++) {
      const v: f32 =
        init && r < mr && j < nr ? load<f32>(c + <usize>r * crs + ((<usize>j) << 2)) : 0;
      store<f32>(t + ((<usize>(r * 8 + j)) << 2), v);
    }
  }
  const a1 = mr > 1 ? a + ars : a;
  const a2 = mr > 2 ? a + 2 * ars : a;
  const a3 = mr > 3 ? a + 3 * ars : a;
  kernel4x8(a, a1, a2, a3, aks, b, bks, kc, t, t + 32, t + 64, t + 96, init);
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) {
      store<f32>(
        c + <usize>r * crs + ((<usize>j) << 2),
        load<f32>(t + ((<usize>(r * 8 + j)) << 2)),
      );
    }
  }
}

/**
 * `tile` with the full-tile case written for inlining: call it as `inline.always(tileInline(...))`
 * so that constant strides reach the kernel's loop.
 */
export function tileInline(
  a: usize,
  ars: usize,
  aks: usize,
  b: usize,
  bks: usize,
  kc: i32,
  c: usize,
  crs: usize,
  init: bool,
  mr: i32,
  nr: i32,
): void {
  if (mr === 4 && nr === 8) {
    // biome-ignore format: one call per row
    inline.always(kernel4x8(a, a + ars, a + 2 * ars, a + 3 * ars, aks, b, bks, kc, c, c + crs, c + 2 * crs, c + 3 * crs, init));
  } else tile(a, ars, aks, b, bks, kc, c, crs, init, mr, nr);
}

/** Packs columns [8p, 8p+8) of b into panel p of dst: (K, 8), zero past N. bT: b is (N,K). */
function packPanel(dst: usize, b: usize, p: i32, N: i32, K: i32, bT: bool): void {
  const d = dst + <usize>p * K * 32;
  const j0 = p * 8;
  const cols = min(8, N - j0);
  if (bT) {
    for (let c = 0; c < 8; c++) {
      const src = b + <usize>(j0 + c) * K * 4;
      if (c < cols) {
        for (let k = 0; k < K; k++)
          store<f32>(d + ((<usize>(k * 8 + c)) << 2), load<f32>(src + ((<usize>k) << 2)));
      } else {
        for (let k = 0; k < K; k++) store<f32>(d + ((<usize>(k * 8 + c)) << 2), 0);
      }
    }
    return;
  }
  const rs = <usize>N * 4;
  let src = b + ((<usize>j0) << 2);
  for (let k = 0; k < K; k++) {
    const o = d + ((<usize>k) << 5);
    if (cols === 8) {
      v128.store(o, v128.load(src));
      v128.store(o, v128.load(src, 16), 16);
    } else {
      for (let c = 0; c < 8; c++)
        store<f32>(o + ((<usize>c) << 2), c < cols ? load<f32>(src + ((<usize>c) << 2)) : 0);
    }
    src += rs;
  }
}

/**
 * Phase 1 of a matmul: packs B into the shared packing buffer, one panel per chunk.
 * bT: b is stored (N,K), else (K,N).
 */
export function gemmPack(b: usize, N: i32, K: i32, bT: bool): void {
  const dst = packBuffer();
  const panels = (N + 7) >> 3;
  for (let c = nextChunk(); c < panels; c = nextChunk()) packPanel(dst, b, c, N, K, bT);
}

/** dst (rows, 16) = the first `cols` ≤ 16 columns of rows of src (stride rs bytes), zero after. */
function packRows(dst: usize, src: usize, rs: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const d = dst + ((<usize>r) << 6);
    if (cols === 16) {
      v128.store(d, v128.load(src));
      v128.store(d, v128.load(src, 16), 16);
      v128.store(d, v128.load(src, 32), 32);
      v128.store(d, v128.load(src, 48), 48);
    } else {
      for (let j = 0; j < 16; j++) {
        store<f32>(d + ((<usize>j) << 2), j < cols ? load<f32>(src + ((<usize>j) << 2)) : 0);
      }
    }
    src += rs;
  }
}

/**
 * dst (kc, 16) = the transpose of `rows` ≤ 16 rows of src (row stride rs bytes), columns 0..kc:
 * dst[k][r] = src[r][k], zero for r ≥ rows. 4×4 blocks go through registers.
 */
function packColumns(dst: usize, src: usize, rs: usize, kc: i32, rows: i32): void {
  for (let r0 = 0; r0 < 16; r0 += 4) {
    const n = min(4, rows - r0);
    if (n <= 0) {
      for (let k = 0; k < kc; k++)
        v128.store(dst + ((<usize>k) << 6) + ((<usize>r0) << 2), f32x4.splat(0));
      continue;
    }
    const s0 = src + <usize>r0 * rs;
    const s1 = n > 1 ? s0 + rs : s0;
    const s2 = n > 2 ? s0 + 2 * rs : s0;
    const s3 = n > 3 ? s0 + 3 * rs : s0;
    const keep = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(n));
    let k = 0;
    for (; k + 4 <= kc; k += 4) {
      const o = (<usize>k) << 2;
      const a = v128.load(s0 + o);
      const b = v128.load(s1 + o);
      const c = v128.load(s2 + o);
      const d = v128.load(s3 + o);
      // [a0 b0 a1 b1], [a2 b2 a3 b3], [c0 d0 c1 d1], [c2 d2 c3 d3] → columns k..k+3
      const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
      const ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
      const cd0 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
      const cd1 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
      const out = dst + ((<usize>k) << 6) + ((<usize>r0) << 2);
      v128.store(out, v128.and(v128.shuffle<f32>(ab0, cd0, 0, 1, 4, 5), keep));
      v128.store(out + 64, v128.and(v128.shuffle<f32>(ab0, cd0, 2, 3, 6, 7), keep));
      v128.store(out + 128, v128.and(v128.shuffle<f32>(ab1, cd1, 0, 1, 4, 5), keep));
      v128.store(out + 192, v128.and(v128.shuffle<f32>(ab1, cd1, 2, 3, 6, 7), keep));
    }
    for (; k < kc; k++) {
      const o = (<usize>k) << 2;
      let v = f32x4.splat(load<f32>(s0 + o));
      v = f32x4.replace_lane(v, 1, load<f32>(s1 + o));
      v = f32x4.replace_lane(v, 2, load<f32>(s2 + o));
      v = f32x4.replace_lane(v, 3, load<f32>(s3 + o));
      v128.store(dst + ((<usize>k) << 6) + ((<usize>r0) << 2), v128.and(v, keep));
    }
  }
}

/** Per-thread scratch bytes gemmCompute needs: the edge tile and a (KC, 16) block of Aᵀ. */
export function gemmScratchBytes(): i32 {
  return 128 + KC * 64;
}

/** Work chunks of phase 2 for an (M,N) output. */
function chunkCols(N: i32): i32 {
  return (((N + 7) >> 3) + COL_PANELS - 1) / COL_PANELS;
}

/**
 * Phase 2: out(M,N) (+)= A·B over the packed panels, A read in place: stored (M,K), or (K,M)
 * when aT (its 4 rows of a tile are then 16 contiguous bytes per k). Chunks are (row block,
 * column block) pairs.
 */
export function gemmCompute(
  out: usize,
  a: usize,
  M: i32,
  N: i32,
  K: i32,
  aT: bool,
  accumulate: bool,
): void {
  const bp = packBuffer();
  const panels = (N + 7) >> 3;
  const tiles = (M + 3) >> 2;
  const rowChunks = (tiles + ROW_TILES - 1) / ROW_TILES;
  // with rows enough to share out, a chunk takes every column and packs its rows of A once
  const colChunks = rowChunks >= 16 ? 1 : chunkCols(N);
  const colPanels = rowChunks >= 16 ? panels : COL_PANELS;
  const chunks = rowChunks * colChunks;
  const crs = <usize>N * 4;
  const ars = <usize>K * 4;
  const ablock = threadScratch() + 128;
  for (let c = nextChunk(); c < chunks; c = nextChunk()) {
    const t0 = (c / colChunks) * ROW_TILES;
    const t1 = min(t0 + ROW_TILES, tiles);
    const p0 = (c % colChunks) * colPanels;
    const p1 = min(p0 + colPanels, panels);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = min(KC, K - k0);
      const init = accumulate || k0 > 0;
      // The chunk's rows of A, k0..k0+kc, copied to (kc, 16) in scratch: one pointer for the
      // kernel, and no reads at power-of-two strides that collide in the L1 cache.
      const rows = min(16, M - t0 * 4);
      if (aT) packRows(ablock, a + (<usize>k0 * M + t0 * 4) * 4, <usize>M * 4, kc, rows);
      else packColumns(ablock, a + (<usize>(t0 * 4) * K + k0) * 4, ars, kc, rows);
      for (let p = p0; p < p1; p++) {
        const b = bp + (<usize>p * K + k0) * 32;
        const nr = min(8, N - p * 8);
        for (let t = t0; t < t1; t++) {
          const i = t * 4;
          const c0 = out + <usize>i * crs + ((<usize>p) << 5);
          const mr = min(4, M - i);
          const a0 = ablock + ((<usize>(t - t0)) << 4);
          if (mr === 4 && nr === 8) inline.always(kernelPacked(a0, 64, b, kc, c0, crs, init));
          else tile(a0, 4, 64, b, 32, kc, c0, crs, init, mr, nr);
        }
      }
    }
  }
}
