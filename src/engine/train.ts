// The training loop: seeded batches, forward/backward, gradient clipping, AdamW with warmup and
// cosine decay. Deterministic for a seed; buffers are allocated once per call, never per step.
import { CancelledError, InvalidInputError, SelfEvolveError } from '../spec/errors.js';
import {
  type BatchPlan,
  checkSequences,
  fillBatch,
  planEpoch,
  type TrainingSequence,
} from './batching.js';
import { backward, forward, type Model } from './model.js';
import { TrainActivations } from './train-activations.js';

/** Hyperparameters of one training run; every field has a default. */
export interface TrainSettings {
  /** Optimizer steps; when unset, `epochs` passes over the data. */
  readonly steps?: number;
  /** Passes over the data when `steps` is unset (default 1). */
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Peak learning rate (default 1e-3). */
  readonly learningRate?: number;
  /** Final learning rate of the cosine (default learningRate / 10). */
  readonly minLearningRate?: number;
  /** Linear warmup steps (default 5% of the steps, at most 100). */
  readonly warmupSteps?: number;
  readonly weightDecay?: number;
  /** Clip the global gradient norm to this; 0 disables (default 1). */
  readonly gradClip?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly seed?: number;
}

export interface StepProgress {
  readonly step: number;
  readonly totalSteps: number;
  readonly loss: number;
  readonly learningRate: number;
  readonly gradNorm: number;
  /** Real (unpadded) input tokens per second, over the run so far. */
  readonly tokensPerSecond: number;
}

export interface TrainResult {
  readonly steps: number;
  readonly losses: readonly number[];
  readonly tokensPerSecond: number;
  readonly seconds: number;
}

export interface TrainRunOptions {
  readonly signal?: AbortSignal;
  readonly onStep?: (progress: StepProgress) => void;
}

const DEFAULTS = {
  batchSize: 16,
  learningRate: 1e-3,
  weightDecay: 0.1,
  gradClip: 1,
  beta1: 0.9,
  beta2: 0.95,
  seed: 0,
};

/**
 * The largest values a caller may set (a client of `serve --fine-tuning` included): beyond them a
 * request is refused before anything is allocated. A million steps is days of training here.
 */
export const TRAIN_LIMITS = {
  steps: 1_000_000,
  epochs: 10_000,
  batchSize: 4096,
  warmupSteps: 1_000_000,
};

/** Fills defaults and checks ranges; errors name the field as `hyperparameters.<name>`. */
export function resolveSettings(input: TrainSettings): Required<
  Omit<TrainSettings, 'steps' | 'epochs'>
> & {
  steps?: number;
  epochs: number;
} {
  const s = { ...DEFAULTS, epochs: 1, ...input };
  const check = (field: keyof TrainSettings, ok: boolean, what: string) => {
    if (!ok) {
      throw new InvalidInputError(`must be ${what}, got ${JSON.stringify(input[field])}`, {
        field: `hyperparameters.${field}`,
      });
    }
  };
  const posInt = (v: unknown, max = Number.MAX_SAFE_INTEGER) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;
  const num = (v: unknown, lo: number, hi: number) => typeof v === 'number' && v >= lo && v <= hi;
  const L = TRAIN_LIMITS;
  check(
    'steps',
    s.steps === undefined || posInt(s.steps, L.steps),
    `an integer in [1, ${L.steps}]`,
  );
  check('epochs', posInt(s.epochs, L.epochs), `an integer in [1, ${L.epochs}]`);
  check('batchSize', posInt(s.batchSize, L.batchSize), `an integer in [1, ${L.batchSize}]`);
  check('learningRate', num(s.learningRate, 0, 10) && s.learningRate > 0, 'a number in (0, 10]');
  const minLearningRate = s.minLearningRate ?? s.learningRate / 10;
  check(
    'minLearningRate',
    num(minLearningRate, 0, s.learningRate),
    'a number in [0, learningRate]',
  );
  check(
    'warmupSteps',
    s.warmupSteps === undefined ||
      (Number.isInteger(s.warmupSteps) && s.warmupSteps >= 0 && s.warmupSteps <= L.warmupSteps),
    `an integer in [0, ${L.warmupSteps}]`,
  );
  check('weightDecay', num(s.weightDecay, 0, 10), 'a number in [0, 10]');
  check('gradClip', num(s.gradClip, 0, Number.MAX_VALUE), 'a non-negative number');
  check('beta1', num(s.beta1, 0, 0.999999), 'a number in [0, 1)');
  check('beta2', num(s.beta2, 0, 0.999999), 'a number in [0, 1)');
  check('seed', Number.isSafeInteger(s.seed), 'an integer');
  return { ...s, minLearningRate, warmupSteps: s.warmupSteps ?? -1 };
}

/** Learning rate at step (1-based): linear warmup, then cosine from peak to minimum. */
export function learningRateAt(
  step: number,
  total: number,
  peak: number,
  min: number,
  warmup: number,
): number {
  if (step <= warmup) return (peak * step) / warmup;
  const progress = total > warmup ? (step - warmup) / (total - warmup) : 1;
  return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * Math.min(1, progress)));
}

