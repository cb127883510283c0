// Row-wise layers of the transformer: RMSNorm, rotary embedding, SwiGLU, embedding lookup and
// softmax cross-entropy. Rows are split into work chunks; reductions over rows (weight
// gradients) are split by columns instead, so every sum runs in the same order on any split.
import { nextChunk } from './runtime';
import { dot, hsum, loadUpTo4, log64, storeUpTo4, vexp } from './simd-math';

const ROWS_PER_CHUNK: i32 = 16;
const ELEMS_PER_CHUNK: i32 = 16384;
/** Columns per chunk of the column-split reductions. */
const COLS_PER_CHUNK: i32 = 16;

/** out, x: (rows,C); rstd: (rows). out = x·rstd ⊙ weight. */
export function rmsnormForward(
  out: usize,
  rstd: usize,
  x: usize,
  weight: usize,
  rows: i32,
  C: i32,
  eps: f32,
): void {
  const chunks = (rows + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
  const rs = (<usize>C) << 2;
  const c4 = (<usize>(C & ~3)) << 2;
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    for (let r = ch * ROWS_PER_CHUNK; r < min(rows, (ch + 1) * ROWS_PER_CHUNK); r++) {
      const xr = x + <usize>r * rs;
      const or = out + <usize>r * rs;
      const s = <f32>(1 / Math.sqrt(<f64>dot(xr, xr, C) / C + eps));
      store<f32>(rstd + ((<usize>r) << 2), s);
      const sv = f32x4.splat(s);
      for (let i: usize = 0; i < c4; i += 16) {
        v128.store(or + i, f32x4.mul(f32x4.mul(v128.load(xr + i), sv), v128.load(weight + i)));
      }
      for (let i = c4; i < rs; i += 4)
        store<f32>(or + i, load<f32>(xr + i) * s * load<f32>(weight + i));
    }
  }
}

/** dx += ∂/∂x, row by row (the weight gradient is rmsnormBackwardWeight). */
export function rmsnormBackwardInput(
  dx: usize,
  dout: usize,
  x: usize,
  weight: usize,
  rstd: usize,
  rows: i32,
  C: i32,
): void {
  const chunks = (rows + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
  const rs = (<usize>C) << 2;
  const c4 = (<usize>(C & ~3)) << 2;
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    for (let r = ch * ROWS_PER_CHUNK; r < min(rows, (ch + 1) * ROWS_PER_CHUNK); r++) {
      const o = <usize>r * rs;
      const s = load<f32>(rstd + ((<usize>r) << 2));
      // dx_c += s·w_c·dy_c − x_c·k, k = s³/C · Σ_j dy_j·w_j·x_j
      let acc = f32x4.splat(0);
      for (let i: usize = 0; i < c4; i += 16) {
        acc = f32x4.add(
          acc,
          f32x4.mul(
            f32x4.mul(v128.load(dout + o + i), v128.load(weight + i)),
            v128.load(x + o + i),
          ),
        );
      }
      let dot = hsum(acc);
      for (let i = c4; i < rs; i += 4)
        dot += load<f32>(dout + o + i) * load<f32>(weight + i) * load<f32>(x + o + i);
      const k = (dot * s * s * s) / <f32>C;
      const sv = f32x4.splat(s);
      const kv = f32x4.splat(k);
      for (let i: usize = 0; i < c4; i += 16) {
        const g = f32x4.mul(f32x4.mul(sv, v128.load(weight + i)), v128.load(dout + o + i));
        v128.store(
          dx + o + i,
          f32x4.add(v128.load(dx + o + i), f32x4.sub(g, f32x4.mul(v128.load(x + o + i), kv))),
        );
      }
      for (let i = c4; i < rs; i += 4) {
        const g = s * load<f32>(weight + i) * load<f32>(dout + o + i);
        store<f32>(dx + o + i, load<f32>(dx + o + i) + (g - load<f32>(x + o + i) * k));
      }
    }
  }
}

