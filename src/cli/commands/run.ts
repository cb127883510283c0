// `self-evolve run`: runs the SELF pipeline from a config file (merged over a preset).
import { basename, extname } from 'node:path';
import { Command, Option } from 'commander';
import { PRESET_NAMES } from '../../config/presets.js';
import { forkRun } from '../../runtime/run-fork.js';
import { openRunStore, prepareRun, startRun } from '../../runtime/run-session.js';
import { commandConfig, type PresetName, runAndPrint, withRunsDir } from '../run-cli.js';

interface RunOptions {
  config?: string;
  preset?: PresetName;
  name?: string;
  seed?: string;
  force?: boolean;
  json?: boolean;
  check?: boolean;
  fork?: string;
  runsDir: string;
}

export function command(): Command {
  const cmd = new Command('run')
    .description(
      'Run SELF end to end (base → meta-skills → self-evolution rounds) from a config file',
    )
    .option(
      '-c, --config <file>',
      'JSON run config; fields left out come from the preset (docs/self.md, docs/own-model.md)',
    )
    .addOption(
      new Option(
        '--preset <name>',
        'defaults under the config (default: demo, or none when the student is not embedded)',
      ).choices(PRESET_NAMES),
    )
    .option('--name <run>', 'run name (default: the config file name, or the preset)')
    .option('--seed <n>', 'override the config seed')
    .option('--force', 'replace an existing run of the same name (and its folder)')
    .option('--check', 'check the config, data and endpoints, then stop: nothing is stored')
    .option(
      '--fork <run>',
      "start after that run's meta stage, sharing its base and meta models (for a control)",
    )
    .option('--json', 'print one JSON object with the results; no progress bars');
  withRunsDir(cmd)
    .addHelpText(
      'after',
      `
Before anything is stored, the task, the data files (read and mapped), the models and the
trainer are checked, and every endpoint gets one cheap call: a mistake leaves no run behind.

Examples:
  self-evolve run --config examples/equations.json --name eq1
  self-evolve run --config examples/gsm8k.json --check     # is everything reachable?
  self-evolve run --preset quick --seed 2 --name quick-s2 --json
  self-evolve resume eq1          # after a crash or Ctrl-C`,
    )
    .action(async (opts: RunOptions) => {
      const config = await prepareRun(commandConfig(opts));
      if (opts.check) {
        if (opts.json) process.stdout.write(`${JSON.stringify({ ok: true, config })}\n`);
        else process.stdout.write('config, data, models and trainer check out\n');
        return;
      }
      const name =
        opts.name ??
        (opts.config ? basename(opts.config, extname(opts.config)) : (opts.preset ?? 'demo'));
      const store = openRunStore(opts.runsDir);
      try {
        const run = opts.fork
          ? forkRun(store, opts.runsDir, name, opts.fork, config, Boolean(opts.force))
          : startRun(store, opts.runsDir, name, config, Boolean(opts.force));
        await runAndPrint(store, run, Boolean(opts.json));
      } finally {
        store.close();
      }
    });
  return cmd;
}
