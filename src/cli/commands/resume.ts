// `self-evolve resume <run>`: finishes a run that was stopped or killed, with the config it started
// with (only the budget may be raised, for a run the budget stopped).
import { Command } from 'commander';
import { openRunStore, requireRun, runConfig, setRunBudget } from '../../runtime/run-session.js';
import { summarize } from '../../self/summary.js';
import { InvalidInputError } from '../../spec/errors.js';
import { intOption } from '../options.js';
import { printSummary, runAndPrint, withRunsDir } from '../run-cli.js';

interface ResumeOptions {
  json?: boolean;
  runsDir: string;
  maxCostUsd?: string;
  maxTokens?: string;
}

function budgetOf(opts: ResumeOptions): { maxTokens?: number; maxCostUsd?: number } | undefined {
  if (opts.maxCostUsd === undefined && opts.maxTokens === undefined) return undefined;
  const cost = opts.maxCostUsd === undefined ? undefined : Number(opts.maxCostUsd);
  if (cost !== undefined && !(Number.isFinite(cost) && cost > 0)) {
    throw new InvalidInputError(`must be a positive number of dollars, got "${opts.maxCostUsd}"`, {
      field: '--max-cost-usd',
    });
  }
  return {
    ...(cost === undefined ? {} : { maxCostUsd: cost }),
    ...(opts.maxTokens === undefined
      ? {}
      : { maxTokens: intOption(opts.maxTokens, '--max-tokens') }),
  };
}

export function command(): Command {
  const cmd = new Command('resume')
    .description(
      'Finish a stopped or killed run: stored samples and models are kept, the rest is redone',
    )
    .argument('<run>', 'run name (see `self-evolve runs`)')
    .option('--max-cost-usd <x>', "raise the run's budget (a run its budget stopped continues)")
    .option('--max-tokens <n>', "raise the run's token budget")
    .option('--json', 'print one JSON object with the results; no progress bars');
  withRunsDir(cmd)
    .addHelpText(
      'after',
      `
Paid calls already answered come from the run's response cache, and what they cost counts
against the budget.

Examples:
  self-evolve resume demo
  self-evolve resume qwen-gsm8k --max-cost-usd 20`,
    )
    .action(async (name: string, opts: ResumeOptions) => {
      const budget = budgetOf(opts);
      const store = openRunStore(opts.runsDir);
      try {
        let run = requireRun(store, name);
        if (run.status === 'finished') {
          process.stderr.write(`run ${name} already finished; nothing to resume\n`);
          printSummary(summarize(name, runConfig(run), store), run, Boolean(opts.json));
          return;
        }
        if (budget) run = setRunBudget(store, name, budget);
        await runAndPrint(store, run, Boolean(opts.json));
      } finally {
        store.close();
      }
    });
  return cmd;
}