/** dweight[c] += Σ_r dout[r,c]·x[r,c]·rstd[r], rows in order; chunks are column blocks. */
export function rmsnormBackwardWeight(
  dweight: usize,
  dout: usize,
  x: usize,
  rstd: usize,
  rows: i32,
  C: i32,
): void {
  const chunks = (C + COLS_PER_CHUNK - 1) / COLS_PER_CHUNK;
  const rs = (<usize>C) << 2;
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    const c0 = ch * COLS_PER_CHUNK;
    for (let c = c0; c < min(C, c0 + COLS_PER_CHUNK); c += 4) {
      const n = min(4, C - c);
      const p = dweight + ((<usize>c) << 2);
      if (n === 4) inline.always(weightColumns(p, dout, x, rstd, rows, rs, c, 4));
      else weightColumns(p, dout, x, rstd, rows, rs, c, n);
    }
  }
}

/** dw[0..n) += Σ_r dout[r, c..c+n)·x[r, c..c+n)·rstd[r], rows in order. */
function weightColumns(
  dw: usize,
  dout: usize,
  x: usize,
  rstd: usize,
  rows: i32,
  rs: usize,
  c: i32,
  n: i32,
): void {
  const col = (<usize>c) << 2;
  let acc = n === 4 ? v128.load(dw) : loadUpTo4(dw, n);
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * rs + col;
    const d = n === 4 ? v128.load(dout + o) : loadUpTo4(dout + o, n);
    const xv = n === 4 ? v128.load(x + o) : loadUpTo4(x + o, n);
    acc = f32x4.add(acc, f32x4.mul(f32x4.mul(d, xv), v128.load32_splat(rstd + ((<usize>r) << 2))));
  }
  if (n === 4) v128.store(dw, acc);
  else storeUpTo4(dw, acc, n);
}

/**
 * Rotates pairs (x[2i], x[2i+1]) of each head of each row by positions[r]·θ_i, in place;
 * cos, sin: (maxT, Dh/2). inverse rotates by the negative angle.
 */
export function rope(
  x: usize,
  rows: i32,
  stride: i32,
  H: i32,
  Dh: i32,
  positions: usize,
  cos: usize,
  sin: usize,
  inverse: bool,
): void {
  const half = Dh >> 1;
  const sign = f32x4.splat(inverse ? 1 : -1);
  const signs = f32x4.mul(sign, f32x4(1, -1, 1, -1)); // applied to sin: [−s, s, −s, s] forward
  const chunks = (rows + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    for (let r = ch * ROWS_PER_CHUNK; r < min(rows, (ch + 1) * ROWS_PER_CHUNK); r++) {
      const p = (<usize>load<i32>(positions + ((<usize>r) << 2)) * half) << 2;
      for (let h = 0; h < H; h++) {
        const o = x + ((<usize>r * stride + <usize>h * Dh) << 2);
        let i = 0;
        for (; i + 2 <= half; i += 2) {
          const cc = v128.load64_zero(cos + p + ((<usize>i) << 2));
          const ss = v128.load64_zero(sin + p + ((<usize>i) << 2));
          const c4 = v128.shuffle<f32>(cc, cc, 0, 0, 1, 1);
          const s4 = f32x4.mul(v128.shuffle<f32>(ss, ss, 0, 0, 1, 1), signs);
          const v = v128.load(o + ((<usize>i) << 3));
          const swapped = v128.shuffle<f32>(v, v, 1, 0, 3, 2);
          v128.store(o + ((<usize>i) << 3), f32x4.add(f32x4.mul(v, c4), f32x4.mul(swapped, s4)));
        }
        if (i < half) {
          const c = load<f32>(cos + p + ((<usize>i) << 2));
          const s = load<f32>(sin + p + ((<usize>i) << 2)) * f32x4.extract_lane(signs, 1);
          const x0 = load<f32>(o + ((<usize>i) << 3));
          const x1 = load<f32>(o + ((<usize>i) << 3), 4);
          store<f32>(o + ((<usize>i) << 3), x0 * c + x1 * -s);
          store<f32>(o + ((<usize>i) << 3), x0 * s + x1 * c, 4);
        }
      }
    }
  }
}

/** silu(x)·y per lane: x / (1 + exp(−x)) · y. */
function swiglu(x: v128, y: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.mul(f32x4.div(x, f32x4.add(one, inline.always(vexp(f32x4.neg(x))))), y);
}

