// What `eval --model <config model>` scores: a model from a config's `models` section (instead of
// a run's model) and, for the standard benchmarks, the test files the package ships.
import { benchmarkProblems, isBenchmark } from '../benchmarks/benchmark-problems.js';
import { stopStrings } from '../benchmarks/benchmark-task.js';
import type { RunConfig } from '../config/run-config.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { Problem, Task } from '../spec/task.js';
import type { TaskEntry } from '../tasks/task-registry.js';
import { openConfiguredModels } from './configured-models.js';

/** A model to evaluate with what the refine loop needs to run it. */
export interface EvalTarget {
  readonly model: LanguageModel;
  readonly task: Task;
  readonly stage: string;
  readonly chunk: number;
  readonly maxTokens: { response: number; feedback: number; refinement: number };
  close(): Promise<void>;
}

/** Options of a configured-model evaluation. */
export interface ConfiguredEvalOptions {
  readonly config: RunConfig;
  readonly source: string;
  /** The model's name in the config. */
  readonly model: string;
  readonly task: TaskEntry;
  /** Longest answer, feedback or refinement. */
  readonly maxTokens: number;
  /** gsm8k/svamp prompt format (`instruct` or `lm-eval`). */
  readonly format?: string;
  /** Where paid calls are cached (default: none). */
  readonly cacheFile?: string;
}

/** Opens `model` from the config for evaluation. */
export async function configuredEvalTarget(options: ConfiguredEvalOptions): Promise<EvalTarget> {
  const opened = await openConfiguredModels(
    options.config,
    { model: options.model },
    {
      cacheFile: options.cacheFile,
      flags: { model: '--model' },
      source: options.source,
      task: options.task,
    },
  );
  const task = options.task.task;
  const limit = options.maxTokens;
  return {
    model: withStops(
      opened.models.model,
      isBenchmark(task.name) ? stopStrings(format(options.format)) : [],
    ),
    task,
    stage: options.model,
    chunk: 32,
    maxTokens: { response: limit, feedback: limit, refinement: limit },
    close: () => opened.close(),
  };
}

function format(value: string | undefined): 'instruct' | 'lm-eval' {
  return value === 'lm-eval' ? 'lm-eval' : 'instruct';
}

/** Adds stop strings to every answer request (the lm-eval format stops at the next `Question:`). */
function withStops(model: LanguageModel, stop: string[]): LanguageModel {
  if (!stop.length) return model;
  return {
    id: model.id,
    complete: (requests, options) =>
      model.complete(
        requests.map((r) =>
          r.next === 'response' ? { ...r, stop: [...(r.stop ?? []), ...stop] } : r,
        ),
        options,
      ),
    close: () => model.close?.() ?? Promise.resolve(),
  };
}

/** The test problems of a standard benchmark when the task is one and no --data is given. */
export function benchmarkEvalProblems(
  task: Task,
  options: { data?: string; limit?: number; format?: string; shots?: number },
): Problem[] | undefined {
  if (!isBenchmark(task.name)) return undefined;
  return benchmarkProblems(task.name, options);
}
