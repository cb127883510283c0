// Ground truth for a run's samples, for reporting only: the store keeps no labels, so they are
// regenerated from the run's stored config exactly as the pipeline made them (its data module
// and the task registry), the same labels its metrics were computed against.
import { parseConfig, type SelfConfig } from '../self/config.js';
import { pipelineData, roundPrompts } from '../self/data.js';
import type { RunRecord } from '../spec/run-store.js';
import type { Task } from '../spec/task.js';
import { createTask } from '../tasks/task-registry.js';

/** A run's task and reference answers by problem id, or why there are none. */
export type RunLabels =
  | { readonly ok: true; readonly task: Task; readonly labels: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly reason: string };

/** The run's config, validated; undefined when the stored config no longer parses. */
export function storedConfig(run: RunRecord): SelfConfig | undefined {
  try {
    return parseConfig(run.config, { file: `run ${run.name} (stored config)` });
  } catch {
    return undefined;
  }
}

/**
 * Labels of every set the run draws from: D_QA, the test set and each round's prompts. Fails
 * softly (a task without a generator and a moved data file give `ok: false` with the reason).
 */
export function runLabels(run: RunRecord): RunLabels {
  try {
    const config = parseConfig(run.config, { file: `run ${run.name} (stored config)` });
    const { task } = createTask(config.task.name, config.task.params);
    const data = pipelineData(config, task);
    for (let t = 1; t <= config.evolve.rounds; t++) roundPrompts(data, config, task, t);
    return { ok: true, task, labels: data.labels };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