/** out = silu(a) ⊙ b over n elements. */
export function swigluForward(out: usize, a: usize, b: usize, n: i32): void {
  const chunks = (n + ELEMS_PER_CHUNK - 1) / ELEMS_PER_CHUNK;
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    const i0 = (<usize>(ch * ELEMS_PER_CHUNK)) << 2;
    const i1 = (<usize>min(n, (ch + 1) * ELEMS_PER_CHUNK)) << 2;
    let i = i0;
    for (; i + 16 <= i1; i += 16) {
      v128.store(out + i, inline.always(swiglu(v128.load(a + i), v128.load(b + i))));
    }
    if (i < i1) {
      const k = <i32>((i1 - i) >> 2);
      storeUpTo4(out + i, swiglu(loadUpTo4(a + i, k), loadUpTo4(b + i, k)), k);
    }
  }
}

/** ∂/∂a and ∂/∂b of silu(a)·b for upstream g, per lane: [da term, db term] into (ga, gb). */
function swigluGrads(x: v128, y: v128, g: v128, da: usize, db: usize, k: i32): void {
  const one = f32x4.splat(1);
  const sig = f32x4.div(one, f32x4.add(one, inline.always(vexp(f32x4.neg(x)))));
  const dB = f32x4.mul(g, f32x4.mul(x, sig));
  const local = f32x4.mul(sig, f32x4.add(one, f32x4.mul(x, f32x4.sub(one, sig))));
  const dA = f32x4.mul(f32x4.mul(g, y), local);
  if (k === 4) {
    v128.store(db, f32x4.add(v128.load(db), dB));
    v128.store(da, f32x4.add(v128.load(da), dA));
  } else {
    storeUpTo4(db, f32x4.add(loadUpTo4(db, k), dB), k);
    storeUpTo4(da, f32x4.add(loadUpTo4(da, k), dA), k);
  }
}

/** da += ∂/∂a, db += ∂/∂b of out = silu(a) ⊙ b. */
export function swigluBackward(
  da: usize,
  db: usize,
  dout: usize,
  a: usize,
  b: usize,
  n: i32,
): void {
  const chunks = (n + ELEMS_PER_CHUNK - 1) / ELEMS_PER_CHUNK;
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    const i0 = (<usize>(ch * ELEMS_PER_CHUNK)) << 2;
    const i1 = (<usize>min(n, (ch + 1) * ELEMS_PER_CHUNK)) << 2;
    let i = i0;
    for (; i + 16 <= i1; i += 16) {
      // biome-ignore format: one call
      inline.always(swigluGrads(v128.load(a + i), v128.load(b + i), v128.load(dout + i), da + i, db + i, 4));
    }
    if (i < i1) {
      const k = <i32>((i1 - i) >> 2);
      // biome-ignore format: one call
      swigluGrads(loadUpTo4(a + i, k), loadUpTo4(b + i, k), loadUpTo4(dout + i, k), da + i, db + i, k);
    }
  }
}

/** out(rows,C) = table[tokens[r]]. */
export function embeddingForward(out: usize, tokens: usize, table: usize, rows: i32, C: i32): void {
  const rs = (<usize>C) << 2;
  const chunks = (rows + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    for (let r = ch * ROWS_PER_CHUNK; r < min(rows, (ch + 1) * ROWS_PER_CHUNK); r++) {
      memory.copy(
        out + <usize>r * rs,
        table + <usize>load<i32>(tokens + ((<usize>r) << 2)) * rs,
        rs,
      );
    }
  }
}

/** dtable[tokens[r]] += dout[r], rows in order; chunks are column blocks. */
export function embeddingBackward(
  dtable: usize,
  dout: usize,
  tokens: usize,
  rows: i32,
  C: i32,
): void {
  const rs = (<usize>C) << 2;
  const chunks = (C + COLS_PER_CHUNK - 1) / COLS_PER_CHUNK;
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    const c0 = ch * COLS_PER_CHUNK;
    for (let r = 0; r < rows; r++) {
      const t = dtable + <usize>load<i32>(tokens + ((<usize>r) << 2)) * rs;
      const d = dout + <usize>r * rs;
      let c = c0;
      for (; c + 4 <= min(C, c0 + COLS_PER_CHUNK); c += 4) {
        const col = (<usize>c) << 2;
        v128.store(t + col, f32x4.add(v128.load(t + col), v128.load(d + col)));
      }
      if (c < min(C, c0 + COLS_PER_CHUNK)) {
        const n = min(C, c0 + COLS_PER_CHUNK) - c;
        const col = (<usize>c) << 2;
        storeUpTo4(t + col, f32x4.add(loadUpTo4(t + col, n), loadUpTo4(d + col, n)), n);
      }
    }
  }
}

