// The compute port of the embedded engine: every hot operation of training and generation, on
// flat float32 buffers. Two adapters implement it: plain TypeScript (the reference and fallback)
// and WebAssembly SIMD on worker threads. The model code calls only this interface.
//
// Conventions, shared by every adapter (tests hold them to these):
// - Buffers come from `alloc`/`allocInt` of the same Kernels instance (the WebAssembly adapter
//   needs them inside its memory); a view of such a buffer (`subarray`) may be passed anywhere.
// - Matrices are row-major. Shapes are given in the comments as (rows, columns).
// - Forward ops overwrite their outputs. Backward ops ACCUMULATE (+=) into gradient buffers, as in
//   llm.c, so the caller zeroes gradients once per step and residual branches simply add up.
// - A linear layer's weight is stored (out, in) and applied as y = x · Wᵀ (matmulNT).
// - Heads: a (rows, C) activation with C = H·Dh holds head h in columns [h·Dh, (h+1)·Dh).
// - Rotary embedding rotates adjacent pairs (x[2i], x[2i+1]) of each head by pos·θ_i with
//   θ_i = base^(−2i/Dh) (the original LLaMA / llama.cpp "normal" layout).

export interface Kernels {
  /** `js` or `wasm-simd`. */
  readonly name: string;
  /** Threads the adapter computes on (1 for js). */
  readonly threads: number;

  /** A zeroed float32 buffer these kernels can operate on. */
  alloc(length: number): Float32Array;
  /** A zeroed int32 buffer these kernels can operate on. */
  allocInt(length: number): Int32Array;
  /** Returns a buffer from alloc/allocInt (the whole buffer, not a view). */
  free(buffer: Float32Array | Int32Array): void;
  /** Releases threads and memory; the instance is unusable afterwards. */
  dispose(): Promise<void>;

  // ---- matrix multiplication: out (M,N); `accumulate` adds to out instead of overwriting.
  /** out(M,N) = a(M,K) · b(N,K)ᵀ. Linear forward, attention scores. */
  matmulNT(
    out: Float32Array,
    a: Float32Array,
    b: Float32Array,
    M: number,
    N: number,
    K: number,
    accumulate: boolean,
  ): void;
  /** out(M,N) = a(M,K) · b(K,N). Linear backward to the input. */
  matmulNN(
    out: Float32Array,
    a: Float32Array,
    b: Float32Array,
    M: number,
    N: number,
    K: number,
    accumulate: boolean,
  ): void;
  /** out(M,N) = a(K,M)ᵀ · b(K,N). Linear backward to the weight. */
  matmulTN(
    out: Float32Array,
    a: Float32Array,
    b: Float32Array,
    M: number,
    N: number,
    K: number,
    accumulate: boolean,
  ): void;

