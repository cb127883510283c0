// The llama-style decoder: parameters, rotary tables, and the training forward/backward passes as
// explicit pairs in the style of llm.c, over the Kernels port. Shapes: N = B·T rows, C = dModel,
// F = dFF, V = vocabSize, H heads of size Dh. Generation's row-wise forward lives in decode.ts.
import type { ModelConfig } from './config.js';
import type { Kernels } from './kernels/kernels.js';
import {
  initParameters,
  type ParameterLayout,
  parameterLayout,
  viewWeights,
  type Weights,
} from './parameters.js';
import type { TrainActivations } from './train-activations.js';

/** A model's weights in kernel memory, with its rotary tables. */
export class Model {
  readonly layout: ParameterLayout;
  readonly params: Float32Array;
  readonly weights: Weights;
  /** (contextLength, Dh/2) tables: cos[p·Dh/2 + i] = cos(p·θ_i). */
  readonly ropeCos: Float32Array;
  readonly ropeSin: Float32Array;
  private gradBuffer: Float32Array | undefined;
  private gradViews: Weights | undefined;

  constructor(
    readonly kernels: Kernels,
    readonly config: ModelConfig,
  ) {
    this.layout = parameterLayout(config);
    this.params = kernels.alloc(this.layout.total);
    this.weights = viewWeights(this.params, config);
    const Dh = config.dModel / config.nHeads;
    const half = Dh / 2;
    this.ropeCos = kernels.alloc(config.contextLength * half);
    this.ropeSin = kernels.alloc(config.contextLength * half);
    for (let p = 0; p < config.contextLength; p++) {
      for (let i = 0; i < half; i++) {
        const angle = p * config.ropeBase ** ((-2 * i) / Dh);
        this.ropeCos[p * half + i] = Math.cos(angle);
        this.ropeSin[p * half + i] = Math.sin(angle);
      }
    }
  }

  /** A freshly initialised model, deterministic for `seed`. */
  static init(kernels: Kernels, config: ModelConfig, seed: number): Model {
    const model = new Model(kernels, config);
    initParameters(model.params, config, seed);
    return model;
  }

  /** Number of parameters (the tied head counted once). */
  get parameterCount(): number {
    return this.layout.total;
  }

  /** Gradient buffer in the parameter layout, allocated on first use. */
  get grads(): Float32Array {
    if (!this.gradBuffer) this.gradBuffer = this.kernels.alloc(this.layout.total);
    return this.gradBuffer;
  }

  /** Named views of the gradients. */
  get gradWeights(): Weights {
    if (!this.gradViews) this.gradViews = viewWeights(this.grads, this.config);
    return this.gradViews;
  }

  /** Returns the model's buffers to the kernels. */
  free(): void {
    for (const b of [this.params, this.ropeCos, this.ropeSin, this.gradBuffer]) {
      if (b) this.kernels.free(b);
    }
    this.gradBuffer = undefined;
    this.gradViews = undefined;
  }
}

/**
 * Forward pass over B sequences of T tokens (acts.tokens, acts.targets, acts.weights filled by
 * the caller). Returns the weighted loss Σ weights[r]·loss[r]; logits and probs stay in `acts`.
 */
export function forward(model: Model, acts: TrainActivations, B: number, T: number): number {
  const { kernels: k, config, weights } = model;
  const { dModel: C, nHeads: H, dFF: F, vocabSize: V } = config;
  const Dh = C / H;
  const N = B * T;
  acts.checkShape(B, T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) acts.positions[b * T + t] = t;
  k.embeddingForward(acts.resid[0], acts.tokens, weights.tokEmbedding, N, C);
  for (let l = 0; l < config.nLayers; l++) {
    const w = weights.layers[l];
    const a = acts.layers[l];
    const x = acts.resid[l];
    k.rmsnormForward(a.norm1, a.rstd1, x, w.attnNorm, N, C, config.normEps);
    k.matmulNT(a.qkv, a.norm1, w.wqkv, N, 3 * C, C, false); // qkv is (N, 3C)
    // q and k are adjacent column blocks of qkv: one call rotates their 2H heads.
    k.rope(a.qkv, N, 3 * C, 2 * H, Dh, acts.positions, model.ropeCos, model.ropeSin, false);
    const [q, kk, v] = [a.qkv, a.qkv.subarray(C), a.qkv.subarray(2 * C)];
    k.attentionForward(a.att, a.probs, q, kk, v, B, T, H, Dh, 3 * C);
    a.mid.set(x.subarray(0, N * C));
    k.matmulNT(a.mid, a.att, w.wo, N, C, C, true); // mid = x + att·woᵀ
    k.rmsnormForward(a.norm2, a.rstd2, a.mid, w.mlpNorm, N, C, config.normEps);
    k.matmulNT(a.gate, a.norm2, w.w1, N, F, C, false); // gate, up, act are (N, F)
    k.matmulNT(a.up, a.norm2, w.w3, N, F, C, false);
    k.swigluForward(a.act, a.gate, a.up, N * F);
    const out = acts.resid[l + 1];
    out.set(a.mid.subarray(0, N * C));
    k.matmulNT(out, a.act, w.w2, N, C, F, true); // out = mid + act·w2ᵀ
  }
  const last = acts.resid[config.nLayers];
  k.rmsnormForward(acts.normF, acts.rstdF, last, weights.finalNorm, N, C, config.normEps);
  k.matmulNT(acts.logits, acts.normF, weights.output, N, V, C, false); // logits (N, V)
  k.crossEntropyForward(acts.losses, acts.probs, acts.logits, acts.targets, N, V);
  let loss = 0;
  for (let r = 0; r < N; r++) if (acts.weights[r] !== 0) loss += acts.weights[r] * acts.losses[r];
  return loss;
}

