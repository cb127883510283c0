// A score line read by a regex: the last match's first group is the score, checked against the
// scale. Shared by declared tasks (`score` in a config) and the built-in `constraints` task.
import { scoreInRange } from '../self/critique-reading.js';
import type { ScoreReading, ScoreScale } from '../spec/task.js';

/** A reader of the last `pattern` match's first group as a score on `scale`. */
export function scoreLineReader(
  pattern: string,
  flags: string,
  scale: ScoreScale,
): (feedback: string) => ScoreReading {
  const re = new RegExp(pattern, `${flags.replace('g', '')}g`);
  return (feedback) => {
    let raw: string | undefined;
    for (const m of feedback.matchAll(re)) raw = m[1];
    if (raw === undefined) return { problem: 'missing' };
    const score = Number(raw.trim());
    return Number.isNaN(score) ? { problem: 'missing', raw } : scoreInRange(scale, score, raw);
  };
}
