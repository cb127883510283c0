// The kernels micro-benchmark: the hot ops of one training step at the reference config's sizes
// (batch 32 × 128 tokens, d_model 128, d_ff 352, 4 heads) and the generation matmul, timed one by
// one on any Kernels adapter. Reports the best of a few runs, in ms and GFLOP/s.
import type { Kernels } from './kernels.js';

export interface KernelBenchOptions {
  readonly kernels: Kernels;
  /** Rows of the training matmuls, B·T (default 4096). */
  readonly rows?: number;
  readonly dModel?: number;
  readonly dFF?: number;
  readonly heads?: number;
  /** Sequence length of the attention ops (default 128). */
  readonly seqLen?: number;
  /** Timed runs per op after one warm-up run; the best is reported (default 5). */
  readonly repeats?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** One measured op. */
export interface KernelTiming {
  readonly op: string;
  /** Shape, e.g. `4096x352x128` (M×N×K) for a matmul. */
  readonly shape: string;
  readonly ms: number;
  /** Floating-point operations per second, for the compute-bound ops. */
  readonly gflops?: number;
}

export interface KernelBenchResult {
  readonly kernels: string;
  readonly threads: number;
  /** matmulNT at (rows, dFF, dModel): the engine benchmark's `matmul_gflops` shape. */
  readonly matmul_gflops: number;
  readonly ops: readonly KernelTiming[];
}

/** Allocates n values from the adapter (int32 when `int`), filled with a fixed pattern. */
type Fill = (n: number, int?: boolean) => Float32Array;

interface Case {
  readonly op: string;
  readonly shape: string;
  readonly flops: number;
  /** Allocates the inputs and returns the timed call. */
  readonly setup: (k: Kernels, fill: Fill) => () => void;
}

function matmulCases(M: number, shapes: readonly [number, number][]): Case[] {
  const cases: Case[] = [];
  for (const [N, K] of shapes) {
    for (const op of ['matmulNT', 'matmulNN', 'matmulTN'] as const) {
      // TN multiplies (K',M)ᵀ·(K',N) with the long dimension as K': the weight gradient.
      const [m, n, kk] = op === 'matmulTN' ? [N, K, M] : [M, N, K];
      cases.push({
        op,
        shape: `${m}x${n}x${kk}`,
        flops: 2 * m * n * kk,
        setup: (k, fill) => {
          const [a, b, out] = [fill(m * kk), fill(n * kk), fill(m * n)];
          return () => k[op](out, a, b, m, n, kk, false);
        },
      });
    }
  }
  return cases;
}

function layerCases(B: number, T: number, C: number, F: number, H: number): Case[] {
  const N = B * T;
  const Dh = C / H;
  const attentionFlops = 2 * 2 * B * H * ((T * (T + 1)) / 2) * Dh;
  return [
    {
      op: 'attentionForward',
      shape: `B${B} T${T} H${H} Dh${Dh}`,
      flops: attentionFlops,
      setup: (k, fill) => {
        const [qkv, out, probs] = [fill(N * 3 * C), fill(N * C), fill(B * H * T * T)];
        const [q, kk, v] = [qkv, qkv.subarray(C), qkv.subarray(2 * C)];
        return () => k.attentionForward(out, probs, q, kk, v, B, T, H, Dh, 3 * C);
      },
    },
    {
      op: 'attentionBackward',
      shape: `B${B} T${T} H${H} Dh${Dh}`,
      flops: 2 * attentionFlops,
      setup: (k, fill) => {
        const [qkv, out, probs, d] = [
          fill(N * 3 * C),
          fill(N * C),
          fill(B * H * T * T),
          fill(N * 3 * C),
        ];
        const [q, kk, v] = [qkv, qkv.subarray(C), qkv.subarray(2 * C)];
        k.attentionForward(out, probs, q, kk, v, B, T, H, Dh, 3 * C);
        const [dq, dk, dv] = [d, d.subarray(C), d.subarray(2 * C)];
        const scratch = fill(B * H * T * T);
        return () =>
          k.attentionBackward(dq, dk, dv, out, probs, q, kk, v, B, T, H, Dh, 3 * C, scratch);
      },
    },
    {
      op: 'swigluForward',
      shape: `${N}x${F}`,
      flops: 0,
      setup: (k, fill) => {
        const [out, a, b] = [fill(N * F), fill(N * F), fill(N * F)];
        return () => k.swigluForward(out, a, b, N * F);
      },
    },
    {
      op: 'swigluBackward',
      shape: `${N}x${F}`,
      flops: 0,
      setup: (k, fill) => {
        const [da, db, dout, a, b] = [
          fill(N * F),
          fill(N * F),
          fill(N * F),
          fill(N * F),
          fill(N * F),
        ];
        return () => k.swigluBackward(da, db, dout, a, b, N * F);
      },
    },
    {
      op: 'rmsnormForward',
      shape: `${N}x${C}`,
      flops: 0,
      setup: (k, fill) => {
        const [out, rstd, x, w] = [fill(N * C), fill(N), fill(N * C), fill(C)];
        return () => k.rmsnormForward(out, rstd, x, w, N, C, 1e-5);
      },
    },
    {
      op: 'rope',
      shape: `${N}x${C}`,
      flops: 0,
      setup: (k, fill) => {
        const [x, cos, sin] = [fill(N * 3 * C), fill((T * Dh) / 2), fill((T * Dh) / 2)];
        const positions = fill(N, true) as unknown as Int32Array;
        for (let r = 0; r < N; r++) positions[r] = r % T;
        return () => k.rope(x, N, 3 * C, H, Dh, positions, cos, sin, false);
      },
    },
  ];
}

/** Times every case; buffers are allocated from the adapter and freed afterwards. */
export function benchKernels(options: KernelBenchOptions): KernelBenchResult {
  const k = options.kernels;
  const M = options.rows ?? 4096;
  const C = options.dModel ?? 128;
  const F = options.dFF ?? 352;
  const T = options.seqLen ?? 128;
  const repeats = options.repeats ?? 5;
  const cases = [
    ...matmulCases(M, [
      [F, C],
      [C, F],
      [3 * C, C],
      [C, C],
    ]),
    ...matmulCases(64, [[F, C]]).filter((c) => c.op === 'matmulNT'),
    ...layerCases(Math.max(1, Math.floor(M / T)), T, C, F, options.heads ?? 4),
  ];
  const ops: KernelTiming[] = [];
  cases.forEach((c, i) => {
    const owned: (Float32Array | Int32Array)[] = [];
    let seed = 1;
    const fill: Fill = (n, int) => {
      const x = int ? k.allocInt(n) : k.alloc(n);
      owned.push(x);
      if (int) return x as unknown as Float32Array;
      for (let j = 0; j < n; j++) x[j] = (((j * 7919 + seed * 104729) % 2001) - 1000) / 1000;
      seed++;
      return x as Float32Array;
    };
    const run = c.setup(k, fill);
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r <= repeats; r++) {
      const started = performance.now();
      run();
      if (r > 0) best = Math.min(best, performance.now() - started);
    }
    for (const x of owned) k.free(x);
    ops.push({
      op: c.op,
      shape: c.shape,
      ms: Number(best.toFixed(3)),
      ...(c.flops ? { gflops: Number((c.flops / best / 1e6).toFixed(2)) } : {}),
    });
    options.onProgress?.(i + 1, cases.length);
  });
  const headline = ops.find((o) => o.op === 'matmulNT' && o.shape === `${M}x${F}x${C}`);
  return { kernels: k.name, threads: k.threads, matmul_gflops: headline?.gflops ?? 0, ops };
}
