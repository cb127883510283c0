// `self-evolve resume <run>`: finishes a run that was stopped or killed, with the config it started with.
import { Command } from 'commander';
import { openRunStore, requireRun, runConfig } from '../../runtime/run-session.js';
import { summarize } from '../../self/summary.js';
import { printSummary, runAndPrint, withRunsDir } from '../run-cli.js';

export function command(): Command {
  const cmd = new Command('resume')
    .description(
      'Finish a stopped or killed run: stored samples and models are kept, the rest is redone',
    )
    .argument('<run>', 'run name (see `self-evolve runs`)')
    .option('--json', 'print one JSON object with the results; no progress bars');
  withRunsDir(cmd)
    .addHelpText('after', '\nExample:\n  self-evolve resume demo')
    .action(async (name: string, opts: { json?: boolean; runsDir: string }) => {
      const store = openRunStore(opts.runsDir);
      try {
        const run = requireRun(store, name);
        if (run.status === 'finished') {
          process.stderr.write(`run ${name} already finished; nothing to resume\n`);
          printSummary(summarize(name, runConfig(run), store), run, Boolean(opts.json));
          return;
        }
        await runAndPrint(store, run, Boolean(opts.json));
      } finally {
        store.close();
      }
    });
  return cmd;
}
