// Matrix multiplication for the plain TypeScript kernels. One register-blocked kernel computes
// out = a·bᵀ in 4×4 tiles (16 float64 accumulators; about 3.5× a naive loop in V8); the NN and TN
// products transpose their operands into scratch first, which costs O(K·(M+N)) against O(M·N·K).
// Every output element is a plain float64 sum over k in order, whatever the tile, so a row's
// result never depends on the other rows (batched generation relies on that).

/** Grows on demand; one per kernels instance. */
export class GemmScratch {
  private a = new Float32Array(0);
  private b = new Float32Array(0);

  /** Two scratch buffers of at least the given lengths. */
  get(lengthA: number, lengthB: number): [Float32Array, Float32Array] {
    if (this.a.length < lengthA) this.a = new Float32Array(lengthA);
    if (this.b.length < lengthB) this.b = new Float32Array(lengthB);
    return [this.a, this.b];
  }
}

/** dst (cols, rows) = src (rows, cols)ᵀ. */
export function transpose(dst: Float32Array, src: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[o + c];
  }
}

/** out(M,N) (+)= a(M,K) · b(N,K)ᵀ. */
export function gemmNT(
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  M: number,
  N: number,
  K: number,
  accumulate: boolean,
): void {
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    for (let j = 0; j < N4; j += 4) tile4x4(out, a, b, i, j, N, K, accumulate);
    for (let j = N4; j < N; j++)
      for (let r = i; r < i + 4; r++) single(out, a, b, r, j, N, K, accumulate);
  }
  for (let i = M4; i < M; i++)
    for (let j = 0; j < N; j++) single(out, a, b, i, j, N, K, accumulate);
}

function single(
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  i: number,
  j: number,
  N: number,
  K: number,
  accumulate: boolean,
): void {
  const ai = i * K;
  const bj = j * K;
  let s = 0;
  for (let k = 0; k < K; k++) s += a[ai + k] * b[bj + k];
  const o = i * N + j;
  out[o] = accumulate ? out[o] + s : s;
}

function tile4x4(
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  i: number,
  j: number,
  N: number,
  K: number,
  acc: boolean,
): void {
  const a0 = i * K;
  const a1 = a0 + K;
  const a2 = a1 + K;
  const a3 = a2 + K;
  const b0 = j * K;
  const b1 = b0 + K;
  const b2 = b1 + K;
  const b3 = b2 + K;
  // biome-ignore format: the 16 accumulators of the tile read best as a 4×4 block
  let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
  // biome-ignore format: as above
  let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
  for (let k = 0; k < K; k++) {
    const x0 = a[a0 + k];
    const x1 = a[a1 + k];
    const x2 = a[a2 + k];
    const x3 = a[a3 + k];
    const y0 = b[b0 + k];
    const y1 = b[b1 + k];
    const y2 = b[b2 + k];
    const y3 = b[b3 + k];
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    s03 += x0 * y3;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    s13 += x1 * y3;
    s20 += x2 * y0;
    s21 += x2 * y1;
    s22 += x2 * y2;
    s23 += x2 * y3;
    s30 += x3 * y0;
    s31 += x3 * y1;
    s32 += x3 * y2;
    s33 += x3 * y3;
  }
  store4(out, i * N + j, s00, s01, s02, s03, acc);
  store4(out, (i + 1) * N + j, s10, s11, s12, s13, acc);
  store4(out, (i + 2) * N + j, s20, s21, s22, s23, acc);
  store4(out, (i + 3) * N + j, s30, s31, s32, s33, acc);
}

function store4(
  out: Float32Array,
  o: number,
  x0: number,
  x1: number,
  x2: number,
  x3: number,
  acc: boolean,
): void {
  if (acc) {
    out[o] += x0;
    out[o + 1] += x1;
    out[o + 2] += x2;
    out[o + 3] += x3;
  } else {
    out[o] = x0;
    out[o + 1] = x1;
    out[o + 2] = x2;
    out[o + 3] = x3;
  }
}
