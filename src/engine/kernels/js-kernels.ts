// The reference adapter of the compute port: plain TypeScript loops, one thread. It is the
// fallback when WebAssembly is unavailable and the yardstick every faster adapter is tested
// against, so it favours clarity; the loop orders are still the cache-friendly ones.
import { GemmScratch, gemmNT, transpose } from './js-gemm.js';
import type { Kernels } from './kernels.js';

export class JsKernels implements Kernels {
  readonly name = 'js';
  readonly threads = 1;
  private readonly scratch = new GemmScratch();

  alloc(length: number): Float32Array {
    return new Float32Array(length);
  }

  allocInt(length: number): Int32Array {
    return new Int32Array(length);
  }

  free(_buffer: Float32Array | Int32Array): void {}

  async dispose(): Promise<void> {}

  matmulNT(
    out: Float32Array,
    a: Float32Array,
    b: Float32Array,
    M: number,
    N: number,
    K: number,
    accumulate: boolean,
  ): void {
    gemmNT(out, a, b, M, N, K, accumulate);
  }

  matmulNN(
    out: Float32Array,
    a: Float32Array,
    b: Float32Array,
    M: number,
    N: number,
    K: number,
    accumulate: boolean,
  ): void {
    const [, bT] = this.scratch.get(0, K * N);
    transpose(bT, b, K, N); // bT is (N, K)
    gemmNT(out, a, bT, M, N, K, accumulate);
  }

  matmulTN(
    out: Float32Array,
    a: Float32Array,
    b: Float32Array,
    M: number,
    N: number,
    K: number,
    accumulate: boolean,
  ): void {
    const [aT, bT] = this.scratch.get(K * M, K * N);
    transpose(aT, a, K, M); // aT is (M, K)
    transpose(bT, b, K, N); // bT is (N, K)
    gemmNT(out, aT, bT, M, N, K, accumulate);
  }

  add(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
  }

  scale(x: Float32Array, n: number, s: number): void {
    for (let i = 0; i < n; i++) x[i] *= s;
  }

