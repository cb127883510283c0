// Running SELF from a run config, shared by the CLI, the server and the library: the runs folder
// and its store, checking a run before anything is written, starting, executing and resuming it,
// its report, and opening one of its models. Progress is a callback; nothing here prints.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  mergeConfig,
  parseRunConfig,
  type RunConfig,
  type RunConfigInput,
  resolveConfigPaths,
} from '../config/run-config.js';
import { removeStaleTemps, writeFileAtomic } from '../files/atomic-write.js';
import { htmlReport } from '../report/html-report.js';
import { pipelineData } from '../self/data.js';
import { type ProgressEvent, runPipeline } from '../self/pipeline.js';
import { roundTask } from '../self/round-task.js';
import { type RunSummary, summarize } from '../self/summary.js';
import { CancelledError, InvalidInputError } from '../spec/errors.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { RunRecord, RunStore } from '../spec/run-store.js';
import type { Task } from '../spec/task.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { resolveTask } from '../tasks/task-spec.js';
import { startRunTracer } from '../telemetry/run-tracer.js';
import { checkModel, studentRef } from './model-factory.js';
import { loadRunInputs, pinRunInputs } from './run-inputs.js';
import { lockHolder, lockRun, RunInUseError } from './run-lock.js';
import {
  checkTrainerChoice,
  openRunModels,
  openRunWiring,
  proposerSpec,
  requireStudent,
  teacherSpec,
} from './run-wiring.js';
import { checkTrainer } from './trainer-factory.js';

/**
 * The store of a runs folder: `<runsDir>/runs.db`. `{ create: false }`: a runs folder without a
 * store is an error, not a new empty store; `{ readonly: true }` (commands that only read: `runs`,
 * `ask`, `eval`, `export`) also never writes it, so a read-only runs folder serves them.
 */
