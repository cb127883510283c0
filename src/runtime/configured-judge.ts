// Opens the judge of a judged evaluation from a config's `models` section, through the one model
// factory and its response cache (a second identical evaluation pays for no judgement); a
// `checker` entry judges programmatically, by its task's check against the reference answers.
import type { CheckerModelSpec } from '../config/model-schemas.js';
import type { RunConfig } from '../config/run-config.js';
import { modelJudge, programmaticJudge, taskGrade } from '../evaluate/judge.js';
import type { JudgeTemplates } from '../evaluate/judge-templates.js';
import type { Judge } from '../spec/judge.js';
import { createTask, type TaskEntry } from '../tasks/task-registry.js';
import { openConfiguredModels, requireModelEntry } from './configured-models.js';
import { checkModel } from './model-factory.js';

export interface ConfiguredJudgeOptions {
  readonly config: RunConfig;
  /** The config file, for error messages. */
  readonly source: string;
  /** The judge's name in the config. */
  readonly name: string;
  /** The evaluation's task: what a `checker` judge without a `task` grades with. */
  readonly task: TaskEntry;
  /** Where judge calls are cached (default: none). */
  readonly cacheFile?: string;
  readonly templates?: Partial<JudgeTemplates>;
  /** Longest judge answer, in tokens. */
  readonly maxTokens?: number;
}

/**
 * Checks that the model `name` of the config exists and can be reached (one cheap call), so a
 * judged evaluation fails before it generates anything. `flag` and `role` name it in errors.
 */
export async function checkConfiguredModel(
  config: RunConfig,
  name: string,
  flag: string,
  role: string,
): Promise<void> {
  const spec = requireModelEntry(config, name, flag);
  if (spec.kind === 'checker') {
    const { task } = spec as CheckerModelSpec;
    if (task !== undefined) createTask(task);
    return;
  }
  await checkModel(spec, { stage: role });
}

/** The judge `name`: a model reading the judge templates, or a programmatic checker. */
export async function openConfiguredJudge(options: ConfiguredJudgeOptions): Promise<Judge> {
  const spec = requireModelEntry(options.config, options.name, '--judge');
  if (spec.kind === 'checker') {
    const named = (spec as CheckerModelSpec).task;
    const task = named === undefined ? options.task.task : createTask(named).task;
    return programmaticJudge(taskGrade(task), { id: task.name });
  }
  const opened = await openConfiguredModels(
    options.config,
    { judge: options.name },
    {
      cacheFile: options.cacheFile,
      flags: { judge: '--judge' },
      source: options.source,
      task: options.task,
    },
  );
  try {
    const judge = modelJudge(opened.models.judge, {
      templates: options.templates,
      maxTokens: options.maxTokens,
    });
    return { id: judge.id, judge: judge.judge, close: () => opened.close() };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