/** probs(rows,V) = softmax(logits); losses[r] = −log probs[r, targets[r]]. */
export function crossEntropyForward(
  losses: usize,
  probs: usize,
  logits: usize,
  targets: usize,
  rows: i32,
  V: i32,
): void {
  const rs = (<usize>V) << 2;
  const chunks = (rows + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    for (let r = ch * ROWS_PER_CHUNK; r < min(rows, (ch + 1) * ROWS_PER_CHUNK); r++) {
      const l = logits + <usize>r * rs;
      const p = probs + <usize>r * rs;
      let mx: f32 = -Infinity;
      for (let j = 0; j < V; j++) mx = max(mx, load<f32>(l + ((<usize>j) << 2)));
      const m = f32x4.splat(mx);
      const v4 = (<usize>(V & ~3)) << 2;
      let sumv = f32x4.splat(0);
      for (let o: usize = 0; o < v4; o += 16) {
        const e = inline.always(vexp(f32x4.sub(v128.load(l + o), m)));
        v128.store(p + o, e);
        sumv = f32x4.add(sumv, e);
      }
      const tail = V & 3;
      if (tail > 0) {
        const e = vexp(f32x4.sub(loadUpTo4(l + v4, tail), m));
        storeUpTo4(p + v4, e, tail);
        sumv = f32x4.add(sumv, v128.and(e, partialMask(tail)));
      }
      const sum = hsum(sumv);
      const inv = f32x4.splat(<f32>1 / sum);
      for (let o: usize = 0; o < v4; o += 16) v128.store(p + o, f32x4.mul(v128.load(p + o), inv));
      if (tail > 0) storeUpTo4(p + v4, f32x4.mul(loadUpTo4(p + v4, tail), inv), tail);
      const target = load<f32>(l + ((<usize>load<i32>(targets + ((<usize>r) << 2))) << 2));
      store<f32>(losses + ((<usize>r) << 2), <f32>-(<f64>target - <f64>mx - log64(<f64>sum)));
    }
  }
}

/** All-ones bits in the first k lanes. */
function partialMask(k: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(k));
}

/** dlogits[r] += weights[r]·(probs[r] − onehot(targets[r])); weight 0 rows are skipped. */
export function crossEntropyBackward(
  dlogits: usize,
  probs: usize,
  targets: usize,
  weights: usize,
  rows: i32,
  V: i32,
): void {
  const rs = (<usize>V) << 2;
  const chunks = (rows + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
  for (let ch = nextChunk(); ch < chunks; ch = nextChunk()) {
    for (let r = ch * ROWS_PER_CHUNK; r < min(rows, (ch + 1) * ROWS_PER_CHUNK); r++) {
      const w = load<f32>(weights + ((<usize>r) << 2));
      if (w === 0) continue;
      const d = dlogits + <usize>r * rs;
      const p = probs + <usize>r * rs;
      const wv = f32x4.splat(w);
      const v4 = (<usize>(V & ~3)) << 2;
      for (let o: usize = 0; o < v4; o += 16) {
        v128.store(d + o, f32x4.add(v128.load(d + o), f32x4.mul(wv, v128.load(p + o))));
      }
      const tail = V & 3;
      if (tail > 0) {
        const sum = f32x4.add(loadUpTo4(d + v4, tail), f32x4.mul(wv, loadUpTo4(p + v4, tail)));
        storeUpTo4(d + v4, sum, tail);
      }
      const t = d + ((<usize>load<i32>(targets + ((<usize>r) << 2))) << 2);
      store<f32>(t, load<f32>(t) - w);
    }
  }
}
