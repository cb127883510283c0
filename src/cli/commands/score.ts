// `self-evolve score`: scores completions produced anywhere on GSM8K or SVAMP with
// lm-evaluation-harness's strict (`#### N`) and flexible (last number) extraction.
import { Command, Option } from 'commander';
import {
  BENCHMARKS,
  type BenchmarkName,
  defaultDatasetPath,
  loadBenchmark,
} from '../../benchmarks/benchmark-datasets.js';
import { readPredictions, scorePredictions } from '../../benchmarks/score-predictions.js';

interface Opts {
  task: BenchmarkName;
  predictions: string;
  data?: string;
  json?: boolean;
}

function run(opts: Opts): void {
  const data = opts.data ?? defaultDatasetPath(opts.task);
  const problems = loadBenchmark(opts.task, data);
  const report = scorePredictions(problems, readPredictions(opts.predictions, problems.length));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ task: opts.task, data, ...report })}\n`);
    return;
  }
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  process.stdout.write(
    `${opts.task}: ${report.scored} of ${report.problems} problems scored (${data})\n` +
      `  strict   (#### N)      ${pct(report.strict_accuracy)}  (${report.strict_correct})\n` +
      `  flexible (last number) ${pct(report.flexible_accuracy)}  (${report.flexible_correct})\n`,
  );
}

/** The `score` command. */
export function command(): Command {
  return new Command('score')
    .description('Score completions on GSM8K or SVAMP (strict and flexible accuracy)')
    .addOption(new Option('--task <name>', 'benchmark').choices(BENCHMARKS).makeOptionMandatory())
    .requiredOption(
      '--predictions <file>',
      'JSONL lines {"index", "completion"}; index is the 0-based problem position in the test file',
    )
    .option(
      '--data <file>',
      'the test file (default: the copy the package ships, datasets/<task>/)',
    )
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      '\nAccuracy is over the predictions given (a partial file scores what it covers).\n' +
        'Extraction follows lm-evaluation-harness: strict reads the number after "#### ",\n' +
        'flexible the last number; commas, "$" and a final "." are stripped before comparing.\n\n' +
        'Examples:\n' +
        '  self-evolve score --task gsm8k --predictions preds.jsonl\n' +
        '  self-evolve score --task svamp --data SVAMP.json --predictions preds.jsonl --json\n',
    )
    .action((opts: Opts) => run(opts));
}
