// Strict readers of a judge's answer: only its last non-empty line counts, and it must be exactly
// `Verdict: A|B|tie` or `Score: N` (N on the declared scale). Anything else is unparseable, with
// the reason, never a guess: a judge that names neither answer gives no verdict.
import { InvalidInputError } from '../spec/errors.js';
import type { RubricScale } from '../spec/judge.js';

/** A pairwise judge's conclusion about answers A and B. */
export type PairwiseVerdict = 'A' | 'B' | 'tie';

/** What a judge's answer says, or why it says nothing usable. */
export type Parsed<T> = { readonly value: T } | { readonly unparseable: string };

/** The last line with text on it, without markdown emphasis and a final full stop. */
function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim());
  const line = lines[lines.length - 1] ?? '';
  return line
    .trim()
    .replace(/^[*_\s]+|[*_\s]+$/g, '')
    .replace(/\.$/, '');
}

const VERDICT = /^verdict\s*:\s*[*_]*\s*\[{0,2}\s*(a|b|tie)\s*\]{0,2}$/i;
const SCORE = /^score\s*:\s*[*_]*\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*(\d+))?$/i;

/** `Verdict: A`, `Verdict: B` or `Verdict: tie` on the last line (any case, `**` allowed). */
export function parsePairwiseVerdict(text: string): Parsed<PairwiseVerdict> {
  const match = VERDICT.exec(lastLine(text));
  if (!match) return { unparseable: 'no final "Verdict: A", "Verdict: B" or "Verdict: tie" line' };
  const v = match[1].toLowerCase();
  return { value: v === 'tie' ? 'tie' : v === 'a' ? 'A' : 'B' };
}

/** `Score: N` on the last line, N a whole number on `scale` (`N/max` allowed when max is the scale's). */
export function parseRubricScore(text: string, scale: RubricScale): Parsed<number> {
  const match = SCORE.exec(lastLine(text));
  if (!match) return { unparseable: 'no final "Score: N" line' };
  const score = Number(match[1]);
  const range = `${scale.min}-${scale.max}`;
  if (match[2] !== undefined && Number(match[2]) !== scale.max)
    return { unparseable: `score out of ${match[2]}, the scale is ${range}` };
  if (!Number.isInteger(score)) return { unparseable: `score ${match[1]} is not a whole number` };
  if (score < scale.min || score > scale.max)
    return { unparseable: `score ${score} is outside the scale ${range}` };
  return { value: score };
}

/** A scale written `min-max` (e.g. `1-10`), whole numbers, min below max. */
export function parseScale(text: string, field = '--scale'): RubricScale {
  const match = /^\s*(-?\d+)\s*-\s*(-?\d+)\s*$/.exec(text);
  const min = match ? Number(match[1]) : Number.NaN;
  const max = match ? Number(match[2]) : Number.NaN;
  if (!match || !(min < max) || max - min > 100) {
    throw new InvalidInputError(
      `must be "min-max" with whole numbers, min below max (at most 100 apart), got "${text}"`,
      { field },
      { hint: 'e.g. --scale 1-10' },
    );
  }
  return { min, max };
}
