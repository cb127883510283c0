// Picks the next token from a row of logits: greedy, or temperature with top-k and top-p, drawing
// exactly one number from the sample's own random stream per token.
import type { Rng } from './rng.js';

export interface SamplingSettings {
  /** 0 or unset: greedy (argmax, lowest id on ties). */
  readonly temperature?: number;
  /** Keep the k most likely tokens (0 or unset: all). */
  readonly topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (1 or unset: all). */
  readonly topP?: number;
}

/** Reusable scratch for `sampleToken`, sized for a vocabulary. */
export class SamplerScratch {
  readonly order: number[];
  readonly probs: Float64Array;
  constructor(vocabSize: number) {
    this.order = Array.from({ length: vocabSize }, (_, i) => i);
    this.probs = new Float64Array(vocabSize);
  }
}

/** Samples a token id from `logits` (length V). */
export function sampleToken(
  logits: ArrayLike<number>,
  settings: SamplingSettings,
  rng: Rng,
  scratch: SamplerScratch,
): number {
  const V = logits.length;
  const temperature = settings.temperature ?? 0;
  if (!(temperature > 0)) return argmax(logits);
  const { order, probs } = scratch;
  for (let i = 0; i < V; i++) order[i] = i;
  // Stable order: by logit descending, then by id, so ties never depend on the engine's sort.
  order.sort((a, b) => logits[b] - logits[a] || a - b);
  const k = settings.topK && settings.topK > 0 ? Math.min(settings.topK, V) : V;
  const max = logits[order[0]];
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const p = Math.exp((logits[order[i]] - max) / temperature);
    probs[i] = p;
    sum += p;
  }
  let keep = k;
  const topP = settings.topP ?? 1;
  if (topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < k; i++) {
      cumulative += probs[i] / sum;
      if (cumulative >= topP) {
        keep = i + 1;
        break;
      }
    }
    sum = 0;
    for (let i = 0; i < keep; i++) sum += probs[i];
  }
  let u = rng.float() * sum;
  for (let i = 0; i < keep; i++) {
    u -= probs[i];
    if (u < 0) return order[i];
  }
  return order[keep - 1];
}

function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}
