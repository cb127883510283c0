// Turns variable-length training sequences into padded batches: bucketed by length so short
// sequences do not pay for long ones, in a seeded order, with the loss mask carried per token.
import { InvalidInputError } from '../spec/errors.js';
import { Rng } from './rng.js';
import { PAD } from './tokenizer.js';
import type { TrainActivations } from './train-activations.js';

/** One training sequence: token ids and, per token, whether the model learns to predict it. */
export interface TrainingSequence {
  readonly ids: ArrayLike<number>;
  /** loss[i] true: position i−1 is trained to predict ids[i]. loss[0] is ignored. */
  readonly loss: ArrayLike<boolean | number>;
}

/** A batch: which sequences, padded to T input positions. */
export interface BatchPlan {
  readonly indices: readonly number[];
  readonly T: number;
}

/** Pads T up to a multiple of this, so a run meets few distinct shapes. */
const T_ROUND = 8;

/**
 * Checks sequences against the context and drops those with nothing to learn. Throws
 * InvalidInputError for an empty set or a sequence longer than the context (+1 target).
 */
export function checkSequences(
  sequences: readonly TrainingSequence[],
  contextLength: number,
): number[] {
  const kept: number[] = [];
  sequences.forEach((s, i) => {
    if (s.ids.length !== s.loss.length) {
      throw new InvalidInputError(`ids and loss have different lengths`, {
        field: `examples[${i}]`,
      });
    }
    if (s.ids.length - 1 > contextLength) {
      throw new InvalidInputError(
        `example is ${s.ids.length} tokens, longer than the model's context of ${contextLength} (+1)`,
        { field: `examples[${i}]` },
        { hint: 'shorten the example or train a model with a longer context' },
      );
    }
    for (let t = 1; t < s.ids.length; t++) {
      if (s.loss[t]) {
        kept.push(i);
        return;
      }
    }
  });
  if (kept.length === 0) {
    throw new InvalidInputError(
      sequences.length === 0
        ? 'the training set is empty'
        : 'no example has a token to learn (every turn has train: false)',
      { field: 'examples' },
    );
  }
  return kept;
}

/**
 * One epoch's batches: shuffle (seeded), sort each window of 16 batches by length, cut into
 * batches, shuffle the batch order. Same seed and epoch, same plan.
 */
export function planEpoch(
  sequences: readonly TrainingSequence[],
  indices: readonly number[],
  batchSize: number,
  contextLength: number,
  seed: number,
  epoch: number,
): BatchPlan[] {
  const rng = new Rng(seed, 0xba7c4 + epoch);
  const order = rng.shuffle([...indices]);
  const window = batchSize * 16;
  const batches: BatchPlan[] = [];
  for (let w = 0; w < order.length; w += window) {
    const chunk = order
      .slice(w, w + window)
      .sort((a, b) => sequences[a].ids.length - sequences[b].ids.length);
    for (let b = 0; b < chunk.length; b += batchSize) {
      const members = chunk.slice(b, b + batchSize);
      const longest = Math.max(...members.map((i) => sequences[i].ids.length - 1));
      batches.push({
        indices: members,
        T: Math.min(contextLength, Math.ceil(longest / T_ROUND) * T_ROUND),
      });
    }
  }
  return rng.shuffle(batches);
}

/**
 * Writes a batch into the activations: inputs, targets, and loss weights 1/(trained tokens) on
 * trained positions, 0 elsewhere (padding included). Returns the number of trained tokens and of
 * real (unpadded) input tokens.
 */
export function fillBatch(
  acts: TrainActivations,
  sequences: readonly TrainingSequence[],
  plan: BatchPlan,
): { trained: number; tokens: number } {
  const { T, indices } = plan;
  let trained = 0;
  let tokens = 0;
  indices.forEach((index, b) => {
    const { ids, loss } = sequences[index];
    const n = ids.length - 1;
    tokens += n;
    for (let t = 0; t < T; t++) {
      const r = b * T + t;
      const inside = t < n;
      acts.tokens[r] = inside ? ids[t] : PAD;
      acts.targets[r] = inside ? ids[t + 1] : PAD;
      const w = inside && loss[t + 1] ? 1 : 0;
      acts.weights[r] = w;
      trained += w;
    }
  });
  const rows = indices.length * T;
  for (let r = 0; r < rows; r++) if (acts.weights[r] !== 0) acts.weights[r] = 1 / trained;
  return { trained, tokens };
}
