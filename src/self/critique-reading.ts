// What a critique concludes: its verdict and, for a scored task, its score. A score verdict is
// derived (score ≥ threshold: `correct`); a missing or out-of-range score is no verdict at all.
import type { Attempt } from '../spec/run-store.js';
import type { ScoreReading, ScoreScale, Task, Verdict } from '../spec/task.js';

/** The verdict a score reading means on `scale`; undefined when the score could not be read. */
export function scoreVerdict(scale: ScoreScale, reading: ScoreReading): Verdict | undefined {
  if (reading.problem !== undefined) return undefined;
  return reading.score >= scale.threshold ? 'correct' : 'wrong';
}

/** A score on `scale` read as a reading: inside the scale, or `out-of-range`. */
export function scoreInRange(scale: ScoreScale, score: number, raw = String(score)): ScoreReading {
  return Number.isFinite(score) && score >= scale.min && score <= scale.max
    ? { score }
    : { problem: 'out-of-range', raw };
}

/** The conclusion of `feedback` for `task`, as an attempt stores it. */
export function readCritique(
  task: Task,
  feedback: string,
): Pick<Attempt, 'verdict' | 'score' | 'scoreProblem'> {
  if (!task.score) return { verdict: task.parseVerdict(feedback) ?? null };
  const reading = task.score.parseScore(feedback);
  if (reading.problem !== undefined)
    return { verdict: null, score: null, scoreProblem: reading.problem };
  return { verdict: scoreVerdict(task.score.scale, reading) ?? null, score: reading.score };
}

/** The reference grade in [0, 1] on the task's scale: `min + grade * (max - min)`. */
export function gradeOnScale(scale: ScoreScale, grade: number): number {
  return scale.min + grade * (scale.max - scale.min);
}
