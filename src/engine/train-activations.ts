// Preallocated activations and gradient scratch for training on up to (maxB, maxT): one set serves
// every smaller batch shape, since each buffer's first rows are the smaller shape's whole buffer.
import type { ModelConfig } from './config.js';
import type { Kernels } from './kernels/kernels.js';

/** What the forward pass saves per layer for the backward pass. */
export interface LayerActivations {
  readonly norm1: Float32Array; // (N, C)
  readonly rstd1: Float32Array; // (N)
  readonly qkv: Float32Array; // (N, 3C), q and k rotated
  readonly probs: Float32Array; // (B, H, T, T)
  readonly att: Float32Array; // (N, C)
  readonly mid: Float32Array; // (N, C) residual after attention
  readonly norm2: Float32Array; // (N, C)
  readonly rstd2: Float32Array; // (N)
  readonly gate: Float32Array; // (N, F)
  readonly up: Float32Array; // (N, F)
  readonly act: Float32Array; // (N, F)
}

/** Gradient scratch, reused by every layer. */
export interface GradientScratch {
  readonly resid: Float32Array; // (N, C)
  readonly norm: Float32Array; // (N, C)
  readonly att: Float32Array; // (N, C)
  readonly qkv: Float32Array; // (N, 3C)
  readonly gate: Float32Array; // (N, F)
  readonly up: Float32Array; // (N, F)
  readonly act: Float32Array; // (N, F)
  readonly logits: Float32Array; // (N, V)
  readonly scratch: Float32Array; // (B, H, T, T)
}

export class TrainActivations {
  readonly tokens: Int32Array;
  readonly targets: Int32Array;
  /** Loss weight per row: the loss mask times the normaliser. */
  readonly weights: Float32Array;
  readonly positions: Int32Array;
  /** resid[l] is the residual stream entering layer l; resid[L] leaves the last layer. */
  readonly resid: Float32Array[];
  readonly layers: LayerActivations[];
  readonly normF: Float32Array;
  readonly rstdF: Float32Array;
  readonly logits: Float32Array;
  readonly probs: Float32Array;
  readonly losses: Float32Array;
  readonly d: GradientScratch;
  private readonly owned: (Float32Array | Int32Array)[] = [];

  constructor(
    private readonly kernels: Kernels,
    config: ModelConfig,
    readonly maxB: number,
    readonly maxT: number,
  ) {
    const { dModel: C, nHeads: H, dFF: F, vocabSize: V, nLayers: L } = config;
    const N = maxB * maxT;
    const f = (n: number) => this.track(kernels.alloc(n));
    const attn = maxB * H * maxT * maxT;
    this.tokens = this.track(kernels.allocInt(N));
    this.targets = this.track(kernels.allocInt(N));
    this.positions = this.track(kernels.allocInt(N));
    this.weights = f(N);
    this.resid = Array.from({ length: L + 1 }, () => f(N * C));
    this.layers = Array.from({ length: L }, () => ({
      norm1: f(N * C),
      rstd1: f(N),
      qkv: f(N * 3 * C),
      probs: f(attn),
      att: f(N * C),
      mid: f(N * C),
      norm2: f(N * C),
      rstd2: f(N),
      gate: f(N * F),
      up: f(N * F),
      act: f(N * F),
    }));
    this.normF = f(N * C);
    this.rstdF = f(N);
    this.logits = f(N * V);
    this.probs = f(N * V);
    this.losses = f(N);
    this.d = {
      resid: f(N * C),
      norm: f(N * C),
      att: f(N * C),
      qkv: f(N * 3 * C),
      gate: f(N * F),
      up: f(N * F),
      act: f(N * F),
      logits: f(N * V),
      scratch: f(attn),
    };
  }

  /** Throws if (B, T) does not fit these buffers. */
  checkShape(B: number, T: number): void {
    if (
      B < 1 ||
      T < 1 ||
      B * T > this.maxB * this.maxT ||
      B * T * T > this.maxB * this.maxT * this.maxT
    ) {
      throw new RangeError(
        `batch (${B}, ${T}) does not fit activations for (${this.maxB}, ${this.maxT})`,
      );
    }
  }

  /** Returns every buffer to the kernels. */
  free(): void {
    for (const b of this.owned) this.kernels.free(b);
    this.owned.length = 0;
  }

  private track<A extends Float32Array | Int32Array>(buffer: A): A {
    this.owned.push(buffer);
    return buffer;
  }
}
