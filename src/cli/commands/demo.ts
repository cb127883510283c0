// `self-evolve demo`: the whole SELF method on the built-in equations task with the embedded engine,
// ending with the ablation table and report.html. `--quick` is the 2-minute version; `--task
// constraints --quick` runs it on the open-ended task with scored critiques.
import { Command } from 'commander';
import { PRESETS } from '../../config/presets.js';
import { openRunStore, prepareRun, startRun } from '../../runtime/run-session.js';
import { InvalidInputError } from '../../spec/errors.js';
import type { RunStore } from '../../spec/run-store.js';
import { commandConfig, type PresetName, runAndPrint, withRunsDir } from '../run-cli.js';
import { engineDemoCommand } from './demo-engine.js';

interface DemoOptions {
  quick?: boolean;
  task: string;
  name?: string;
  seed?: string;
  force?: boolean;
  json?: boolean;
  runsDir: string;
}

/** `base`, or `base-2`, `base-3`, ... : the first name no run has, so a demo never overwrites one. */
export function freeName(store: RunStore, base: string): string {
  if (!store.getRun(base)) return base;
  for (let i = 2; ; i++) if (!store.getRun(`${base}-${i}`)) return `${base}-${i}`;
}

/** The preset a demo of `task` runs: `demo`/`quick` for equations, `<task>-quick` for another. */
export function demoPreset(task: string, quick: boolean): PresetName {
  const name =
    task === 'equations' ? (quick ? 'quick' : 'demo') : `${task}-${quick ? 'quick' : 'demo'}`;
  if (!Object.hasOwn(PRESETS, name)) {
    const tasks = Object.keys(PRESETS).flatMap((p) => /^(.+)-quick$/.exec(p)?.[1] ?? []);
    throw new InvalidInputError(
      `no ${quick ? 'quick ' : ''}demo of task "${task}"`,
      { field: '--task' },
      {
        hint: `demos: equations (with or without --quick), ${tasks.map((t) => `${t} --quick`).join(', ')}`,
      },
    );
  }
  return name as PresetName;
}

export function command(): Command {
  const cmd = new Command('demo')
    .description(
      'Run SELF end to end on a built-in task, equations by default (about 15 min on 2 cores; --quick about 2)',
    )
    .option(
      '--quick',
      'a 0.1M-parameter student on easier equations: about 2 minutes, and the effect still shows (docs/results.md)',
    )
    .option(
      '--task <name>',
      'the built-in task: equations, or constraints (open-ended, scored critiques; with --quick)',
      'equations',
    )
    .option('--name <run>', 'run name (default: demo, demo-2, ... the first free one)')
    .option('--seed <n>', 'run seed', '1')
    .option('--force', 'replace an existing run of the same --name')
    .option('--json', 'print one JSON object with the results; no progress bars');
  withRunsDir(cmd)
    .addHelpText(
      'after',
      `
Stages: base (trained on D_QA) → meta-skills (self-feedback and self-refinement, taught by a
programmatic checker) → self-evolution rounds on unlabeled prompts → online refinement at inference.
Each model is scored on a held-out set; report.html is written beside the run.

Examples:
  self-evolve demo
  self-evolve demo --quick --json
  self-evolve demo --task constraints --quick   # open-ended: scored critiques
  self-evolve runs show demo       # the results again
  self-evolve resume demo          # after Ctrl-C or a crash`,
    )
    .action(async (opts: DemoOptions) => {
      const preset = demoPreset(opts.task, Boolean(opts.quick));
      const config = await prepareRun(commandConfig({ preset, seed: opts.seed }));
      const store = openRunStore(opts.runsDir);
      try {
        const name = opts.name ?? freeName(store, preset === 'demo' ? 'demo' : `demo-${preset}`);
        const run = startRun(store, opts.runsDir, name, config, Boolean(opts.force));
        await runAndPrint(store, run, Boolean(opts.json));
      } finally {
        store.close();
      }
    });
  cmd.addCommand(engineDemoCommand());
  return cmd;
}