  // ---- elementwise
  /** out[i] = a[i] + b[i]. `out` may alias `a` or `b`. */
  add(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void;
  /** x[i] *= s. */
  scale(x: Float32Array, n: number, s: number): void;
  /** Σ x[i]², accumulated in float64. */
  sumSquares(x: Float32Array, n: number): number;

  // ---- embedding
  /** out(rows,C) = table[tokens[r]]. */
  embeddingForward(
    out: Float32Array,
    tokens: Int32Array,
    table: Float32Array,
    rows: number,
    C: number,
  ): void;
  /** dtable[tokens[r]] += dout[r]. */
  embeddingBackward(
    dtable: Float32Array,
    dout: Float32Array,
    tokens: Int32Array,
    rows: number,
    C: number,
  ): void;

  // ---- RMSNorm: out = x / sqrt(mean(x²) + eps) ⊙ weight
  /** out, x: (rows,C); weight: (C); rstd: (rows), saved for backward. */
  rmsnormForward(
    out: Float32Array,
    rstd: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    rows: number,
    C: number,
    eps: number,
  ): void;
  /** dx += ∂/∂x, dweight += ∂/∂weight. */
  rmsnormBackward(
    dx: Float32Array,
    dweight: Float32Array,
    dout: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    rstd: Float32Array,
    rows: number,
    C: number,
  ): void;

  // ---- rotary position embedding, in place
  /**
   * Rotates the first H·Dh columns of each of `rows` rows of x (row stride `stride`) by the
   * position of that row. cos, sin: (maxT, Dh/2) tables, cos[p·Dh/2 + i] = cos(p·θ_i).
   * `inverse` rotates by the negative angle: the backward pass of the forward rotation.
   */
  rope(
    x: Float32Array,
    rows: number,
    stride: number,
    H: number,
    Dh: number,
    positions: Int32Array,
    cos: Float32Array,
    sin: Float32Array,
    inverse: boolean,
  ): void;

  // ---- causal self-attention (training: whole sequences)
  /**
   * q, k, v: (B·T, stride), heads in the first C = H·Dh columns (stride ≥ C lets q, k, v be
   * column blocks of one fused qkv buffer). out: (B·T, C). probs: (B,H,T,T) softmax weights,
   * saved for backward; entries above the diagonal are 0. Scores are scaled by 1/√Dh.
   */
  attentionForward(
    out: Float32Array,
    probs: Float32Array,
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    B: number,
    T: number,
    H: number,
    Dh: number,
    stride: number,
  ): void;
  /**
   * dq, dk, dv (same layout and stride as q, k, v) += gradients, given dout (B·T, C).
   * scratch: at least B·H·T·T floats, contents undefined on return.
   */
  attentionBackward(
    dq: Float32Array,
    dk: Float32Array,
    dv: Float32Array,
    dout: Float32Array,
    probs: Float32Array,
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    B: number,
    T: number,
    H: number,
    Dh: number,
    stride: number,
    scratch: Float32Array,
  ): void;

  // ---- attention over a KV cache (generation: any mix of sequences and positions)
  /**
   * Row r is the token at position positions[r] of sequence slot slots[r]; its key and value are
   * already in kCache/vCache at [slot, position]. It attends to positions 0..positions[r] of its
   * slot. q: (rows, qStride); out: (rows, C); kCache, vCache: (slots, maxT, C).
   * scratch: at least rows·maxT floats.
   */
  attentionCached(
    out: Float32Array,
    q: Float32Array,
    qStride: number,
    kCache: Float32Array,
    vCache: Float32Array,
    slots: Int32Array,
    positions: Int32Array,
    rows: number,
    H: number,
    Dh: number,
    maxT: number,
    scratch: Float32Array,
  ): void;

  // ---- SwiGLU gate: out = silu(a) ⊙ b, silu(a) = a·σ(a)
  swigluForward(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void;
  /** da += ∂/∂a, db += ∂/∂b. */
  swigluBackward(
    da: Float32Array,
    db: Float32Array,
    dout: Float32Array,
    a: Float32Array,
    b: Float32Array,
    n: number,
  ): void;

  // ---- softmax cross-entropy over the vocabulary
  /** probs(rows,V) = softmax(logits); losses[r] = −log probs[r, targets[r]]. */
  crossEntropyForward(
    losses: Float32Array,
    probs: Float32Array,
    logits: Float32Array,
    targets: Int32Array,
    rows: number,
    V: number,
  ): void;
  /**
   * dlogits[r] += weights[r] · (probs[r] − onehot(targets[r])). `weights` carries the loss mask
   * and the normaliser (e.g. 1/number of trained tokens); a weight of 0 contributes exactly 0.
   */
  crossEntropyBackward(
    dlogits: Float32Array,
    probs: Float32Array,
    targets: Int32Array,
    weights: Float32Array,
    rows: number,
    V: number,
  ): void;

  // ---- optimizer
  /**
   * One AdamW step with bias correction (step ≥ 1) and decoupled weight decay:
   * m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; p −= lr·( m̂/(√v̂ + eps) + weightDecay·p ).
   */
  adamw(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    step: number,
  ): void;
}
