// The run config: one file for any SELF run — the task, the student and teacher models, the data
// files, the trainer and the budget around the algorithm's settings (src/self/config.ts). Every
// field is validated, every mistake is `file:line field "path": what`, and no section is ignored.
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { datasetNames } from '../data/datasets.js';
import { type ProblemFileSpec, problemFileSchema } from '../data/problems.js';
import { modelSpecSchema, resolveModelPaths } from '../runtime/model-factory.js';
import { resolveTrainerPaths, trainerSpecSchema } from '../runtime/trainer-factory.js';
import { dataSizesShape, type SelfSettings, selfSettingsShape } from '../self/config.js';
import { InvalidInputError } from '../spec/errors.js';
import { type TaskSpec, taskSpecSchema } from '../tasks/task-spec.js';
import { telemetryConfigSchema } from '../telemetry/telemetry-config.js';
import { readJsonFile } from './json-locate.js';
import { budgetSchema, type ModelSpec } from './model-schemas.js';
import { llamaCppConfigSchema } from './trainer-config.js';
import { parseWithSchema } from './validate.js';

const modelName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use letters, digits, ".", "_" and "-"');

const moved = (to: string) =>
  z.never({ message: `this field moved: ${to} (docs/self.md, "Config reference")` }).optional();

export const runConfigSchema = z
  .object({
    ...selfSettingsShape,
    task: taskSpecSchema.default({ name: 'equations', params: {} }),
    /**
     * Named models: `student` (the model that evolves; required by `run`) and `teacher` (writes
     * D_meta's feedback and refinements; default: the task's own checker), and any others that
     * `eval --model` and `meta build` can name.
     */
    models: z.record(modelName, modelSpecSchema()).default({}),
    data: z
      .object({
        ...dataSizesShape,
        /** Labelled problems (with worked solutions when there are) for D_QA and D_meta. */
        trainFile: problemFileSchema.optional(),
        /** Unlabeled prompts for the rounds (any answers are used only to report quality). */
        promptsFile: problemFileSchema.optional(),
        /** The held-out set, labelled. */
        testFile: problemFileSchema.optional(),
      })
      .strict()
      .prefault({}),
    /** Who fine-tunes (default: the engine, for an embedded student). */
    trainer: trainerSpecSchema().optional(),
    /** How GGUF models run (the student's trained models when the trainer returns GGUF files). */
    llamaCpp: llamaCppConfigSchema.optional(),
    budget: budgetSchema.optional(),
    /** OpenTelemetry traces of the run to an OTLP/HTTP collector (off unless given). */
    telemetry: telemetryConfigSchema.optional(),
    model: moved('the starting model is models.student'),
  })
  .strict();

/** A validated run config with every default filled in. */
export type RunConfig = z.output<typeof runConfigSchema> & SelfSettings;
/** What a config file may contain: any field may be left out. */
export type RunConfigInput = z.input<typeof runConfigSchema>;

export type { ModelSpec, ProblemFileSpec, TaskSpec };

/** Validates a config object; `source` (file and text) lets errors give the line. */
export function parseRunConfig(
  input: unknown,
  source: { file?: string; text?: string } = {},
): RunConfig {
  return parseWithSchema(
    runConfigSchema,
    input,
    source,
    'see docs/self.md for the config reference',
  ) as RunConfig;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys whose value is one variant as a whole: an override of another variant replaces it. */
function variantOf(value: Record<string, unknown>): string | undefined {
  if (typeof value.kind === 'string') return `kind:${value.kind}`;
  if ('module' in value) return 'module';
  if ('answer' in value) return 'declared';
  if ('dataset' in value || 'path' in value) return 'file';
  return undefined;
}

/** Keys whose object is replaced whole: a stage's hyperparameters are one trainer's set. */
const WHOLE = new Set(['train']);

/**
 * Merges `override` into `base`, recursively for plain objects, except that an object of another
 * variant (a model of another kind, another task, another file) and a stage's hyperparameters
 * replace the base's.
 */
export function mergeConfig<T>(base: T, override: unknown): T {
  if (!isPlain(base) || !isPlain(override)) return (override === undefined ? base : override) as T;
  const a = variantOf(base);
  const b = variantOf(override);
  if (a !== b && (a !== undefined || b !== undefined)) return override as T;
  if (
    typeof base.name === 'string' &&
    typeof override.name === 'string' &&
    base.name !== override.name
  )
    return override as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = WHOLE.has(k) ? v : mergeConfig(out[k], v);
  return out as T;
}

/**
 * Makes the config stand alone: relative paths (data files, checkpoints, GGUF files, a task
 * module, the trainer's folder) become absolute against `baseDir`, so a resumed run finds them
 * from any working directory.
 */
export function resolveConfigPaths(config: RunConfig, baseDir: string): RunConfig {
  const file = (spec: ProblemFileSpec | undefined): ProblemFileSpec | undefined => {
    if (spec === undefined) return undefined;
    if (typeof spec === 'string')
      return datasetNames().includes(spec) ? spec : resolve(baseDir, spec);
    return spec.path === undefined ? spec : { ...spec, path: resolve(baseDir, spec.path) };
  };
  const task =
    'module' in config.task
      ? { ...config.task, module: resolve(baseDir, config.task.module) }
      : config.task;
  return {
    ...config,
    task,
    models: Object.fromEntries(
      Object.entries(config.models).map(([name, spec]) => [name, resolveModelPaths(spec, baseDir)]),
    ),
    data: {
      ...config.data,
      trainFile: file(config.data.trainFile),
      promptsFile: file(config.data.promptsFile),
      testFile: file(config.data.testFile),
    },
    trainer: config.trainer && resolveTrainerPaths(config.trainer, baseDir),
  };
}

/** Reads and validates a JSON run config file, merged over `defaults` (a preset). */
export function loadRunConfigFile(file: string, defaults: RunConfigInput = {}): RunConfig {
  const { json, text } = readJsonFile(file);
  if (!isPlain(json))
    throw new InvalidInputError('the config must be a JSON object', { file, line: 1 });
  // Checked alone first, so an error points into the file rather than into the merged object.
  parseRunConfig(json, { file, text });
  const config = parseRunConfig(mergeConfig(defaults, json), { file, text });
  return resolveConfigPaths(config, dirname(resolve(file)));
}
