// The engine benchmark on the reference config: training tokens/s (median step), generation
// tokens/s (64 prompts × 64 new tokens, batched), one large matmul's GFLOP/s, and peak RSS.
// The training data is the tfjs peer's: a noisy affine sequence, so both runs do the same work.
import type { TrainingSequence } from './batching.js';
import { type ModelConfig, REFERENCE_CONFIG } from './config.js';
import { Generator } from './generate.js';
import type { Kernels } from './kernels/kernels.js';
import { Model } from './model.js';
import { Tokenizer } from './tokenizer.js';
import { trainModel } from './train.js';

export interface EngineBenchOptions {
  readonly kernels: Kernels;
  /** Timed training steps after one warm-up step (default 4, as the tfjs peer). */
  readonly steps?: number;
  readonly batchSize?: number;
  readonly prompts?: number;
  readonly newTokens?: number;
  readonly config?: ModelConfig;
  /** Called as phases progress, for a progress bar. */
  readonly onProgress?: (
    phase: 'train' | 'generate' | 'matmul',
    done: number,
    total: number,
  ) => void;
}

export interface EngineBenchResult {
  readonly kernels: string;
  readonly threads: number;
  readonly params: number;
  readonly config: ModelConfig & { batchSize: number };
  readonly train_tokens_per_s: number;
  readonly train_step_ms_median: number;
  readonly loss_first: number;
  readonly loss_last: number;
  readonly gen_tokens_per_s: number;
  readonly gen_seconds: number;
  readonly matmul_gflops: number;
  readonly matmul_shape: readonly [number, number, number];
  readonly peak_rss_mb: number;
}

/** The tfjs peer's data: B sequences of T+1 tokens, x' = 3x + 1 (+1 with probability 0.1) mod V. */
export function affineSequences(B: number, T: number, V: number): TrainingSequence[] {
  let s = 12345;
  const rnd = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: B }, () => {
    const ids = [Math.floor(rnd() * V)];
    for (let t = 0; t < T; t++) ids.push((ids[t] * 3 + 1 + (rnd() < 0.1 ? 1 : 0)) % V);
    return { ids, loss: ids.map((_, i) => i > 0) };
  });
}

/** Runs the whole benchmark; takes tens of seconds with the plain TypeScript kernels. */
export async function benchEngine(options: EngineBenchOptions): Promise<EngineBenchResult> {
  const k = options.kernels;
  const config = options.config ?? REFERENCE_CONFIG;
  const B = options.batchSize ?? 32;
  const steps = options.steps ?? 4;
  const model = Model.init(k, config, 1);
  const times: number[] = [];
  let last = performance.now();
  const result = await trainModel(
    model,
    affineSequences(B, config.contextLength, config.vocabSize),
    { steps: steps + 1, batchSize: B, learningRate: 1e-3, warmupSteps: 0, weightDecay: 0 },
    {
      onStep: (p) => {
        const now = performance.now();
        times.push(now - last);
        last = now;
        options.onProgress?.('train', p.step, steps + 1);
      },
    },
  );
  const timed = times.slice(1).sort((a, b) => a - b);
  const median = timed[Math.floor(timed.length / 2)];
  const gen = await benchGeneration(model, options);
  const matmul = benchMatmul(k, B * config.contextLength, config.dFF, config.dModel, options);
  model.free();
  return {
    kernels: k.name,
    threads: k.threads,
    params: model.parameterCount,
    config: { ...config, batchSize: B },
    train_tokens_per_s: Math.round((B * config.contextLength) / (median / 1000)),
    train_step_ms_median: Math.round(median),
    loss_first: round4(result.losses[0]),
    loss_last: round4(result.losses.at(-1)!),
    gen_tokens_per_s: Math.round(gen.tokens / gen.seconds),
    gen_seconds: Number(gen.seconds.toFixed(3)),
    matmul_gflops: Number(matmul.toFixed(2)),
    matmul_shape: [B * config.contextLength, config.dFF, config.dModel],
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** Greedy generation of `prompts` × `newTokens` with no stop token, so every sample runs full length. */
async function benchGeneration(model: Model, options: EngineBenchOptions) {
  const prompts = options.prompts ?? 64;
  const newTokens = options.newTokens ?? 64;
  const V = model.config.vocabSize;
  const generator = new Generator(model, Tokenizer.byte(), { slots: prompts });
  const requests = Array.from({ length: prompts }, (_, i) => ({
    prompt: Array.from({ length: 8 }, (_, t) => (i * 7 + t * 3) % V),
    maxTokens: newTokens,
    stopTokens: [],
  }));
  // One short warm-up pass, so the timing sees steady state rather than first-call compilation.
  await generator.generate(requests.map((r) => ({ ...r, maxTokens: 2 })));
  const started = performance.now();
  const out = await generator.generate(requests, {
    onRequestDone: (d, n) => options.onProgress?.('generate', d, n),
  });
  const seconds = (performance.now() - started) / 1000;
  generator.free();
  return { tokens: out.reduce((n, s) => n + s[0].tokens.length, 0), seconds };
}

/** Best GFLOP/s of matmulNT (M,K)·(N,K)ᵀ over a few runs. */
function benchMatmul(
  k: Kernels,
  M: number,
  N: number,
  K: number,
  options: EngineBenchOptions,
): number {
  const a = k.alloc(M * K);
  const b = k.alloc(N * K);
  const out = k.alloc(M * N);
  for (let i = 0; i < a.length; i++) a[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  for (let i = 0; i < b.length; i++) b[i] = ((i * 104729) % 1000) / 1000 - 0.5;
  let best = Number.POSITIVE_INFINITY;
  const runs = 5;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    k.matmulNT(out, a, b, M, N, K, false);
    best = Math.min(best, performance.now() - t0);
    options.onProgress?.('matmul', r + 1, runs);
  }
  for (const buf of [a, b, out]) k.free(buf);
  return (2 * M * N * K) / (best / 1000) / 1e9;
}

function round4(x: number): number {
  return Number(x.toFixed(4));
}