export function openRunStore(
  runsDir: string,
  options: { create?: boolean; readonly?: boolean } = {},
): SqliteRunStore {
  const dir = resolve(runsDir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new InvalidInputError(
      `${dir} is a file, not a folder`,
      { field: '--runs-dir' },
      {
        hint: 'give the folder that holds runs.db (default ./runs)',
      },
    );
  }
  const file = join(dir, 'runs.db');
  if ((options.create === false || options.readonly) && !existsSync(file)) {
    throw new InvalidInputError(
      `no run store in ${dir} (no runs.db)`,
      { field: '--runs-dir' },
      {
        hint: 'start a run with `self-evolve demo` or `self-evolve run`, or give the --runs-dir that holds one',
      },
    );
  }
  return new SqliteRunStore(file, { readonly: options.readonly ?? false });
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Checks a run name (it becomes a folder name). */
export function checkRunName(name: string): string {
  if (!NAME.test(name)) {
    throw new InvalidInputError(
      `run name "${name}" is not allowed`,
      { field: '--name' },
      { hint: 'use letters, digits, ".", "_" and "-" (at most 64)' },
    );
  }
  return name;
}

/** The run called `name`, or a clear error listing what exists. */
export function requireRun(store: RunStore, name: string): RunRecord {
  const run = store.getRun(name);
  if (!run) {
    const known = store.listRuns().map((r) => r.name);
    throw new InvalidInputError(
      `no run named "${name}"`,
      {},
      {
        hint: known.length
          ? `runs: ${known.slice(0, 10).join(', ')}`
          : 'start one with `self-evolve demo` or `self-evolve run`',
      },
    );
  }
  return run;
}

/** A stored config of an earlier version, in today's form (`model` became `models.student`). */
export function upgradeStoredConfig(stored: Record<string, unknown>): Record<string, unknown> {
  const { model, ...rest } = stored as {
    model?: { kind?: string; id?: string; meta?: unknown };
    models?: Record<string, unknown>;
    trainer?: { baseURL?: string; apiKeyEnv?: string };
  };
  if (model === undefined) return stored;
  const models = { ...rest.models };
  if (!models.student) {
    const trainer = rest.trainer;
    models.student =
      model.kind === 'gguf'
        ? { kind: 'llama-cpp', path: model.id }
        : model.kind === 'openai'
          ? {
              kind: 'openai-compatible',
              baseURL: trainer?.baseURL,
              model: model.id,
              ...(trainer?.apiKeyEnv ? { apiKeyEnv: trainer.apiKeyEnv } : {}),
            }
          : model.id === 'new' || model.id === undefined
            ? { kind: 'embedded', new: model.meta ?? {} }
            : { kind: 'embedded', checkpoint: model.id };
  }
  return { ...rest, models };
}

/** The config a run was started with, validated again. */
export function runConfig(run: RunRecord): RunConfig {
  return parseRunConfig(upgradeStoredConfig({ ...run.config }), {
    file: `run ${run.name} (stored config)`,
  });
}

/** A run config from an object (a library user's), with paths relative to `baseDir`. */
export function runConfigFrom(
  input: RunConfigInput,
  options: { preset?: RunConfigInput; baseDir?: string } = {},
): RunConfig {
  const config = parseRunConfig(mergeConfig(options.preset ?? {}, input), { file: 'config' });
  return resolveConfigPaths(config, resolve(options.baseDir ?? '.'));
}

/**
 * Checks a run before anything is written: the task, the models, the trainer and the data (read,
 * mapped and checked against the task), then one cheap call to each endpoint. Returns the config
 * as the run stores it (data files pinned by their SHA-256).
 */
export async function prepareRun(
  config: RunConfig,
  options: { env?: NodeJS.ProcessEnv; reachable?: boolean } = {},
): Promise<RunConfig> {
  const entry = await resolveTask(config.task);
  const student = requireStudent(config);
  studentRef(student);
  const teacher = teacherSpec(config, entry);
  proposerSpec(config);
  checkTrainerChoice(config);
  const pinned = pinRunInputs(config);
  pipelineData(pinned, entry.task, loadRunInputs(pinned));
  roundTask(entry.task, config.evolve.scoreThreshold);
  if (options.reachable !== false) {
    await checkModel(student, { stage: 'student', env: options.env });
    await checkModel(teacher, { stage: 'teacher', env: options.env, teacher: entry.teacher });
    if (config.trainer) await checkTrainer(config.trainer, options.env);
  }
  return pinned;
}

/**
 * Creates the run `name` with its folder `<runsDir>/<name>`. An existing run (and that folder, the
 * only one ever deleted) is replaced only with `force`.
 */
export function startRun(
  store: RunStore,
  runsDir: string,
  name: string,
  config: RunConfig,
  force: boolean,
): RunRecord {
  checkRunName(name);
  const dir = join(resolve(runsDir), name);
  const existing = store.getRun(name);
  if (existing && !force) {
    throw new InvalidInputError(
      `run "${name}" already exists (${existing.status})`,
      {},
      {
        hint: `resume it with \`self-evolve resume ${name}\`, pick another --name, or pass --force to replace it`,
      },
    );
  }
  if (!existing && !force && existsSync(dir)) {
    throw new InvalidInputError(
      `folder ${dir} exists but is not a run in this store`,
      {},
      { hint: 'pick another --name, or pass --force to replace the folder' },
    );
  }
  const holder = lockHolder(dir);
  if (holder) throw new RunInUseError(name, holder.pid, holder.since);
  if (force) rmSync(dir, { recursive: true, force: true });
  const run = store.createRun({ name, config, seed: config.seed, dir }, { force });
  mkdirSync(dir, { recursive: true });
  return run;
}

export interface ExecuteOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs or resumes `run` to its end, writes report.html into its folder, returns the summary. */
export async function executeRun(
  store: RunStore,
  run: RunRecord,
  options: ExecuteOptions = {},
): Promise<RunSummary> {
  const config = runConfig(run);
  mkdirSync(run.dir, { recursive: true });
  const unlock = lockRun(run.name, run.dir);
  // What a killed session was writing when it died (checkpoints, trainer files, the report).
  for (const dir of ['', 'models', 'trainer', 'export']) removeStaleTemps(join(run.dir, dir));
  const tracer = config.telemetry
    ? startRunTracer(config.telemetry, { name: run.name, seed: config.seed }, options.env)
    : undefined;
  let wiring: Awaited<ReturnType<typeof openRunWiring>>;
  try {
    wiring = await openRunWiring(config, run.dir, { env: options.env, tracer });
  } catch (error) {
    unlock();
    await tracer?.shutdown();
    throw error;
  }
  store.setStatus(run.name, 'running');
  try {
    const summary = await runPipeline({
      run: run.name,
      settings: config,
      ports: { ...wiring.ports, store },
      inputs: loadRunInputs(config),
      signal: options.signal,
      onProgress: options.onProgress,
      stageScope: tracer ? (name, body) => tracer.stage(name, body) : undefined,
    });
    writeReport(store, run, config);
    const usage = wiring.ledger.byStage();
    return Object.keys(usage).length ? { ...summary, usage } : summary;
  } catch (error) {
    store.setStatus(run.name, 'failed');
    if (options.signal?.aborted) {
      throw new CancelledError(`stopped; resume with \`self-evolve resume ${run.name}\``);
    }
    throw error;
  } finally {
    await wiring.close();
    await tracer?.shutdown();
    unlock();
  }
}

/** Writes `<run dir>/report.html` from what the store holds. */
export function writeReport(store: RunStore, run: RunRecord, config: RunConfig): string {
  const summary = summarize(run.name, config, store);
  const last = summary.stages[summary.stages.length - 1]?.name ?? 'meta';
  const samples = store.samples(run.name, last);
  const examples = [
    ...samples.filter((s) => s.kept && s.attempts.length > 1).slice(0, 3),
    ...samples.filter((s) => !s.kept).slice(0, 2),
  ];
  const path = join(run.dir, 'report.html');
  const report = htmlReport({
    summary,
    config,
    examples,
    models: store.models(run.name),
    stages: store.stages(run.name),
  });
  writeFileAtomic(path, report, { force: true });
  return path;
}

export interface RunSelfOptions extends ExecuteOptions {
  /** The runs folder (default `runs`). */
  readonly runsDir?: string;
  /** The run's name (default `run`). */
  readonly name?: string;
  /** Replace an existing run of that name. */
  readonly force?: boolean;
}

/**
 * Runs SELF from a config: checks everything first (nothing is stored when that fails), then
 * creates the run and runs it to the end. A killed run continues with `resumeSelf`.
 */
export async function runSelf(
  config: RunConfig,
  options: RunSelfOptions = {},
): Promise<{ summary: RunSummary; run: RunRecord }> {
  const runsDir = options.runsDir ?? 'runs';
  const name = checkRunName(options.name ?? 'run');
  const prepared = await prepareRun(config, { env: options.env });
  const store = openRunStore(runsDir);
  try {
    const run = startRun(store, runsDir, name, prepared, Boolean(options.force));
    return { summary: await executeRun(store, run, options), run };
  } finally {
    store.close();
  }
}

/**
 * Raises (or sets) a stopped run's budget, the one setting a resume may change: a run stopped by
 * its budget continues with a larger one. Returns the run as stored now.
 */
export function setRunBudget(
  store: RunStore,
  name: string,
  budget: { maxTokens?: number; maxCostUsd?: number },
): RunRecord {
  const run = requireRun(store, name);
  const config = runConfig(run);
  const merged = parseRunConfig(mergeConfig(config, { budget }), {
    file: '--max-cost-usd/--max-tokens',
  });
  store.setConfig(name, merged);
  return requireRun(store, name);
}

/** Finishes a stopped or killed run; a finished run's summary is returned as it is. */
export async function resumeSelf(
  name: string,
  options: ExecuteOptions & {
    runsDir?: string;
    budget?: { maxTokens?: number; maxCostUsd?: number };
  } = {},
): Promise<{ summary: RunSummary; run: RunRecord; resumed: boolean }> {
  const store = openRunStore(options.runsDir ?? 'runs');
  try {
    if (options.budget) setRunBudget(store, name, options.budget);
    const run = requireRun(store, name);
    if (run.status === 'finished')
      return { summary: summarize(name, runConfig(run), store), run, resumed: false };
    return { summary: await executeRun(store, run, options), run, resumed: true };
  } finally {
    store.close();
  }
}

/** A model of a run (by stage name; default the last one trained) with the run's task. */
export async function loadRunModel(
  store: RunStore,
  runName: string,
  stage?: string,
): Promise<{
  model: LanguageModel;
  task: Task;
  stage: string;
  config: RunConfig;
  close: () => Promise<void>;
}> {
  const run = requireRun(store, runName);
  const config = runConfig(run);
  const models = store.models(runName);
  const record = stage === undefined ? models[models.length - 1] : store.getModel(runName, stage);
  if (!record) {
    throw new InvalidInputError(
      stage === undefined
        ? `run "${runName}" has no trained model yet`
        : `run "${runName}" has no model "${stage}"`,
      { field: '--stage' },
      { hint: `models: ${models.map((m) => m.name).join(', ') || 'none'}` },
    );
  }
  // Reading a run's model writes nothing: no response cache (answers are not stored).
  const wiring = await openRunModels(config, run.dir, { cache: false });
  try {
    const model = await wiring.loader.load(record.ref);
    return {
      model,
      task: wiring.entry.task,
      stage: record.name,
      config,
      close: async () => {
        await model.close?.();
        await wiring.close();
      },
    };
  } catch (error) {
    await wiring.close();
    throw error;
  }
}
