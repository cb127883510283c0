// `self-evolve run`: runs the SELF pipeline from a config file (merged over a preset).
import { basename, extname } from 'node:path';
import { Command, Option } from 'commander';
import { loadConfigFile, mergeConfig, parseConfig } from '../../self/config.js';
import { PRESETS } from '../../self/presets.js';
import { openStore, runAndPrint, startRun, withRunsDir } from '../self-runtime.js';

interface RunOptions {
  config?: string;
  preset: 'demo' | 'quick';
  name?: string;
  seed?: string;
  force?: boolean;
  json?: boolean;
  runsDir: string;
}

export function command(): Command {
  const cmd = new Command('run')
    .description(
      'Run SELF end to end (base → meta-skills → self-evolution rounds) from a config file',
    )
    .option(
      '-c, --config <file>',
      'JSON config; fields left out come from the preset (docs/self.md)',
    )
    .addOption(
      new Option('--preset <name>', 'defaults under the config')
        .choices(['demo', 'quick'])
        .default('demo'),
    )
    .option('--name <run>', 'run name (default: the config file name, or the preset)')
    .option('--seed <n>', 'override the config seed')
    .option('--force', 'replace an existing run of the same name')
    .option('--json', 'print one JSON object with the results; no progress bars');
  withRunsDir(cmd)
    .addHelpText(
      'after',
      `
Examples:
  self-evolve run --config examples/equations.json --name eq1
  self-evolve run --preset quick --seed 2 --name quick-s2 --json
  self-evolve resume eq1          # after a crash or Ctrl-C`,
    )
    .action(async (opts: RunOptions) => {
      const preset = PRESETS[opts.preset];
      let config = opts.config ? loadConfigFile(opts.config, preset) : parseConfig(preset);
      if (opts.seed !== undefined)
        config = parseConfig(mergeConfig(config, { seed: Number(opts.seed) }), { file: '--seed' });
      const name =
        opts.name ?? (opts.config ? basename(opts.config, extname(opts.config)) : opts.preset);
      const store = openStore(opts.runsDir);
      try {
        const run = startRun(store, opts.runsDir, name, config, Boolean(opts.force));
        await runAndPrint(store, run, Boolean(opts.json));
      } finally {
        store.close();
      }
    });
  return cmd;
}