/**
 * Backward pass of the last `forward`: ADDS the gradient of the weighted loss to model.grads
 * (the caller zeroes it once per step).
 */
export function backward(model: Model, acts: TrainActivations, B: number, T: number): void {
  const { kernels: k, config, weights } = model;
  const grads = model.gradWeights;
  const { dModel: C, nHeads: H, dFF: F, vocabSize: V } = config;
  const Dh = C / H;
  const N = B * T;
  const d = acts.d;
  d.logits.fill(0, 0, N * V);
  k.crossEntropyBackward(d.logits, acts.probs, acts.targets, acts.weights, N, V);
  k.matmulNN(d.norm, d.logits, weights.output, N, C, V, false); // dnormF (N,C) = dlogits·W
  k.matmulTN(grads.output, d.logits, acts.normF, V, C, N, true); // dW (V,C) += dlogitsᵀ·normF
  d.resid.fill(0, 0, N * C);
  const last = acts.resid[config.nLayers];
  k.rmsnormBackward(d.resid, grads.finalNorm, d.norm, last, weights.finalNorm, acts.rstdF, N, C);
  for (let l = config.nLayers - 1; l >= 0; l--) {
    const w = weights.layers[l];
    const g = grads.layers[l];
    const a = acts.layers[l];
    // MLP: out = mid + swiglu(norm2·w1ᵀ, norm2·w3ᵀ)·w2ᵀ; d.resid holds dout and becomes dmid.
    k.matmulNN(d.act, d.resid, w.w2, N, F, C, false); // dact (N,F) = dout·w2
    k.matmulTN(g.w2, d.resid, a.act, C, F, N, true); // dw2 (C,F) += doutᵀ·act
    d.gate.fill(0, 0, N * F);
    d.up.fill(0, 0, N * F);
    k.swigluBackward(d.gate, d.up, d.act, a.gate, a.up, N * F);
    k.matmulNN(d.norm, d.gate, w.w1, N, C, F, false);
    k.matmulNN(d.norm, d.up, w.w3, N, C, F, true);
    k.matmulTN(g.w1, d.gate, a.norm2, F, C, N, true);
    k.matmulTN(g.w3, d.up, a.norm2, F, C, N, true);
    k.rmsnormBackward(d.resid, g.mlpNorm, d.norm, a.mid, w.mlpNorm, a.rstd2, N, C);
    // Attention: mid = x + attention(norm1)·woᵀ; d.resid holds dmid and becomes dx.
    k.matmulNN(d.att, d.resid, w.wo, N, C, C, false);
    k.matmulTN(g.wo, d.resid, a.att, C, C, N, true);
    d.qkv.fill(0, 0, N * 3 * C);
    const [q, kk, v] = [a.qkv, a.qkv.subarray(C), a.qkv.subarray(2 * C)];
    const [dq, dk, dv] = [d.qkv, d.qkv.subarray(C), d.qkv.subarray(2 * C)];
    k.attentionBackward(dq, dk, dv, d.att, a.probs, q, kk, v, B, T, H, Dh, 3 * C, d.scratch);
    // Rotation is orthogonal: the gradient before rope is the inverse rotation of the one after.
    k.rope(d.qkv, N, 3 * C, 2 * H, Dh, acts.positions, model.ropeCos, model.ropeSin, true);
    k.matmulNN(d.norm, d.qkv, w.wqkv, N, C, 3 * C, false);
    k.matmulTN(g.wqkv, d.qkv, a.norm1, 3 * C, C, N, true);
    k.rmsnormBackward(d.resid, g.attnNorm, d.norm, acts.resid[l], w.attnNorm, a.rstd1, N, C);
  }
  k.embeddingBackward(grads.tokEmbedding, d.resid, acts.tokens, N, C);
}
