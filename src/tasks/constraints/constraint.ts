// The `constraints` task's instructions: a few checkable constraints on a short list of words
// ("Write 3 words starting with b, separated by commas, in alphabetical order."), how a prompt is
// written and read back, how a response is checked against each constraint, and a seedable
// generator. Many answers are right; the grade is the fraction of constraints met.
import { random } from '../../self/seeds.js';
import { WORDS } from './words.js';

export const SEPARATORS = ['comma', 'space', 'line'] as const;
export const STYLES = ['alphabetical', 'uppercase', 'short'] as const;
/** Letters with enough words in the list, at the start and at the end of a word. */
export const START_LETTERS = 'bcdfhlmprstw';
export const END_LETTERS = 'deklnt';

/** One instruction: `count` distinct known words, each starting (or ending) with `letter`. */
export interface Constraints {
  readonly count: number;
  readonly at: 'start' | 'end';
  readonly letter: string;
  readonly separator: (typeof SEPARATORS)[number];
  readonly style: (typeof STYLES)[number];
}

/** The outcome of one constraint: its name as the critique writes it, met or not, and why not. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  /** The offending detail when not met, e.g. the first word that breaks it. */
  readonly detail?: string;
}

const SEPARATOR_TEXT = {
  comma: 'separated by commas',
  space: 'separated by spaces',
  line: 'one per line',
} as const;
const STYLE_TEXT = {
  alphabetical: 'in alphabetical order',
  uppercase: 'in uppercase',
  short: 'each at most 4 letters',
} as const;
const JOIN = { comma: ', ', space: ' ', line: '\n' } as const;
/** What may stand between two words for each separator. */
const BETWEEN = { comma: /^ *, *$/, space: /^ +$/, line: /^ *\n *$/ } as const;

/** The prompt of an instruction. */
export function constraintsPrompt(c: Constraints): string {
  const where = c.at === 'start' ? 'starting' : 'ending';
  return `Write ${c.count} words ${where} with ${c.letter}, ${SEPARATOR_TEXT[c.separator]}, ${STYLE_TEXT[c.style]}.`;
}

const key = <T extends string>(table: Record<T, string>, text: string): T | undefined =>
  (Object.keys(table) as T[]).find((k) => table[k] === text);

/** The instruction a prompt states; undefined when it is not one of this task's. */
export function parseConstraints(prompt: string): Constraints | undefined {
  const m = /^Write (\d) words (starting|ending) with ([a-z]), ([a-z ]+), ([a-z0-9 ]+)\.$/.exec(
    prompt.trim(),
  );
  if (!m) return undefined;
  const separator = key(SEPARATOR_TEXT, m[4]);
  const style = key(STYLE_TEXT, m[5]);
  if (!separator || !style) return undefined;
  const at = m[2] === 'starting' ? 'start' : 'end';
  return { count: Number(m[1]), at, letter: m[3], separator, style };
}

/** An instruction as a label: `3 start b comma alphabetical` (what `answer` holds). */
export function encodeConstraints(c: Constraints): string {
  return `${c.count} ${c.at} ${c.letter} ${c.separator} ${c.style}`;
}

/** A label read back; undefined when it is not one. */
export function decodeConstraints(code: string): Constraints | undefined {
  const [count, at, letter, separator, style] = code.trim().split(' ');
  const c = { count: Number(count), at, letter, separator, style } as Constraints;
  const back = parseConstraints(constraintsPrompt(c));
  return back && encodeConstraints(back) === code.trim() ? back : undefined;
}

/** The words of a response, as written. */
export function wordsOf(text: string): string[] {
  return text.match(/[A-Za-z]+/g) ?? [];
}

const hasLetter = (c: Constraints, w: string) =>
  c.at === 'start' ? w.toLowerCase().startsWith(c.letter) : w.toLowerCase().endsWith(c.letter);
const fitsStyle = (c: Constraints, w: string) => c.style !== 'short' || w.length <= 4;

