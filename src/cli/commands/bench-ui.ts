// `self-evolve bench ui`: the episode table's p95 page time and the UI server's peak RSS on a
// synthetic store of 100,000 samples (src/ui/ui-benchmark.ts).
import { Command } from 'commander';
import { runUiBenchmark } from '../../ui/ui-benchmark.js';
import { intOption } from '../options.js';

interface Opts {
  samples: string;
  requests: string;
  runsDir?: string;
  json?: boolean;
}

/** The `bench ui` subcommand, added to `bench` by one line in bench.ts. */
export function uiBenchCommand(): Command {
  return new Command('ui')
    .description(
      "the UI's filtered episode pages on a big synthetic store: p95 time, server peak RSS",
    )
    .option('--samples <n>', 'samples in the synthetic run', '100000')
    .option('--requests <n>', 'timed filtered page requests', '300')
    .option(
      '--runs-dir <dir>',
      'write (or reuse) the run "bench" here instead of a temporary folder',
    )
    .option('--json', 'print one JSON line')
    .addHelpText(
      'after',
      '\nThe UI server runs in a child process (`self-evolve ui --port 0`), so "peak_rss_mb" (VmHWM)\n' +
        'is its own. Each request is a whole filtered episodes page over HTTP (filters, counts by\n' +
        'stage, one page of 50, search), after one first request that builds the filter facts.\n' +
        'Targets: p95 <= 100 ms, peak RSS <= 300 MB. docs/benchmarks.md has the figures.\n\n' +
        'Examples:\n  self-evolve bench ui --json\n  self-evolve bench ui --samples 20000 --requests 100\n',
    )
    .action(async (opts: Opts) => {
      const result = await runUiBenchmark({
        samples: intOption(opts.samples, '--samples'),
        requests: Math.max(1, intOption(opts.requests, '--requests')),
        runsDir: opts.runsDir,
        onStatus: opts.json ? undefined : (m) => process.stderr.write(`bench ui: ${m}\n`),
      });
      process.stdout.write(`${JSON.stringify(result, null, opts.json ? undefined : 2)}\n`);
    });
}
