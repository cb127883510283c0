// All of a model's parameters in one contiguous float32 buffer, with named views. One buffer makes
// AdamW, gradient clipping and safetensors simple: gradients and optimizer moments share the layout.
// Names follow the original LLaMA checkpoints, whose rotary layout (adjacent pairs) we use.
import type { ModelConfig } from './config.js';
import { Rng } from './rng.js';

/** Where one named tensor lives in the parameter buffer. */
export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/** The layout: decayed matrices first, then norm weights (no weight decay), so AdamW runs twice. */
export interface ParameterLayout {
  readonly tensors: readonly TensorSpec[];
  readonly total: number;
  /** Tensors before this offset take weight decay. */
  readonly decayEnd: number;
}

/** Views of one layer's tensors. wq, wk, wv are consecutive rows of wqkv (3C, C). */
export interface LayerWeights {
  readonly attnNorm: Float32Array;
  readonly wqkv: Float32Array;
  readonly wo: Float32Array;
  readonly mlpNorm: Float32Array;
  readonly w1: Float32Array;
  readonly w3: Float32Array;
  readonly w2: Float32Array;
}

/** Views of every tensor: of the parameters, or of the gradients in the same layout. */
export interface Weights {
  readonly tokEmbedding: Float32Array;
  readonly layers: readonly LayerWeights[];
  readonly finalNorm: Float32Array;
  /** The output head (V, C): the token embedding itself when tied. */
  readonly output: Float32Array;
}

/** Computes the layout of a config's parameters. */
export function parameterLayout(config: ModelConfig): ParameterLayout {
  const { vocabSize: V, dModel: C, nLayers: L, dFF: F } = config;
  const tensors: TensorSpec[] = [];
  let offset = 0;
  const add = (name: string, shape: number[]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors.push({ name, shape, offset, size });
    offset += size;
  };
  add('tok_embeddings.weight', [V, C]);
  for (let l = 0; l < L; l++) {
    for (const w of ['wq', 'wk', 'wv', 'wo']) add(`layers.${l}.attention.${w}.weight`, [C, C]);
    add(`layers.${l}.feed_forward.w1.weight`, [F, C]);
    add(`layers.${l}.feed_forward.w3.weight`, [F, C]);
    add(`layers.${l}.feed_forward.w2.weight`, [C, F]);
  }
  if (!config.tiedEmbeddings) add('output.weight', [V, C]);
  const decayEnd = offset;
  for (let l = 0; l < L; l++) {
    add(`layers.${l}.attention_norm.weight`, [C]);
    add(`layers.${l}.ffn_norm.weight`, [C]);
  }
  add('norm.weight', [C]);
  return { tensors, total: offset, decayEnd };
}

/** Named views into `buffer` (parameters or gradients) following `parameterLayout(config)`. */
export function viewWeights(buffer: Float32Array, config: ModelConfig): Weights {
  const byName = new Map(parameterLayout(config).tensors.map((t) => [t.name, t]));
  const view = (name: string, size?: number) => {
    const t = byName.get(name)!;
    return buffer.subarray(t.offset, t.offset + (size ?? t.size));
  };
  const C = config.dModel;
  const layers = Array.from({ length: config.nLayers }, (_, l) => ({
    attnNorm: view(`layers.${l}.attention_norm.weight`),
    wqkv: view(`layers.${l}.attention.wq.weight`, 3 * C * C),
    wo: view(`layers.${l}.attention.wo.weight`),
    mlpNorm: view(`layers.${l}.ffn_norm.weight`),
    w1: view(`layers.${l}.feed_forward.w1.weight`),
    w3: view(`layers.${l}.feed_forward.w3.weight`),
    w2: view(`layers.${l}.feed_forward.w2.weight`),
  }));
  const tokEmbedding = view('tok_embeddings.weight');
  return {
    tokEmbedding,
    layers,
    finalNorm: view('norm.weight'),
    output: config.tiedEmbeddings ? tokEmbedding : view('output.weight'),
  };
}

/**
 * Random initialisation (GPT-2 style): matrices N(0, 0.02), the residual projections (wo, w2)
 * scaled by 1/√(2·layers), norm weights 1. Deterministic for a seed.
 */
export function initParameters(buffer: Float32Array, config: ModelConfig, seed: number): void {
  const rng = new Rng(seed, 0x5eed);
  const residualScale = 1 / Math.sqrt(2 * config.nLayers);
  for (const t of parameterLayout(config).tensors) {
    const view = buffer.subarray(t.offset, t.offset + t.size);
    if (t.shape.length === 1) {
      view.fill(1);
      continue;
    }
    const std = /\.(wo|w2)\.weight$/.test(t.name) ? 0.02 * residualScale : 0.02;
    for (let i = 0; i < view.length; i++) view[i] = std * rng.normal();
  }
}
