// `self-evolve resume <run>`: finishes a run that was stopped or killed, with the config it started with.
import { Command } from 'commander';
import { summarize } from '../../self/summary.js';
import {
  openStore,
  printSummary,
  requireRun,
  runAndPrint,
  runConfig,
  withRunsDir,
} from '../self-runtime.js';

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
      const store = openStore(opts.runsDir);
      try {
        const run = requireRun(store, name);
        if (run.status === 'finished') {
          process.stderr.write(`run ${name} already finished; nothing to resume\n`);
          printSummary(summarize(name, runConfig(run), store), run, Boolean(opts.json));
          return;
        }
        store.setStatus(name, 'running');
        await runAndPrint(store, run, Boolean(opts.json));
      } finally {
        store.close();
      }
    });
  return cmd;
}
