// `self-evolve bench serve`: a bounded load of good and hostile requests against `serve` (a child
// process by default), printing counts, statuses, latency and the server's RSS as JSON; exit code 1
// when a target is missed (a good request failed, a hostile one got no 4xx, RSS grew over 20%).
import { Command } from 'commander';
import { missedTargets, runServeBenchmark } from '../../benchmarks/serve-benchmark.js';
import { SelfEvolveError } from '../../spec/errors.js';
import { intOption } from '../options.js';
import { ProgressBar } from '../progress.js';

interface Opts {
  seconds: string;
  warmupSeconds: string;
  connections: string;
  requestTimeoutMs: string;
  serverHeapMb?: string;
  inProcess?: boolean;
  json?: boolean;
}

async function run(opts: Opts): Promise<void> {
  const seconds = intOption(opts.seconds, '--seconds');
  const bar = new ProgressBar({ label: 'bench serve', total: seconds, enabled: !opts.json });
  const result = await runServeBenchmark({
    seconds,
    warmupSeconds: intOption(opts.warmupSeconds, '--warmup-seconds'),
    connections: Math.max(1, intOption(opts.connections, '--connections')),
    requestTimeoutMs: Math.max(100, intOption(opts.requestTimeoutMs, '--request-timeout-ms')),
    inProcess: opts.inProcess,
    serverHeapMb: opts.serverHeapMb ? intOption(opts.serverHeapMb, '--server-heap-mb') : undefined,
    onProgress: (done) => bar.update(done),
  });
  bar.finish();
  process.stdout.write(
    opts.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`,
  );
  const missed = missedTargets(result);
  if (missed.length) throw new SelfEvolveError('bench', `targets missed: ${missed.join('; ')}`);
}

/** The `bench serve` subcommand, added to `bench` by one line in bench.ts. */
export function serveBenchCommand(): Command {
  return new Command('serve')
    .description('Good and hostile requests at once against serve: errors, 4xx, latency, RSS')
    .option('--seconds <n>', 'length of the load', '60')
    .option('--warmup-seconds <n>', 'RSS is first read (and latency counted) from then', '30')
    .option('--connections <n>', 'requests in flight', '64')
    .option(
      '--request-timeout-ms <ms>',
      "the server's request timeout (stalled bodies wait it out)",
      '3000',
    )
    .option(
      '--server-heap-mb <n>',
      "cap the server's V8 heap (--max-old-space-size): RSS then shows retained memory, not garbage",
    )
    .option('--in-process', 'run the server in this process (RSS then covers client and server)')
    .option('--json', 'print one JSON line')
    .addHelpText(
      'after',
      '\nThe server serves three fresh embedded checkpoints (at most two loaded) with an API key and\n' +
        'the fine-tuning API. Three requests in four are good chat completions (half streamed); the\n' +
        'fourth is hostile: oversized, malformed JSON, bad auth, random or escaping model names,\n' +
        'huge n / max_tokens / steps, too many messages, a stalled body. Targets: 0 good errors, every\n' +
        'hostile request a 4xx, RSS after the run within 20% of RSS after the warm-up.\n\n' +
        'Examples:\n' +
        '  self-evolve bench serve --json\n' +
        '  self-evolve bench serve --server-heap-mb 64 --json\n' +
        '  self-evolve bench serve --seconds 10 --warmup-seconds 3 --connections 16\n',
    )
    .action((opts: Opts) => run(opts));
}
