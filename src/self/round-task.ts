// The task as a self-evolution round reads critiques: the run's task, or, with
// `evolve.scoreThreshold`, a scored task whose verdict (and so the self-filter and the refinement
// stop) takes another keep threshold on the same scale. Evaluations keep the task's own threshold.
import { InvalidInputError } from '../spec/errors.js';
import type { Task, TaskScore } from '../spec/task.js';
import { scoreVerdict } from './critique-reading.js';

/** `task` with its score scale's keep threshold set to `threshold` (none: `task` itself). */
export function roundTask(task: Task, threshold: number | undefined): Task {
  if (threshold === undefined) return task;
  const score = task.score;
  if (!score)
    throw new InvalidInputError(
      `evolve.scoreThreshold needs a scored task; task ${task.name} reads correct/wrong verdicts`,
      { field: 'evolve.scoreThreshold' },
      { hint: 'leave it out, or use a task whose critiques end with a score line' },
    );
  const { min, max } = score.scale;
  if (threshold < min || threshold > max)
    throw new InvalidInputError(
      `evolve.scoreThreshold ${threshold} is off task ${task.name}'s scale ${min}..${max}`,
      { field: 'evolve.scoreThreshold' },
      {
        hint: `a score from ${min} to ${max}; the task's own threshold is ${score.scale.threshold}`,
      },
    );
  const scale = { ...score.scale, threshold };
  const scored: TaskScore = { ...score, scale };
  const view = Object.create(task) as Task;
  return Object.assign(view, {
    score: scored,
    parseVerdict: (feedback: string) => scoreVerdict(scale, score.parseScore(feedback)),
  });
}
