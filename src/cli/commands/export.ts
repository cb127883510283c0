// `self-evolve export <run>`: the run's self-curated data as OpenAI chat, TRL and DPO JSONL files.
import { join } from 'node:path';
import { Command } from 'commander';
import { EXPORT_FILES, exportRun } from '../../export/export-run.js';
import { openRunStore, requireRun } from '../../runtime/run-session.js';
import { withRunsDir } from '../run-cli.js';

export function command(): Command {
  const cmd = new Command('export')
    .description(
      "Write a run's data: curated answers (chat, trl), DPO pairs, the meta-skill corpus, every episode",
    )
    .argument('<run>', 'run name')
    .option('-o, --out <dir>', 'output folder (default: <run folder>/export)')
    .option('--force', 'replace existing files')
    .option('--json', 'print the files and counts as one JSON object');
  withRunsDir(cmd)
    .addHelpText(
      'after',
      `
chat.jsonl      {"messages":[{"role":"user",...},{"role":"assistant",...}]}  kept samples of every round
trl.jsonl       {"prompt":[{"role":"user",...}],"completion":[{"role":"assistant",...}]}
dpo.jsonl       {"prompt":[...],"chosen":[{"role":"assistant",...}],"rejected":[...]} (TRL
                conversational preference): the refinement its own feedback accepted, chosen over
                the first answer it rejected
meta.jsonl      D_meta as chat rows: a critique row (review request → feedback) per tuple and a
                refinement row (→ corrected answer) where the teacher wrote one
episodes.jsonl  every meta and round sample: prompt, response, feedback, verdict, refinement,
                attempts, kept, reason (for analysis; not a training format)

Example:
  self-evolve export demo --out curated/`,
    )
    .action(
      (name: string, opts: { out?: string; force?: boolean; json?: boolean; runsDir: string }) => {
        const store = openRunStore(opts.runsDir, { readonly: true });
        try {
          const run = requireRun(store, name);
          const result = exportRun(store, name, opts.out ?? join(run.dir, 'export'), {
            force: opts.force,
          });
          if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
          else {
            for (const k of EXPORT_FILES) {
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
