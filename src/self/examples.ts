// Training examples for each kind of data, as loss-masked episodes: D_QA trains the response,
// D_meta trains the feedback (and the refinement when there is one), D_self trains the answer.
import type { SftExample } from '../spec/trainer.js';

/** prompt → response; loss on the response only. */
export function answerExample(prompt: string, response: string): SftExample {
  return {
    turns: [
      { section: 'prompt', text: prompt, train: false },
      { section: 'response', text: response, train: true },
    ],
  };
}

/** prompt, response → feedback (→ refinement); loss on the feedback and refinement only. */
export function metaExample(
  prompt: string,
  response: string,
  feedback: string,
  refinement?: string,
): SftExample {
  const turns: SftExample['turns'][number][] = [
    { section: 'prompt', text: prompt, train: false },
    { section: 'response', text: response, train: false },
    { section: 'feedback', text: feedback, train: true },
  ];
  if (refinement !== undefined)
    turns.push({ section: 'refinement', text: refinement, train: true });
  return { turns };
}

/** The first `fraction` of `items` (rounded), so mixes are deterministic. */
export function takeFraction<T>(items: readonly T[], fraction: number): T[] {
  return items.slice(0, Math.round(items.length * fraction));
}

/** Interleaves lists evenly, so no data kind is bunched at the end of an epoch. */
export function interleave<T>(...lists: readonly (readonly T[])[]): T[] {
  const total = lists.reduce((n, l) => n + l.length, 0);
  const tagged: { key: number; item: T }[] = [];
  for (const list of lists) {
    for (const [i, item] of list.entries()) tagged.push({ key: (i + 0.5) / list.length, item });
  }
  tagged.sort((a, b) => a.key - b.key);
  return tagged.slice(0, total).map((t) => t.item);
}

/** Characters a trainer reads for `examples` (every turn): the training budget, in tokens of a char model. */
export function trainingChars(examples: readonly SftExample[]): number {
  return examples.reduce((n, e) => n + e.turns.reduce((m, t) => m + t.text.length, 0), 0);
}

/**
 * The compute-matched SFT control's training set: D_QA examples in order, cycled, until they
 * reach `budget`: as many examples (`examples`), or as many characters read (`tokens`).
 */
export function matchedQa(
  qa: readonly SftExample[],
  budget: { readonly examples: number; readonly chars: number },
  match: 'tokens' | 'examples',
): SftExample[] {
  if (qa.length === 0) return [];
  const out: SftExample[] = [];
  let chars = 0;
  for (let i = 0; match === 'examples' ? out.length < budget.examples : chars < budget.chars; i++) {
    const e = qa[i % qa.length];
    out.push(e);
    chars += trainingChars([e]);
  }
  return out;
}

/** The line that asks for a new prompt, before the few-shot examples (lowercase: a char model's alphabet). */
export const PROPOSE_INSTRUCTION = 'write one new problem like these:';

/**
 * The proposing prompt: the instruction, then each example prompt on its own line. The model
 * answers in the response section with one new prompt.
 */
export function proposingPrompt(examples: readonly string[]): string {
  return [PROPOSE_INSTRUCTION, ...examples.map((e) => e.replace(/\s+/g, ' ').trim())].join('\n');
}

/** examples → a new prompt; loss on the new prompt only (meta-skill data for proposing). */
export function proposingExample(examples: readonly string[], target: string): SftExample {
  return answerExample(proposingPrompt(examples), target);
}
