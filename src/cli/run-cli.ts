// What the SELF commands share on the command line: `--runs-dir`, the config from `--config`,
// `--preset` and `--seed`, progress bars from pipeline events, Ctrl-C, and printing the results
// (a table or one JSON object). The work itself is the runtime's (src/runtime/run-session.ts).
import { join } from 'node:path';
import type { Command } from 'commander';
import { readJsonFile } from '../config/json-locate.js';
import { PRESETS, type PresetName } from '../config/presets.js';
import {
  loadRunConfigFile,
  mergeConfig,
  parseRunConfig,
  type RunConfig,
} from '../config/run-config.js';
import { formatTable } from '../report/table.js';
import { executeRun } from '../runtime/run-session.js';
import type { ProgressEvent } from '../self/pipeline.js';
import type { RunSummary } from '../self/summary.js';
import { InvalidInputError } from '../spec/errors.js';
import type { RunRecord, RunStore } from '../spec/run-store.js';
import { intOption } from './options.js';
import { ProgressBar } from './progress.js';

/** Adds `--runs-dir`. */
export function withRunsDir(cmd: Command): Command {
  return cmd.option(
    '--runs-dir <dir>',
    'folder of the run store and run folders (env SELF_EVOLVE_RUNS_DIR)',
    process.env.SELF_EVOLVE_RUNS_DIR ?? 'runs',
  );
}

export type { PresetName };

/**
 * The preset under a config: the one named, else `demo` for the built-in road (no config, or a
 * config whose student is the embedded engine's) and `none` for a model of your own, whose
 * hyperparameters the demo's would not fit.
 */
export function presetFor(config: string | undefined, named?: string): PresetName {
  if (named !== undefined) {
    if (!Object.hasOwn(PRESETS, named)) {
      throw new InvalidInputError(
        `unknown preset "${named}"`,
        { field: '--preset' },
        {
          hint: `presets: ${Object.keys(PRESETS).join(', ')}`,
        },
      );
    }
    return named as PresetName;
  }
  if (!config) return 'demo';
  const json = readJsonFile(config).json as { models?: { student?: { kind?: unknown } } } | null;
  const kind = json?.models?.student?.kind;
  return kind === undefined || kind === 'embedded' ? 'demo' : 'none';
}

/**
 * The run config of a command: `--config` merged over the preset, or the preset alone, with
 * `--seed` on top. Relative paths in the file are relative to the file's folder.
 */
export function commandConfig(opts: {
  config?: string;
  preset?: PresetName;
  seed?: string;
}): RunConfig {
  const preset = PRESETS[presetFor(opts.config, opts.preset)];
  let config = opts.config ? loadRunConfigFile(opts.config, preset) : parseRunConfig(preset);
  if (opts.seed !== undefined) {
    config = parseRunConfig(mergeConfig(config, { seed: intOption(opts.seed, '--seed') }), {
      file: '--seed',
    });
  }
  return config;
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

/** Prints a finished run: the table and the report path, or one JSON object. */
export function printSummary(summary: RunSummary, run: RunRecord, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  process.stdout.write(`\n${formatTable(summary)}\n\nreport: ${join(run.dir, 'report.html')}\n`);
}

/** Runs a new or resumed run with progress bars; Ctrl-C stops it cleanly; prints its results. */
export async function runAndPrint(store: RunStore, run: RunRecord, json: boolean): Promise<void> {
  if (!json) process.stderr.write(`run ${run.name} · folder ${run.dir}\n`);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const summary = await executeRun(store, run, {
      signal: controller.signal,
      onProgress: progressReporter(!json),
    });
    printSummary(summary, run, json);
  } finally {
    process.off('SIGINT', onSignal);
  }
}