  sumSquares(x: Float32Array, n: number): number {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i] * x[i];
    return sum;
  }

  embeddingForward(
    out: Float32Array,
    tokens: Int32Array,
    table: Float32Array,
    rows: number,
    C: number,
  ): void {
    for (let r = 0; r < rows; r++) out.set(table.subarray(tokens[r] * C, tokens[r] * C + C), r * C);
  }

  embeddingBackward(
    dtable: Float32Array,
    dout: Float32Array,
    tokens: Int32Array,
    rows: number,
    C: number,
  ): void {
    for (let r = 0; r < rows; r++) {
      const t = tokens[r] * C;
      const o = r * C;
      for (let c = 0; c < C; c++) dtable[t + c] += dout[o + c];
    }
  }

  rmsnormForward(
    out: Float32Array,
    rstd: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    rows: number,
    C: number,
    eps: number,
  ): void {
    for (let r = 0; r < rows; r++) {
      const o = r * C;
      let ss = 0;
      for (let c = 0; c < C; c++) ss += x[o + c] * x[o + c];
      const s = 1 / Math.sqrt(ss / C + eps);
      rstd[r] = s;
      for (let c = 0; c < C; c++) out[o + c] = x[o + c] * s * weight[c];
    }
  }

  rmsnormBackward(
    dx: Float32Array,
    dweight: Float32Array,
    dout: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    rstd: Float32Array,
    rows: number,
    C: number,
  ): void {
    for (let r = 0; r < rows; r++) {
      const o = r * C;
      const s = rstd[r];
      // y_c = x_c·s·w_c, s = (mean(x²)+eps)^(-1/2):  dx_c = s·w_c·dy_c − x_c·s³/C · Σ_j dy_j·w_j·x_j
      let dot = 0;
      for (let c = 0; c < C; c++) dot += dout[o + c] * weight[c] * x[o + c];
      const k = (dot * s * s * s) / C;
      for (let c = 0; c < C; c++) {
        dweight[c] += dout[o + c] * x[o + c] * s;
        dx[o + c] += s * weight[c] * dout[o + c] - x[o + c] * k;
      }
    }
  }

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
  ): void {
    const half = Dh / 2;
    const sign = inverse ? -1 : 1;
    for (let r = 0; r < rows; r++) {
      const p = positions[r] * half;
      for (let h = 0; h < H; h++) {
        const o = r * stride + h * Dh;
        for (let i = 0; i < half; i++) {
          const c = cos[p + i];
          const s = sign * sin[p + i];
          const x0 = x[o + 2 * i];
          const x1 = x[o + 2 * i + 1];
          x[o + 2 * i] = x0 * c - x1 * s;
          x[o + 2 * i + 1] = x0 * s + x1 * c;
        }
      }
    }
  }

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
  ): void {
    const C = H * Dh;
    const scale = 1 / Math.sqrt(Dh);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        for (let t = 0; t < T; t++) {
          const qo = (b * T + t) * stride + h * Dh;
          const po = ((b * H + h) * T + t) * T;
          let max = Number.NEGATIVE_INFINITY;
          for (let s = 0; s <= t; s++) {
            const ko = (b * T + s) * stride + h * Dh;
            let dot = 0;
            for (let d = 0; d < Dh; d++) dot += q[qo + d] * k[ko + d];
            dot *= scale;
            probs[po + s] = dot;
            if (dot > max) max = dot;
          }
          let sum = 0;
          for (let s = 0; s <= t; s++) {
            const e = Math.exp(probs[po + s] - max);
            probs[po + s] = e;
            sum += e;
          }
          const inv = 1 / sum;
          for (let s = 0; s <= t; s++) probs[po + s] *= inv;
          for (let s = t + 1; s < T; s++) probs[po + s] = 0;
          const oo = (b * T + t) * C + h * Dh;
          for (let d = 0; d < Dh; d++) out[oo + d] = 0;
          for (let s = 0; s <= t; s++) {
            const p = probs[po + s];
            const vo = (b * T + s) * stride + h * Dh;
            for (let d = 0; d < Dh; d++) out[oo + d] += p * v[vo + d];
          }
        }
      }
    }
  }

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
  ): void {
    const C = H * Dh;
    const scale = 1 / Math.sqrt(Dh);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        for (let t = 0; t < T; t++) {
          const po = ((b * H + h) * T + t) * T;
          const oo = (b * T + t) * C + h * Dh;
          // dP[s] = dout·v_s; dv_s += P[s]·dout
          let dot = 0;
          for (let s = 0; s <= t; s++) {
            const vo = (b * T + s) * stride + h * Dh;
            let dp = 0;
            for (let d = 0; d < Dh; d++) {
              dp += dout[oo + d] * v[vo + d];
              dv[vo + d] += probs[po + s] * dout[oo + d];
            }
            scratch[po + s] = dp;
            dot += dp * probs[po + s];
          }
          // softmax backward: dS[s] = P[s]·(dP[s] − Σ P·dP), then through the 1/√Dh scale
          const qo = (b * T + t) * stride + h * Dh;
          for (let s = 0; s <= t; s++) {
            const ds = probs[po + s] * (scratch[po + s] - dot) * scale;
            const ko = (b * T + s) * stride + h * Dh;
            for (let d = 0; d < Dh; d++) {
              dq[qo + d] += ds * k[ko + d];
              dk[ko + d] += ds * q[qo + d];
            }
          }
        }
      }
    }
  }

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
  ): void {
    const C = H * Dh;
    const scale = 1 / Math.sqrt(Dh);
    for (let r = 0; r < rows; r++) {
      const base = slots[r] * maxT * C;
      const last = positions[r];
      const w = r * maxT;
      for (let h = 0; h < H; h++) {
        const qo = r * qStride + h * Dh;
        let max = Number.NEGATIVE_INFINITY;
        for (let s = 0; s <= last; s++) {
          const ko = base + s * C + h * Dh;
          let dot = 0;
          for (let d = 0; d < Dh; d++) dot += q[qo + d] * kCache[ko + d];
          dot *= scale;
          scratch[w + s] = dot;
          if (dot > max) max = dot;
        }
        let sum = 0;
        for (let s = 0; s <= last; s++) {
          const e = Math.exp(scratch[w + s] - max);
          scratch[w + s] = e;
          sum += e;
        }
        const inv = 1 / sum;
        const oo = r * C + h * Dh;
        for (let d = 0; d < Dh; d++) out[oo + d] = 0;
        for (let s = 0; s <= last; s++) {
          const p = scratch[w + s] * inv;
          const vo = base + s * C + h * Dh;
          for (let d = 0; d < Dh; d++) out[oo + d] += p * vCache[vo + d];
        }
      }
    }
  }

  swigluForward(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) {
      const x = a[i];
      out[i] = (x / (1 + Math.exp(-x))) * b[i];
    }
  }

  swigluBackward(
    da: Float32Array,
    db: Float32Array,
    dout: Float32Array,
    a: Float32Array,
    b: Float32Array,
    n: number,
  ): void {
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const sig = 1 / (1 + Math.exp(-x));
      const silu = x * sig;
      db[i] += dout[i] * silu;
      da[i] += dout[i] * b[i] * sig * (1 + x * (1 - sig));
    }
  }

  crossEntropyForward(
    losses: Float32Array,
    probs: Float32Array,
    logits: Float32Array,
    targets: Int32Array,
    rows: number,
    V: number,
  ): void {
    for (let r = 0; r < rows; r++) {
      const o = r * V;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < V; j++) if (logits[o + j] > max) max = logits[o + j];
      let sum = 0;
      for (let j = 0; j < V; j++) {
        const e = Math.exp(logits[o + j] - max);
        probs[o + j] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let j = 0; j < V; j++) probs[o + j] *= inv;
      losses[r] = -(logits[o + targets[r]] - max - Math.log(sum));
    }
  }

  crossEntropyBackward(
    dlogits: Float32Array,
    probs: Float32Array,
    targets: Int32Array,
    weights: Float32Array,
    rows: number,
    V: number,
  ): void {
    for (let r = 0; r < rows; r++) {
      const w = weights[r];
      if (w === 0) continue;
      const o = r * V;
      for (let j = 0; j < V; j++) dlogits[o + j] += w * probs[o + j];
      dlogits[o + targets[r]] -= w;
    }
  }

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
  ): void {
    const c1 = 1 - beta1 ** step;
    const c2 = 1 - beta2 ** step;
    for (let i = 0; i < n; i++) {
      const g = grad[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      const mhat = m[i] / c1;
      const vhat = v[i] / c2;
      param[i] -= lr * (mhat / (Math.sqrt(vhat) + eps) + weightDecay * param[i]);
    }
  }
}