/**
 * Trains `model` in place on `sequences`. Throws InvalidInputError for an empty set, a sequence
 * longer than the context, or a bad setting; CancelledError when `signal` aborts (between steps).
 */
export async function trainModel(
  model: Model,
  sequences: readonly TrainingSequence[],
  settings: TrainSettings = {},
  options: TrainRunOptions = {},
): Promise<TrainResult> {
  const s = resolveSettings(settings);
  const ctx = model.config.contextLength;
  const kept = checkSequences(sequences, ctx);
  const epochPlans = (epoch: number) => planEpoch(sequences, kept, s.batchSize, ctx, s.seed, epoch);
  const first = epochPlans(0);
  const totalSteps = s.steps ?? first.length * s.epochs;
  if (totalSteps > TRAIN_LIMITS.steps) {
    throw new InvalidInputError(
      `${s.epochs} epochs of ${first.length} batches are ${totalSteps} steps, more than ${TRAIN_LIMITS.steps}`,
      { field: 'hyperparameters.epochs' },
      { hint: 'train fewer epochs, or give steps' },
    );
  }
  const warmup = s.warmupSteps >= 0 ? s.warmupSteps : Math.min(100, Math.floor(totalSteps * 0.05));
  const plans = schedule(first, totalSteps, epochPlans);
  const maxT = Math.max(...plans.map((p) => p.T));
  const k = model.kernels;
  const acts = new TrainActivations(k, model.config, Math.min(s.batchSize, kept.length), maxT);
  const m = k.alloc(model.parameterCount);
  const v = k.alloc(model.parameterCount);
  const losses: number[] = [];
  const started = performance.now();
  let tokens = 0;
  let lastYield = started;
  try {
    for (let step = 1; step <= totalSteps; step++) {
      if (options.signal?.aborted) throw new CancelledError('training cancelled');
      const plan = plans[step - 1];
      const B = plan.indices.length;
      tokens += fillBatch(acts, sequences, plan).tokens;
      model.grads.fill(0);
      const loss = forward(model, acts, B, plan.T);
      if (!Number.isFinite(loss)) throw divergence(step, loss);
      backward(model, acts, B, plan.T);
      const gradNorm = clipGradients(model, s.gradClip);
      const lr = learningRateAt(step, totalSteps, s.learningRate, s.minLearningRate, warmup);
      optimizerStep(model, m, v, lr, s, step);
      losses.push(loss);
      const seconds = (performance.now() - started) / 1000;
      options.onStep?.({
        step,
        totalSteps,
        loss,
        learningRate: lr,
        gradNorm,
        tokensPerSecond: tokens / seconds,
      });
      if (performance.now() - lastYield > 50) {
        // Let timers, signals and progress output run between steps.
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  } finally {
    acts.free();
    k.free(m);
    k.free(v);
  }
  const seconds = (performance.now() - started) / 1000;
  return { steps: totalSteps, losses, tokensPerSecond: tokens / seconds, seconds };
}

/** Training produced a non-finite loss: the weights are unusable, so stop before saving them. */
function divergence(step: number, loss: number): SelfEvolveError {
  return new SelfEvolveError(
    'training_diverged',
    `training diverged: the loss is ${loss} at step ${step}`,
    {
      hint: 'lower the learning rate (or check the starting weights for NaN)',
      isUserError: true,
    },
  );
}

/** The batch of every step: epochs in order, cut at `total`. */
function schedule(
  first: BatchPlan[],
  total: number,
  epochPlans: (e: number) => BatchPlan[],
): BatchPlan[] {
  const plans = [...first];
  for (let e = 1; plans.length < total; e++) plans.push(...epochPlans(e));
  return plans.slice(0, total);
}

/** Scales gradients so their global L2 norm is at most `clip`; returns the norm before. */
function clipGradients(model: Model, clip: number): number {
  const k = model.kernels;
  const norm = Math.sqrt(k.sumSquares(model.grads, model.parameterCount));
  if (clip > 0 && norm > clip) k.scale(model.grads, model.parameterCount, clip / norm);
  return norm;
}

/** AdamW over the decayed matrices, then over the norm weights without decay. */
function optimizerStep(
  model: Model,
  m: Float32Array,
  v: Float32Array,
  lr: number,
  s: { beta1: number; beta2: number; weightDecay: number },
  step: number,
): void {
  const { decayEnd, total } = model.layout;
  const k = model.kernels;
  const g = model.grads;
  const p = model.params;
  k.adamw(p, g, m, v, decayEnd, lr, s.beta1, s.beta2, 1e-8, s.weightDecay, step);
  const [p2, g2, m2, v2] = [p, g, m, v].map((b) => b.subarray(decayEnd, total));
  k.adamw(p2, g2, m2, v2, total - decayEnd, lr, s.beta1, s.beta2, 1e-8, 0, step);
}
