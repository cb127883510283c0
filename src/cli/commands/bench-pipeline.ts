// `self-evolve bench pipeline`: the SELF generation step over HTTP against `serve` running the
// fixed-latency benchmark model (in a child process by default, as a real server would be).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { runPipelineBenchmark } from '../../benchmarks/pipeline-benchmark.js';
import { SelfEvolveError } from '../../spec/errors.js';
import { intOption } from '../options.js';
import { ProgressBar } from '../progress.js';

interface Opts {
  prompts: string;
  file?: string;
  latencyMs: string;
  concurrency: string;
  inProcess?: boolean;
  peer?: boolean;
  json?: boolean;
}

/** Starts `self-evolve serve --fixed-latency-benchmark` in a child process; resolves its base URL. */
async function startChildServer(
  latencyMs: number,
): Promise<{ baseURL: string; child: ChildProcess }> {
  const bin = fileURLToPath(new URL('../../../bin/self-evolve.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [bin, 'serve', '--fixed-latency-benchmark', String(latencyMs), '--port', '0', '--json'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(() => {
    throw new SelfEvolveError('bench', 'the benchmark server exited before it was ready');
  });
  const ready = (async () => {
    for await (const line of lines) return (JSON.parse(line) as { baseURL: string }).baseURL;
    throw new SelfEvolveError('bench', 'the benchmark server printed nothing');
  })();
  const baseURL = await Promise.race([ready, exited]);
  exited.catch(() => {});
  return { baseURL, child };
}

async function run(opts: Opts): Promise<void> {
  const latencyMs = intOption(opts.latencyMs, '--latency-ms');
  const prompts = intOption(opts.prompts, '--prompts');
  const bar = new ProgressBar({
    label: 'bench pipeline',
    total: prompts,
    enabled: !opts.json && !opts.file,
  });
  const child = opts.inProcess ? undefined : await startChildServer(latencyMs);
  try {
    const result = await runPipelineBenchmark({
      baseURL: child?.baseURL,
      file: opts.file,
      prompts,
      latencyMs,
      concurrency: intOption(opts.concurrency, '--concurrency'),
      onProgress: (done) => bar.update(done),
      peer: opts.peer,
    });
    bar.finish();
    process.stdout.write(
      opts.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`,
    );
  } finally {
    if (child) {
      child.child.kill('SIGTERM');
      await once(child.child, 'exit');
    }
  }
}

/** The `bench pipeline` subcommand, added to `bench` by one line in bench.ts. */
export function pipelineBenchCommand(): Command {
  return new Command('pipeline')
    .description('SELF generation over HTTP against serve with a fixed-latency benchmark model')
    .option('--prompts <n>', 'synthetic prompts to generate and stream', '5000')
    .option('--file <jsonl>', 'stream these prompts instead (lines {"prompt": ...})')
    .option('--latency-ms <ms>', "the benchmark model's fixed latency per call", '200')
    .option('--concurrency <n>', 'calls in flight', '64')
    .option(
      '--peer',
      'then time the same calls as bare fetch POSTs (the peer) against the same server',
    )
    .option('--in-process', 'run the server in this process instead of a child process')
    .option('--json', 'print one JSON line')
    .addHelpText(
      'after',
      '\nEach prompt is answered, critiqued and self-filtered as in a self-evolution round, every call\n' +
        'over HTTP. "efficiency" is calls per second over concurrency / latency; "peak_rss_mb" is this\n' +
        'process (the client side, which streams prompts and samples).\n\n' +
        'Examples:\n' +
        '  self-evolve bench pipeline --json --peer\n' +
        '  self-evolve bench pipeline --prompts 100000 --latency-ms 20 --json\n',
    )
    .action((opts: Opts) => run(opts));
}
