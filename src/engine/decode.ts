// The generation forward pass: any mix of (slot, position) rows through the model in one matmul
// per weight, keys and values kept in a per-layer KV cache. Prefill and decode share this path.
// Every op is row-independent, so a row's logits do not depend on the other rows of the step.
import type { Model } from './model.js';

/** KV caches for `slots` sequences of up to contextLength tokens, and row buffers for one step. */
export class DecodeState {
  readonly tokens: Int32Array;
  readonly slots: Int32Array;
  readonly positions: Int32Array;
  /** Logits of the rows asked for, in the order asked: (slots, V). */
  readonly logits: Float32Array;
  private readonly kCache: Float32Array[];
  private readonly vCache: Float32Array[];
  private readonly x: Float32Array;
  private readonly norm: Float32Array;
  private readonly rstd: Float32Array;
  private readonly qkv: Float32Array;
  private readonly att: Float32Array;
  private readonly gate: Float32Array;
  private readonly up: Float32Array;
  private readonly act: Float32Array;
  private readonly scratch: Float32Array;
  private readonly lastX: Float32Array;
  private readonly owned: (Float32Array | Int32Array)[] = [];

  constructor(
    readonly model: Model,
    readonly slotCount: number,
    readonly maxRows: number,
  ) {
    const { dModel: C, dFF: F, vocabSize: V, contextLength: maxT, nLayers: L } = model.config;
    const k = model.kernels;
    const f = (n: number) => this.track(k.alloc(n));
    const R = maxRows;
    this.tokens = this.track(k.allocInt(R));
    this.slots = this.track(k.allocInt(R));
    this.positions = this.track(k.allocInt(R));
    this.kCache = Array.from({ length: L }, () => f(slotCount * maxT * C));
    this.vCache = Array.from({ length: L }, () => f(slotCount * maxT * C));
    this.x = f(R * C);
    this.norm = f(R * C);
    this.rstd = f(R);
    this.qkv = f(R * 3 * C);
    this.att = f(R * C);
    this.gate = f(R * F);
    this.up = f(R * F);
    this.act = f(R * F);
    this.scratch = f(R * maxT);
    this.lastX = f(slotCount * C);
    this.logits = f(slotCount * V);
  }

  /**
   * Runs `rows` rows (tokens, slots, positions filled by the caller), storing their keys and
   * values in the cache, then writes the logits of rows `want[0..]` into `logits` rows 0.. .
   */
  step(rows: number, want: readonly number[]): void {
    const { kernels: k, config, weights } = this.model;
    const { dModel: C, nHeads: H, dFF: F, vocabSize: V, contextLength: maxT } = config;
    const Dh = C / H;
    const { ropeCos: cos, ropeSin: sin } = this.model;
    const { x, norm, rstd, qkv, att } = this;
    k.embeddingForward(x, this.tokens, weights.tokEmbedding, rows, C);
    for (let l = 0; l < config.nLayers; l++) {
      const w = weights.layers[l];
      k.rmsnormForward(norm, rstd, x, w.attnNorm, rows, C, config.normEps);
      k.matmulNT(qkv, norm, w.wqkv, rows, 3 * C, C, false); // qkv (rows, 3C)
      // q and k are adjacent column blocks of qkv: one call rotates their 2H heads.
      k.rope(qkv, rows, 3 * C, 2 * H, Dh, this.positions, cos, sin, false);
      const [kc, vc] = [this.kCache[l], this.vCache[l]];
      for (let r = 0; r < rows; r++) {
        const at = (this.slots[r] * maxT + this.positions[r]) * C;
        const src = r * 3 * C;
        kc.set(qkv.subarray(src + C, src + 2 * C), at);
        vc.set(qkv.subarray(src + 2 * C, src + 3 * C), at);
      }
      k.attentionCached(
        att,
        qkv,
        3 * C,
        kc,
        vc,
        this.slots,
        this.positions,
        rows,
        H,
        Dh,
        maxT,
        this.scratch,
      );
      k.matmulNT(x, att, w.wo, rows, C, C, true); // x += att·woᵀ
      k.rmsnormForward(norm, rstd, x, w.mlpNorm, rows, C, config.normEps);
      k.matmulNT(this.gate, norm, w.w1, rows, F, C, false);
      k.matmulNT(this.up, norm, w.w3, rows, F, C, false);
      k.swigluForward(this.act, this.gate, this.up, rows * F);
      k.matmulNT(x, this.act, w.w2, rows, C, F, true); // x += act·w2ᵀ
    }
    // Only the rows that sample need the head: gather them first.
    want.forEach((r, i) => {
      this.lastX.set(x.subarray(r * C, r * C + C), i * C);
    });
    const n = want.length;
    k.rmsnormForward(norm, rstd, this.lastX, weights.finalNorm, n, C, config.normEps);
    k.matmulNT(this.logits, norm, weights.output, n, V, C, false); // logits (n, V)
  }

  /** Returns every buffer to the kernels. */
  free(): void {
    for (const b of this.owned) this.model.kernels.free(b);
    this.owned.length = 0;
  }

  private track<A extends Float32Array | Int32Array>(buffer: A): A {
    this.owned.push(buffer);
    return buffer;
  }
}
