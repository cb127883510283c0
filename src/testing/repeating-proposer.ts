// A proposer double that repeats on purpose: to proposing requests it answers, in turn, seen and
// test prompts as they are, with whitespace and case changed, reordered, with one digit changed,
// new prompts, a new prompt again at once and later. It stands in for a model that copies its few-shot examples.
import { ScriptedLanguageModel } from './scripted-language-model.js';

/** The kinds of answer, in the order the double cycles through them. */
export const PROPOSAL_KINDS = [
  'seen',
  'test',
  'test-whitespace',
  'seen-reordered',
  'test-digit',
  'novel',
  'novel-again',
  'seen-case',
  'test-reordered',
  'novel-earlier',
] as const;

export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

/** `a + b` → `b + a` (the first sum), else the first two words swapped. */
export function reorder(prompt: string): string {
  if (/\S+ \+ \S+/.test(prompt)) return prompt.replace(/(\S+) \+ (\S+)/, '$2 + $1');
  return prompt.replace(/^(\S+) (\S+)/, '$2 $1');
}

/** The last digit d of the prompt as (d + 1) mod 10. */
export function changeDigit(prompt: string): string {
  return prompt.replace(
    /(\d)(\D*)$/,
    (_, d: string, rest: string) => `${(Number(d) + 1) % 10}${rest}`,
  );
}

/** Extra spaces around every symbol and doubled spaces between words. */
export function respace(prompt: string): string {
  return `  ${prompt.replace(/ /g, '  ').replace(/([*+=:-])/g, ' $1 ')} `;
}

/**
 * The double, with what it copies from; `kinds` records the kind of each answer it wrote, in
 * order, so a test can tell which proposals were copies of a test prompt.
 */
export function repeatingProposer(sources: {
  readonly seen: readonly string[];
  readonly test: readonly string[];
  readonly novel: readonly string[];
}): ScriptedLanguageModel & { kinds: ProposalKind[] } {
  const kinds: ProposalKind[] = [];
  // By request seed: the scripted model may ask for the same request's text more than once.
  const order = new Map<number | undefined, number>();
  const pick = (list: readonly string[], i: number) => list[i % list.length];
  const model = new ScriptedLanguageModel((request) => {
    if (!order.has(request.seed)) order.set(request.seed, order.size);
    const n = order.get(request.seed)!;
    const kind = PROPOSAL_KINDS[n % PROPOSAL_KINDS.length];
    const round = Math.floor(n / PROPOSAL_KINDS.length);
    kinds[n] = kind;
    const { seen, test, novel } = sources;
    switch (kind) {
      case 'seen':
        return pick(seen, round);
      case 'test':
        return pick(test, round);
      case 'test-whitespace':
        return respace(pick(test, round + 1));
      case 'seen-reordered':
        return reorder(pick(seen, round + 1));
      case 'test-digit':
        return changeDigit(pick(test, round + 2));
      case 'novel':
        return pick(novel, round);
      case 'novel-again':
        return pick(novel, round);
      case 'seen-case':
        return pick(seen, round + 2).toUpperCase();
      case 'test-reordered':
        return reorder(pick(test, round + 3));
      case 'novel-earlier':
        // The previous cycle's new prompt: a copy of a proposal made a while ago.
        return pick(novel, round + novel.length - 1);
    }
  }, 'repeating-proposer');
  return Object.assign(model, { kinds });
}
