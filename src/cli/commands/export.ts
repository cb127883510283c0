// `self-evolve export <run>`: the run's self-curated data as OpenAI chat, TRL and DPO JSONL files.
import { join } from 'node:path';
import { Command } from 'commander';
import { exportRun } from '../../export/export-run.js';
import { openStore, requireRun, withRunsDir } from '../self-runtime.js';

export function command(): Command {
  const cmd = new Command('export')
    .description(
      'Write the curated data of a run: chat.jsonl (OpenAI), trl.jsonl (TRL), dpo.jsonl (pairs)',
    )
    .argument('<run>', 'run name')
    .option('-o, --out <dir>', 'output folder (default: <run folder>/export)')
    .option('--force', 'replace existing files')
    .option('--json', 'print the files and counts as one JSON object');
  withRunsDir(cmd)
    .addHelpText(
      'after',
      `
chat.jsonl  {"messages":[{"role":"user",...},{"role":"assistant",...}]}  kept samples of every round
trl.jsonl   {"prompt":[{"role":"user",...}],"completion":[{"role":"assistant",...}]}
dpo.jsonl   {"prompt","chosen","rejected"}: the refinement (accepted by the model's own feedback)
            chosen over the first answer (rejected by it)

Example:
  self-evolve export demo --out curated/`,
    )
    .action(
      (name: string, opts: { out?: string; force?: boolean; json?: boolean; runsDir: string }) => {
        const store = openStore(opts.runsDir);
        try {
          const run = requireRun(store, name);
          const result = exportRun(store, name, opts.out ?? join(run.dir, 'export'), {
            force: opts.force,
          });
          if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
          else {
            for (const k of ['chat', 'trl', 'dpo'] as const) {
              process.stdout.write(`${result.files[k]}  ${result.counts[k]} lines\n`);
            }
          }
        } finally {
          store.close();
        }
      },
    );
  return cmd;
}
