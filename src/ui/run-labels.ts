// Ground truth for a run's samples, for reporting only: the store keeps no labels, so they are
// regenerated from the run's stored config exactly as a run makes them (its data files read at
// the edge, `pipelineData` and `roundPrompts`, the task resolved from the config), the same
// labels its stage metrics were computed against.
import type { RunConfig } from '../config/run-config.js';
import { loadRunInputs } from '../runtime/run-inputs.js';
import { runConfig } from '../runtime/run-session.js';
import { pipelineData, roundPrompts } from '../self/data.js';
import type { RunRecord } from '../spec/run-store.js';
import type { Task } from '../spec/task.js';
import { resolveTask } from '../tasks/task-spec.js';

/** A run's task and reference answers by problem id, or why there are none. */
export type RunLabels =
  | { readonly ok: true; readonly task: Task; readonly labels: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly reason: string };

/** The run's config, validated; undefined when the stored config no longer parses. */
export function storedConfig(run: RunRecord): RunConfig | undefined {
  try {
    return runConfig(run);
  } catch {
    return undefined;
  }
}

/**
 * Labels of every set the run draws from: D_QA, the test set and each round's prompts. Fails
 * softly (a task without a generator and a moved data file give `ok: false` with the reason).
 */
export async function runLabels(run: RunRecord): Promise<RunLabels> {
  try {
    const config = runConfig(run);
    const { task } = await resolveTask(config.task);
    const data = pipelineData(config, task, loadRunInputs(config));
    for (let t = 1; t <= config.evolve.rounds; t++) roundPrompts(data, config, task, t);
    return { ok: true, task, labels: data.labels };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
