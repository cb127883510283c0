// Deduplication of proposed prompts against everything seen: exact after normalisation, and near
// (a similarity at or above a threshold, as self-instruct rejects at ROUGE-L 0.7). Two measures:
// word-level ROUGE-L F for prose, and the overlap of the numbers for short numeric prompts.

/**
 * How two prompts are compared. `rouge-l`: ROUGE-L F1 over lowercased words and numbers
 * (self-instruct's measure). `numbers`: Dice overlap of the multisets of numbers in the prompts,
 * for prompts whose content is their numbers (`equations`): there the shared template words make
 * any two prompts look alike to ROUGE-L, while the numbers tell one problem from another; a
 * reordering (`b + a*x` for `a*x + b`) scores 1, one number changed of three scores 2/3.
 */
export type PromptSimilarity = 'rouge-l' | 'numbers';

export const PROMPT_SIMILARITIES: readonly PromptSimilarity[] = ['rouge-l', 'numbers'];

/** The exact-duplicate key: case, whitespace runs and spaces around punctuation do not count. */
export function normalizePrompt(prompt: string): string {
  return prompt
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/ ?([^\p{L}\p{N} ]) ?/gu, '$1');
}

/** What the measure compares: the word sequence, or the numbers sorted (order does not count). */
function features(prompt: string, measure: PromptSimilarity): string[] {
  const text = prompt.normalize('NFKC').toLowerCase();
  if (measure === 'rouge-l') return text.match(/[\p{L}\p{N}]+/gu) ?? [];
  return (text.match(/\d+(?:\.\d+)?/g) ?? []).sort();
}

/** Length of the longest common subsequence of two token lists. */
function lcs(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j], row[j - 1]);
      diagonal = up;
    }
  }
  return row[b.length];
}

/** Size of the intersection of two sorted multisets. */
function sortedOverlap(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      n++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return n;
}

function score(a: readonly string[], b: readonly string[], measure: PromptSimilarity): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  // ROUGE-L F1 = 2·lcs/(|a|+|b|) with equal weights; Dice = 2·overlap/(|a|+|b|).
  const common = measure === 'rouge-l' ? lcs(a, b) : sortedOverlap(a, b);
  return (2 * common) / (a.length + b.length);
}

/** The similarity of two prompts under `measure`, in [0, 1]. */
export function promptSimilarity(a: string, b: string, measure: PromptSimilarity): number {
  return score(features(a, measure), features(b, measure), measure);
}

/** Where a prompt the index holds came from: the test set is told apart (never drawn from). */
export type PromptOrigin = 'test' | 'seen';

/** The most similar prompt an index holds. */
export interface NearestPrompt {
  readonly prompt: string;
  readonly origin: PromptOrigin;
  readonly similarity: number;
}

/** Every prompt seen so far, for exact and near lookups. */
export class PromptIndex {
  private readonly exact = new Map<string, { prompt: string; origin: PromptOrigin }>();
  private readonly entries: { prompt: string; origin: PromptOrigin; features: string[] }[] = [];

  constructor(readonly measure: PromptSimilarity) {}

  get size(): number {
    return this.entries.length;
  }

  /** Adds prompts (an exact duplicate of one held is not added twice; the test origin wins). */
  add(prompts: Iterable<string>, origin: PromptOrigin = 'seen'): void {
    for (const prompt of prompts) {
      const key = normalizePrompt(prompt);
      if (this.exact.has(key)) continue;
      this.exact.set(key, { prompt, origin });
      this.entries.push({ prompt, origin, features: features(prompt, this.measure) });
    }
  }

  /** The held prompt with the same normalised text, if any. */
  same(prompt: string): { prompt: string; origin: PromptOrigin } | undefined {
    return this.exact.get(normalizePrompt(prompt));
  }

  /**
   * The most similar held prompt, test prompts first among equals; similarity 0 and no prompt
   * when the index is empty. Brute force with a length bound (fine for tens of thousands).
   */
  nearest(prompt: string): NearestPrompt {
    const f = features(prompt, this.measure);
    let best: NearestPrompt = { prompt: '', origin: 'seen', similarity: 0 };
    for (const e of this.entries) {
      // Neither measure can exceed 2·min/(sum) of the lengths: skip what cannot beat the best.
      const sum = f.length + e.features.length;
      const bound = sum === 0 ? 1 : (2 * Math.min(f.length, e.features.length)) / sum;
      if (bound < best.similarity || (bound === best.similarity && best.origin === 'test'))
        continue;
      const s = score(f, e.features, this.measure);
      if (s > best.similarity || (s === best.similarity && e.origin === 'test' && s > 0)) {
        best = { prompt: e.prompt, origin: e.origin, similarity: s };
      }
    }
    return best;
  }
}

/** What became of a proposed prompt; every proposal gets exactly one. */
export type ProposalStatus = 'kept' | 'malformed' | 'test-overlap' | 'duplicate' | 'near-duplicate';

export const PROPOSAL_STATUSES: readonly ProposalStatus[] = [
  'kept',
  'malformed',
  'test-overlap',
  'duplicate',
  'near-duplicate',
];

/** One screened proposal. */
export interface PromptDecision {
  /** The proposal, trimmed. */
  readonly prompt: string;
  readonly status: ProposalStatus;
  /** Its similarity to the most similar prompt seen before it (0 for a malformed one). */
  readonly similarity: number;
  /** That prompt, for a test overlap or a (near-)duplicate. */
  readonly nearest?: string;
  /** Why the task called it malformed. */
  readonly problem?: string;
}

export interface ScreenOptions {
  /** Similarity from which a proposal is a near-duplicate (self-instruct: 0.7). */
  readonly threshold: number;
  /** The task's check (`Task.validatePrompt`): a reason when the prompt is malformed. */
  readonly validate?: (prompt: string) => string | undefined;
}

/**
 * Screens proposals in order, in this precedence: malformed (empty, or the task says so), equal
 * or near a test prompt, equal to a seen prompt, near one. Each kept proposal joins `index`, so
 * later proposals are deduplicated against it too.
 */
export function screenPrompts(
  proposals: readonly string[],
  index: PromptIndex,
  options: ScreenOptions,
): PromptDecision[] {
  return proposals.map((raw) => {
    const prompt = raw.trim();
    const problem = prompt === '' ? 'empty' : options.validate?.(prompt);
    if (problem !== undefined) return { prompt, status: 'malformed', similarity: 0, problem };
    const same = index.same(prompt);
    const near = same ? { ...same, similarity: 1 } : index.nearest(prompt);
    const status: ProposalStatus =
      near.origin === 'test' && near.similarity >= options.threshold
        ? 'test-overlap'
        : same
          ? 'duplicate'
          : near.similarity >= options.threshold
            ? 'near-duplicate'
            : 'kept';
    if (status === 'kept') index.add([prompt]);
    const nearest = status === 'kept' ? undefined : near.prompt;
    return { prompt, status, similarity: near.similarity, nearest };
  });
}