/** Each constraint checked on `text`, in the order the critique names them. */
export function checkConstraints(c: Constraints, text: string): Check[] {
  const words = wordsOf(text);
  const lower = words.map((w) => w.toLowerCase());
  const known = new Set(WORDS);
  // A detail quotes at most 10 letters of a word, so a critique stays short for any response.
  const fail = (name: string, detail?: string): Check => ({
    name,
    ok: false,
    detail: detail?.replace(/[A-Za-z]{11,}/g, (w) => w.slice(0, 10)),
  });
  const pass = (name: string): Check => ({ name, ok: true });
  const each = (name: string, bad: string | undefined) =>
    words.length === 0 ? fail(name) : bad === undefined ? pass(name) : fail(name, bad);

  const count = `${c.count} words`;
  const letter = `${c.at} ${c.letter}`;
  const separator = c.separator === 'line' ? 'lines' : `${c.separator}s`;
  // What stands before, between and after the words.
  const pieces = text.trim().split(/[A-Za-z]+/);
  const gaps = pieces.slice(1, -1);
  const framed = words.length > 0 && pieces[0] === '' && pieces.at(-1) === '';
  const unsorted = lower.findIndex((w, i) => i > 0 && lower[i - 1] >= w);
  const style =
    c.style === 'alphabetical'
      ? each('order', unsorted > 0 ? `${words[unsorted - 1]} before ${words[unsorted]}` : undefined)
      : c.style === 'uppercase'
        ? each(
            'uppercase',
            words.find((w) => w !== w.toUpperCase()),
          )
        : each(
            'short',
            words.find((w) => !fitsStyle(c, w)),
          );
  return [
    words.length === c.count ? pass(count) : fail(count, `${words.length}`),
    each(
      letter,
      words.find((w) => !hasLetter(c, w)),
    ),
    framed && gaps.every((g) => BETWEEN[c.separator].test(g)) ? pass(separator) : fail(separator),
    style,
    each(
      'known words',
      words.find((_w, i) => !known.has(lower[i]) || lower.indexOf(lower[i]) !== i),
    ),
  ];
}

/** Every constraint's count: the score scale's maximum. */
export const CONSTRAINT_COUNT = 5;

/** The words of the list that may stand in an answer to `c`. */
export function candidates(c: Constraints): string[] {
  return WORDS.filter((w) => hasLetter(c, w) && fitsStyle(c, w));
}

/** `words` written as `c` asks: sorted when alphabetical, uppercase when asked, joined. */
export function writeWords(c: Constraints, words: readonly string[]): string {
  const lower = words.map((w) => w.toLowerCase());
  const ordered = c.style === 'alphabetical' ? [...lower].sort() : lower;
  const cased = c.style === 'uppercase' ? ordered.map((w) => w.toUpperCase()) : ordered;
  return cased.join(JOIN[c.separator]);
}

/**
 * A rewrite of `text` meeting every constraint, changing as little as it can: the response's own
 * words that fit are kept (in order, up to the count), the rest filled from the word list.
 */
export function rewrite(c: Constraints, text: string): string {
  const fit = new Set(candidates(c));
  const kept: string[] = [];
  for (const w of wordsOf(text).map((x) => x.toLowerCase()))
    if (fit.has(w) && !kept.includes(w) && kept.length < c.count) kept.push(w);
  for (const w of fit) if (kept.length < c.count && !kept.includes(w)) kept.push(w);
  return writeWords(c, kept);
}

/** `n` seeded instructions, each with enough candidate words, and a random right answer each. */
export function generateConstraints(
  n: number,
  seed: number,
): { constraints: Constraints; answer: string }[] {
  const rand = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const out: { constraints: Constraints; answer: string }[] = [];
  while (out.length < n) {
    const at = rand() < 0.6 ? 'start' : 'end';
    const c: Constraints = {
      count: 2 + Math.floor(rand() * 3),
      at,
      letter: pick([...(at === 'start' ? START_LETTERS : END_LETTERS)]),
      separator: pick(SEPARATORS),
      style: pick(STYLES),
    };
    const pool = candidates(c);
    if (pool.length < c.count + 2) continue;
    const chosen: string[] = [];
    while (chosen.length < c.count) {
      const w = pick(pool);
      if (!chosen.includes(w)) chosen.push(w);
    }
    out.push({ constraints: c, answer: writeWords(c, chosen) });
  }
  return out;
}
