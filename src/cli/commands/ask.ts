// `self-evolve ask`: one prompt through a run's model with online self-refinement, showing the trace.
import { Command } from 'commander';
import { loadRunModel, openRunStore } from '../../runtime/run-session.js';
import { refineOnline } from '../../self/stages.js';
import { intOption } from '../options.js';
import { withRunsDir } from '../run-cli.js';

interface AskOptions {
  run: string;
  stage?: string;
  refine: string;
  json?: boolean;
  runsDir: string;
}

export function command(): Command {
  const cmd = new Command('ask')
    .description(
      "Answer one prompt with a run's model: answer → self-feedback → refine, until it judges itself correct",
    )
    .argument('<prompt>', 'the prompt, e.g. "Solve for x: 7*x + 12 = 54"')
    .requiredOption('--run <run>', 'run whose model answers')
    .option('--stage <name>', 'which of its models (base, meta, round-N; default the last)')
    .option('--refine <k>', 'online refinement iterations at most', '2')
    .option('--json', 'print the trace as one JSON object');
  withRunsDir(cmd)
    .addHelpText(
      'after',
      '\nExamples:\n  self-evolve ask --run demo "Solve for x: 7*x + 12 = 54"\n  self-evolve ask --run demo --stage meta --refine 0 "Solve for x: 3 + 2*x = 9"',
    )
    .action(async (prompt: string, opts: AskOptions) => {
      const refine = intOption(opts.refine, '--refine');
      const store = openRunStore(opts.runsDir, { readonly: true });
      try {
        const { model, task, stage, config, close } = await loadRunModel(
          store,
          opts.run,
          opts.stage,
        );
        try {
          const refined = await refineOnline(model, task, prompt, {
            refine,
            maxTokens: config.generation.maxTokens,
          });
          const { attempts, chosen } = refined;
          const answer = refined.answer ?? null;
          if (opts.json) {
            process.stdout.write(
              `${JSON.stringify({ run: opts.run, stage, prompt, attempts, answer })}\n`,
            );
            return;
          }
          attempts.forEach((a, i) => {
            process.stdout.write(`── ${i === 0 ? 'response' : `refinement ${i}`}\n${a.text}\n`);
            if (a.feedback !== undefined) process.stdout.write(`── feedback\n${a.feedback}\n`);
          });
          process.stdout.write(
            `\nanswer: ${answer ?? '(none)'} (from ${chosen === 0 ? 'the response' : `refinement ${chosen}`})\n`,
          );
        } finally {
          await close();
        }
      } finally {
        store.close();
      }
    });
  return cmd;
}
