// Straightforward float64 formulas for every op of the compute port. The kernel contract tests
// compare adapters against these, and differentiate them numerically to check backward ops.
// Arguments are plain arrays of numbers (read in float64); shapes as in kernels.ts.

type Vec = ArrayLike<number>;

/** out(M,N) = op(a)·op(b), with a stored (M,K) or (K,M) and b stored (K,N) or (N,K). */
export function refMatmul(
  a: Vec,
  b: Vec,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const av = transA ? a[k * M + i] : a[i * K + k];
        const bv = transB ? b[j * K + k] : b[k * N + j];
        s += av * bv;
      }
      out[i * N + j] = s;
    }
  }
  return out;
}

/** RMSNorm of each row: out = x / sqrt(mean(x²) + eps) ⊙ w; rstd per row. */
export function refRmsnorm(x: Vec, w: Vec, rows: number, C: number, eps: number) {
  const out = new Float64Array(rows * C);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let ss = 0;
    for (let c = 0; c < C; c++) ss += x[r * C + c] ** 2;
    const s = 1 / Math.sqrt(ss / C + eps);
    rstd[r] = s;
    for (let c = 0; c < C; c++) out[r * C + c] = x[r * C + c] * s * w[c];
  }
  return { out, rstd };
}

/** Adjacent-pair rotary embedding of the first H·Dh columns of each row; returns a copy. */
export function refRope(
  x: Vec,
  rows: number,
  stride: number,
  H: number,
  Dh: number,
  positions: Vec,
  cos: Vec,
  sin: Vec,
  inverse: boolean,
): Float64Array {
  const out = Float64Array.from(x as ArrayLike<number>);
  const half = Dh / 2;
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < half; i++) {
        const c = cos[positions[r] * half + i];
        const s = (inverse ? -1 : 1) * sin[positions[r] * half + i];
        const o = r * stride + h * Dh + 2 * i;
        out[o] = x[o] * c - x[o + 1] * s;
        out[o + 1] = x[o] * s + x[o + 1] * c;
      }
    }
  }
  return out;
}

/** Causal multi-head attention over whole sequences; probs (B,H,T,T), 0 above the diagonal. */
export function refAttention(
  q: Vec,
  k: Vec,
  v: Vec,
  B: number,
  T: number,
  H: number,
  Dh: number,
  stride: number,
) {
  const C = H * Dh;
  const out = new Float64Array(B * T * C);
  const probs = new Float64Array(B * H * T * T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        const row = (s: number) => (b * T + s) * stride + h * Dh;
        const scores = softmax(
          Array.from({ length: t + 1 }, (_, s) => dot(q, row(t), k, row(s), Dh) / Math.sqrt(Dh)),
        );
        for (let s = 0; s <= t; s++) {
          probs[((b * H + h) * T + t) * T + s] = scores[s];
          for (let d = 0; d < Dh; d++)
            out[(b * T + t) * C + h * Dh + d] += scores[s] * v[row(s) + d];
        }
      }
    }
  }
  return { out, probs };
}

/** out = silu(a) ⊙ b. */
export function refSwiglu(a: Vec, b: Vec, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (a[i] / (1 + Math.exp(-a[i]))) * b[i];
  return out;
}

/** Softmax of each row and the cross-entropy loss against targets. */
export function refCrossEntropy(logits: Vec, targets: Vec, rows: number, V: number) {
  const probs = new Float64Array(rows * V);
  const losses = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const p = softmax(Array.from({ length: V }, (_, j) => logits[r * V + j]));
    probs.set(p, r * V);
    losses[r] = -Math.log(p[targets[r]]);
  }
  return { probs, losses };
}

/** A numerically stable softmax of a short list. */
export function softmax(xs: readonly number[]): number[] {
  const max = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - max));
  const sum = e.reduce((s, x) => s + x, 0);
  return e.map((x) => x / sum);
}

function dot(a: Vec, ao: number, b: Vec, bo: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
  return s;
}

/**
 * Central finite differences of a scalar function of `x` (float64, step h): the gradient
 * ∂f/∂x[i] for every i. `f` must read `x` afresh on each call.
 */
export function numericGradient(x: Float64Array, f: () => number, h = 1e-5): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const keep = x[i];
    x[i] = keep + h;
    const up = f();
    x[i] = keep - h;
    const down = f();
    x[i] = keep;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

/** Σ w[i]·y[i] in float64: turns a vector output into the scalar a backward op differentiates. */
export function weightedSum(y: Vec, w: Vec): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * w[i];
  return s;
}
