// What `eval --model <config model> --task gsm8k|svamp` scores: a model from a config's `models`
// section (instead of a run's model) and, for the standard benchmarks, their test files. The eval
// command calls these; everything else (refine loop, metrics, printing) is the command's own.
import { benchmarkProblems, isBenchmark } from '../benchmarks/benchmark-problems.js';
import { stopStrings } from '../benchmarks/benchmark-task.js';
import { InvalidInputError } from '../spec/errors.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { Problem, Task } from '../spec/task.js';
import { createTask } from '../tasks/task-registry.js';
import { openConfiguredModels } from './configured-models.js';
import { intOption } from './options.js';

/** The options of `eval` that this module reads. */
export interface ConfiguredEvalOptions {
  model?: string;
  config?: string;
  task?: string;
  data?: string;
  limit?: string;
  format?: string;
  shots?: string;
  maxTokens?: string;
}

/** A model to evaluate with what the refine loop needs to run it. */
export interface EvalTarget {
  readonly model: LanguageModel;
  readonly task: Task;
  readonly stage: string;
  readonly chunk: number;
  readonly maxTokens: { response: number; feedback: number; refinement: number };
  close(): Promise<void>;
}

/** Opens `--model` from `--config`; paid calls are cached in `<config>.cache.sqlite`. */
export async function configuredEvalTarget(opts: ConfiguredEvalOptions): Promise<EvalTarget> {
  if (!opts.config) {
    throw new InvalidInputError('is required with --model: the config naming the model', {
      field: '--config',
    });
  }
  if (!opts.task) {
    throw new InvalidInputError('is required with --model (e.g. gsm8k, svamp)', {
      field: '--task',
    });
  }
  const { task } = createTask(opts.task);
  const opened = await openConfiguredModels(
    opts.config,
    { model: opts.model ?? '' },
    { cacheFile: `${opts.config}.cache.sqlite`, flags: { model: '--model' } },
  );
  const limit = intOption(opts.maxTokens ?? '512', '--max-tokens');
  return {
    model: withStops(opened.models.model, isBenchmark(task.name) ? stopStrings(format(opts)) : []),
    task,
    stage: opts.model ?? '',
    chunk: 32,
    maxTokens: { response: limit, feedback: limit, refinement: limit },
    close: () => opened.close(),
  };
}

function format(opts: ConfiguredEvalOptions): 'instruct' | 'lm-eval' {
  return opts.format === 'lm-eval' ? 'lm-eval' : 'instruct';
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

/** The test problems of a standard benchmark when `--task` names one and no --data is given. */
export function benchmarkEvalProblems(
  opts: ConfiguredEvalOptions,
  task: Task,
): Problem[] | undefined {
  if (!isBenchmark(task.name)) return undefined;
  return benchmarkProblems(task.name, {
    data: opts.data,
    limit: opts.limit === undefined ? undefined : intOption(opts.limit, '--limit'),
    format: opts.format,
    shots: opts.shots === undefined ? undefined : intOption(opts.shots, '--shots'),
  });
}
