// What the SELF commands share: the runs folder and store, wiring the ports for a run, progress
// bars from pipeline events, and printing results (table or one JSON object) plus report.html.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../export/atomic-write.js';
import { htmlReport } from '../report/html-report.js';
import { formatTable } from '../report/table.js';
import { parseConfig, type SelfConfig } from '../self/config.js';
import { type ProgressEvent, runPipeline } from '../self/pipeline.js';
import { type RunSummary, summarize } from '../self/summary.js';
import { CancelledError, InvalidInputError } from '../spec/errors.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { RunRecord, RunStore } from '../spec/run-store.js';
import type { Task } from '../spec/task.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { createTask } from '../tasks/task-registry.js';
import { ProgressBar } from './progress.js';
import { runBackend } from './run-backend.js';

/** Adds `--runs-dir`. */
export function withRunsDir(cmd: Command): Command {
  return cmd.option(
    '--runs-dir <dir>',
    'folder of the run store and run folders (env SELF_EVOLVE_RUNS_DIR)',
    process.env.SELF_EVOLVE_RUNS_DIR ?? 'runs',
  );
}

/** The store in `<runsDir>/runs.db`. */
export function openStore(runsDir: string): SqliteRunStore {
  return new SqliteRunStore(join(resolve(runsDir), 'runs.db'));
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Checks a run name (it becomes a folder name). */
export function checkRunName(name: string): string {
  if (!NAME.test(name)) {
    throw new InvalidInputError(
      `run name "${name}" is not allowed`,
      { field: '--name' },
      {
        hint: 'use letters, digits, ".", "_" and "-" (at most 64)',
      },
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

/** Turns pipeline progress events into one progress bar per step on stderr. */
export function progressReporter(enabled: boolean): (event: ProgressEvent) => void {
  const bars = new Map<string, ProgressBar>();
  return (event) => {
    let bar = bars.get(event.step);
    if (!bar) {
      bar = new ProgressBar({ label: event.step, total: event.total, enabled });
      bars.set(event.step, bar);
    }
    if (event.done >= event.total) {
      bar.finish(event.extra);
      bars.delete(event.step);
    } else bar.update(event.done, event.extra);
  };
}

/** The config a run was started with, validated again. */
export function runConfig(run: RunRecord): SelfConfig {
  return parseConfig(run.config, { file: `run ${run.name} (stored config)` });
}

/**
 * Runs or resumes `run` to the end: wires task, teacher, trainer and loader, runs the pipeline,
 * writes report.html into the run folder and returns the summary. Ctrl-C stops cleanly.
 */
export async function executeRun(
  store: RunStore,
  run: RunRecord,
  json: boolean,
): Promise<RunSummary> {
  const config = runConfig(run);
  const { task, teacher } = createTask(config.task.name, config.task.params);
  if (!teacher) {
    throw new InvalidInputError(`task "${config.task.name}" has no programmatic teacher`, {
      field: 'task.name',
    });
  }
  const backend = await runBackend(config, run.dir);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const summary = await runPipeline(
      run.name,
      config,
      { store, trainer: backend.trainer, loader: backend.loader, task, teacher },
      { signal: controller.signal, onProgress: progressReporter(!json) },
    );
    writeReport(store, run, config);
    return summary;
  } catch (error) {
    if (controller.signal.aborted) {
      throw new CancelledError(`stopped; resume with \`self-evolve resume ${run.name}\``);
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    await backend.close?.();
  }
}

/** Writes `<run dir>/report.html` from what the store holds. */
export function writeReport(store: RunStore, run: RunRecord, config: SelfConfig): string {
  const summary = summarize(run.name, config, store);
  const last = summary.stages[summary.stages.length - 1]?.name ?? 'meta';
  const samples = store.samples(run.name, last);
  const examples = [
    ...samples.filter((s) => s.kept && s.attempts.length > 1).slice(0, 3),
    ...samples.filter((s) => !s.kept).slice(0, 2),
  ];
  const path = join(run.dir, 'report.html');
  writeFileAtomic(path, htmlReport({ summary, config, examples }), { force: true });
  return path;
}

/** Prints a finished run: the table and the report path, or one JSON object. */
export function printSummary(summary: RunSummary, run: RunRecord, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  process.stdout.write(`\n${formatTable(summary)}\n\nreport: ${join(run.dir, 'report.html')}\n`);
}

/**
 * Creates the run `name` in the store with its folder `<runsDir>/<name>`. An existing run is
 * replaced (with its folder) only with `force`.
 */
export function startRun(
  store: RunStore,
  runsDir: string,
  name: string,
  config: SelfConfig,
  force: boolean,
): RunRecord {
  checkRunName(name);
  const dir = join(resolve(runsDir), name);
  const existing = store.getRun(name);
  if (existing && force) rmSync(existing.dir, { recursive: true, force: true });
  else if (!existing && force) rmSync(dir, { recursive: true, force: true });
  else if (!existing && existsSync(dir)) {
    throw new InvalidInputError(
      `folder ${dir} exists but is not a run in this store`,
      {},
      {
        hint: 'pick another --name, or pass --force to replace the folder',
      },
    );
  }
  const run = store.createRun({ name, config, seed: config.seed, dir }, { force });
  mkdirSync(dir, { recursive: true });
  return run;
}

/** Runs a new or resumed run and prints its results. */
export async function runAndPrint(store: RunStore, run: RunRecord, json: boolean): Promise<void> {
  if (!json) process.stderr.write(`run ${run.name} · folder ${run.dir}\n`);
  const summary = await executeRun(store, run, json);
  printSummary(summary, run, json);
}

/** A model of a run (by stage name; default the last one trained) with the run's task. */
export async function loadRunModel(
  store: RunStore,
  runName: string,
  stage?: string,
): Promise<{ model: LanguageModel; task: Task; stage: string; close: () => Promise<void> }> {
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
  const backend = await runBackend(config, run.dir);
  const model = await backend.loader.load(record.ref);
  const { task } = createTask(config.task.name, config.task.params);
  return {
    model,
    task,
    stage: record.name,
    close: async () => {
      await model.close?.();
      await backend.close?.();
    },
  };
}
