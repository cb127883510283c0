// Deduplication of self-proposed prompts, with a proposer double (src/testing/repeating-proposer.ts)
// standing in for a model that copies its few-shot examples and the test set: exact copies, copies
// with whitespace, case or order changed, one digit changed, and a new prompt proposed twice.
import { describe, expect, it } from 'vitest';
import type { Task } from '../spec/task.js';
import { defineTask } from '../tasks/declarative-task.js';
import { EquationsTask } from '../tasks/equations/equations-task.js';
import { type ProposalKind, repeatingProposer } from '../testing/repeating-proposer.js';
import {
  normalizePrompt,
  type PromptSimilarity,
  promptSimilarity,
  screenPrompts,
} from './prompt-dedup.js';
import { PROPOSAL_COUNTS, proposePrompts, seenIndex } from './propose-prompts.js';
import { random, randomInt } from './seeds.js';

const THRESHOLD = 0.7;

const SHAPES = [0, 1, 2, 3];

/** Short word problems with numbers, in several shapes: the prose family, compared by ROUGE-L. */
function prose(n: number, seed: number, shapes = SHAPES): string[] {
  const next = random(seed);
  const int = () => randomInt(next, 2, 90);
  const pick = <T>(xs: readonly T[]) => xs[randomInt(next, 0, xs.length - 1)];
  const all = [
    () =>
      `${pick(['tom', 'ana', 'li'])} has ${int()} ${pick(['apples', 'pens'])} and buys ${int()} more. how many now?`,
    () => `a train covers ${int()} km in ${int()} hours; what is its speed in km per hour?`,
    () => `if ${int()} workers build a wall in ${int()} days, how long do ${int()} workers take?`,
    () =>
      `the price of a ${pick(['coat', 'lamp', 'chair'])} rose from ${int()} to ${int()} dollars: by what percent?`,
    () => `find the area of a rectangle ${int()} cm long and ${int()} cm wide.`,
    () =>
      `${pick(['sam', 'eva'])} reads ${int()} pages a day. after ${int()} days, how many pages are left of ${int()}?`,
    () => `a tank of ${int()} litres leaks ${int()} litres an hour; when is it empty?`,
    () =>
      `split ${int()} sweets among ${int()} children equally: how many each, and how many remain?`,
  ];
  return Array.from({ length: n }, (_, i) => all[shapes[i % shapes.length]]());
}

/** Equation prompts from the task's generator, distinct, with seen, test and new ones apart. */
function equations(n: number, seed: number): string[] {
  return [...new Set(new EquationsTask().generate(n * 2, seed).map((p) => p.prompt))].slice(0, n);
}

/** Seen and test prompts, and new ones: for prose in other shapes (one shape reads alike to ROUGE-L). */
const families: {
  name: string;
  similarity: PromptSimilarity;
  make: () => { seen: string[]; test: string[]; novel: string[] };
}[] = [
  {
    name: 'word problems, rouge-l',
    similarity: 'rouge-l',
    make: () => {
      const old = prose(100, 5);
      return { seen: old.slice(0, 60), test: old.slice(60), novel: prose(50, 6, [4, 5, 6, 7]) };
    },
  },
  {
    name: 'equations, numbers',
    similarity: 'numbers',
    make: () => {
      const all = equations(150, 5);
      return { seen: all.slice(0, 60), test: all.slice(60, 100), novel: all.slice(100) };
    },
  },
];

describe('normalisation and measures', () => {
  it('ignores case, whitespace runs and spaces around symbols', () => {
    expect(normalizePrompt('  Solve for x:  7*x+12 = 54 ')).toBe(
      normalizePrompt('solve for x: 7 * x + 12 = 54'),
    );
    expect(normalizePrompt('Solve for x: 7*x + 12 = 54')).not.toBe(
      normalizePrompt('Solve for x: 7*x + 12 = 55'),
    );
  });

  it('scores ROUGE-L F on words and the overlap of the numbers', () => {
    // LCS of "a b c d" and "a c d e" is 3: F = 2·3/(4+4).
    expect(promptSimilarity('a b c d', 'a c d e', 'rouge-l')).toBe(0.75);
    const eq = 'Solve for x: 7*x + 12 = 54';
    expect(promptSimilarity(eq, 'Solve for x: 12 + 7*x = 54', 'numbers')).toBe(1);
    expect(promptSimilarity(eq, 'Solve for x: 7*x + 12 = 55', 'numbers')).toBeCloseTo(2 / 3);
    // Why `numbers` for equations: to ROUGE-L two unrelated equations sharing one number are near.
    expect(promptSimilarity(eq, 'Solve for x: 7*x + 3 = 17', 'rouge-l')).toBeGreaterThan(0.7);
    expect(promptSimilarity(eq, 'Solve for x: 7*x + 3 = 17', 'numbers')).toBeLessThan(0.7);
  });
});

describe.each(families)('dedup of proposals ($name)', ({ similarity, make }) => {
  const { seen, test, novel } = make();
  // No validatePrompt: the whitespace and case copies must be caught by the dedup itself.
  const task: Task = defineTask({ answer: 'last-number' });

  it('keeps no proposal near another, a seen prompt or a test prompt', async () => {
    const model = repeatingProposer({ seen, test, novel });
    const { samples, stats } = await proposePrompts({
      model,
      task,
      seeds: seen,
      test,
      count: 90,
      examples: 3,
      threshold: THRESHOLD,
      similarity,
      temperature: 1,
      maxTokens: 200,
      chunk: 16,
    });
    const kept = samples.filter((s) => s.kept).map((s) => s.response.trim());
    expect(kept.length).toBeGreaterThan(0);
    for (const [i, k] of kept.entries()) {
      for (const other of [...seen, ...test, ...kept.slice(0, i)]) {
        expect(normalizePrompt(k)).not.toBe(normalizePrompt(other));
        expect(promptSimilarity(k, other, similarity)).toBeLessThan(THRESHOLD);
      }
    }
    const status = (kind: ProposalKind) =>
      new Set(
        samples.filter((_, i) => model.kinds[i] === kind).map((s) => /^[a-z-]+/.exec(s.reason)![0]),
      );
    for (const kind of ['test', 'test-whitespace', 'test-reordered'] as const)
      expect(status(kind)).toEqual(new Set(['test-overlap']));
    // In prose one digit changed is a near copy; in an equation it is another problem (2 of 3
    // numbers shared), kept only when it is near nothing seen.
    if (similarity === 'rouge-l') expect(status('test-digit')).toEqual(new Set(['test-overlap']));
    expect(status('seen')).toEqual(new Set(['duplicate']));
    expect(status('seen-case')).toEqual(new Set(['duplicate']));
    // A new prompt proposed again: a duplicate of the first when that was kept, else near what
    // the first was near.
    expect(status('novel-again').has('kept')).toBe(false);
    expect(status('novel-again').has('duplicate')).toBe(true);
    expect(status('seen-reordered').has('kept')).toBe(false);
    expect(stats.near_duplicate).toBeGreaterThan(0);
    expect(PROPOSAL_COUNTS.reduce((n, k) => n + stats[k], 0)).toBe(stats.made);
    expect(stats.made).toBe(90);
    expect(stats.similarity).toBeLessThan(THRESHOLD);
  });

  it('rejects what the task calls malformed before anything else', () => {
    const index = seenIndex(similarity, test, seen);
    const [d] = screenPrompts([test[0]], index, {
      threshold: THRESHOLD,
      validate: () => 'not a problem',
    });
    expect(d).toMatchObject({ status: 'malformed', problem: 'not a problem' });
  });
});
