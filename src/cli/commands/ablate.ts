// `self-evolve ablate`: SELF and its controls over seeds (docs/results.md): each seed's SELF run
// with its compute-matched SFT twins, and forks after meta whose rounds keep every answer, what
// matches the label (the oracle ceiling), or what a vote of samples agrees on; then the table and
// the figures. Runs already there are reused, unfinished ones resumed.
import { Command, Option } from 'commander';
import { PRESET_NAMES } from '../../config/presets.js';
import { ablationFigures, formatAblation } from '../../report/ablation-table.js';
import { type ControlArm, runAblation } from '../../runtime/ablation.js';
import { InvalidInputError } from '../../spec/errors.js';
import { intOption } from '../options.js';
import { commandConfig, type PresetName, progressReporter, withRunsDir } from '../run-cli.js';

interface AblateOptions {
  config?: string;
  preset?: PresetName;
  seeds: string;
  arms: string;
  name: string;
  json?: boolean;
  runsDir: string;
}

const ARMS: readonly ControlArm[] = ['none', 'oracle', 'vote'];

export function command(): Command {
  const cmd = new Command('ablate')
    .description('Run SELF and its controls over seeds and print the comparison (docs/results.md)')
    .option('-c, --config <file>', "SELF's run config (fields left out come from the preset)")
    .addOption(new Option('--preset <name>', 'defaults under the config').choices(PRESET_NAMES))
    .option('--seeds <list>', 'run seeds, comma-separated', '1,2,3')
    .option(
      '--arms <list>',
      `round controls to fork after meta: ${ARMS.join(', ')}`,
      ARMS.join(','),
    )
    .option('--name <prefix>', 'runs are <prefix>-s<seed> and <prefix>-s<seed>-<arm>', 'ablate')
    .option('--json', 'print the figures as one JSON object; no progress bars');
  withRunsDir(cmd)
    .addHelpText(
      'after',
      `
Arms: SELF (self-filter) with "SFT on D_QA, same budget" twins of each trained stage; forks after
meta with rounds kept by: none (every final answer), oracle (the label: STaR/ReST-EM, the ceiling),
vote (the answer 3 of 4 samples reach, no critique). Same seeds, prompts and test set for all.

Examples:
  self-evolve ablate --preset quick --seeds 1,2,3 --name quick-ablate
  self-evolve ablate --seeds 1,2,3 --json > ablation.json      # the demo preset: hours on 2 cores`,
    )
    .action(async (opts: AblateOptions) => {
      const seeds = opts.seeds.split(',').map((s) => intOption(s.trim(), '--seeds'));
      const arms = opts.arms.split(',').filter(Boolean) as ControlArm[];
      const unknown = arms.find((a) => !ARMS.includes(a));
      if (unknown) {
        throw new InvalidInputError(
          `unknown arm "${unknown}"`,
          { field: '--arms' },
          { hint: `arms: ${ARMS.join(', ')}` },
        );
      }
      const runs = await runAblation({
        config: commandConfig(opts),
        seeds,
        arms,
        prefix: opts.name,
        runsDir: opts.runsDir,
        onProgress: progressReporter(!opts.json),
        onRun: (name, state) => {
          if (!opts.json)
            process.stderr.write(`${state === 'done' ? 'finished already' : state}: ${name}\n`);
        },
      });
      const figures = ablationFigures(runs);
      if (opts.json) process.stdout.write(`${JSON.stringify({ figures, runs })}\n`);
      else process.stdout.write(`${formatAblation(figures)}\n`);
    });
  return cmd;
}
