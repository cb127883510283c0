// `self-evolve bench engine`: the embedded engine on the reference config (training and generation
// tokens/s, matmul GFLOP/s, peak RSS), optionally with the TensorFlow.js peer run in the same
// process tree right after, and the ratio between the two.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { benchEngine, type EngineBenchResult } from '../../engine/bench-engine.js';
import { REFERENCE_CONFIG } from '../../engine/config.js';
import { releaseKernels } from '../../engine/release-kernels.js';
import { InvalidInputError } from '../../spec/errors.js';
import { formatRate, openKernels, parseInteger, withKernelsOptions } from '../engine-cli.js';
import { ProgressBar } from '../progress.js';

interface BenchOptions {
  steps: string;
  dModel: string;
  batchSize: string;
  tfjs?: string | boolean;
  tfjsScript?: string;
  json?: boolean;
  kernels?: string;
  threads?: string;
}

/** The peer script shipped beside the repository (`../shared/bench`). */
const DEFAULT_TFJS_SCRIPT = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/bench/tfjs-reference.mjs',
);

export function engineBenchCommand(): Command {
  const cmd = new Command('engine')
    .description(
      'Benchmark the embedded engine on the reference config (vocab 64, d 128, 2 layers, batch 32×128)',
    )
    .option('--steps <n>', 'timed training steps after a warm-up step (median reported)', '4')
    .option('--d-model <n>', 'model width (heads 4, d_ff 2.75×; 128 is the reference)', '128')
    .option('--batch-size <n>', 'training sequences per step (32 is the reference)', '32')
    .option('--tfjs [prefix]', 'also run the TensorFlow.js peer installed under this prefix', false)
    .option('--tfjs-script <file>', 'the peer script', DEFAULT_TFJS_SCRIPT)
    .option('--json', 'print one JSON line; no progress bars');
  return withKernelsOptions(cmd)
    .addHelpText(
      'after',
      `
Generation: 64 prompts × 64 new tokens, batched. matmul_gflops: one (4096×128)·(352×128)ᵀ product.
The peer (--tfjs) runs after the engine, so the two never share the cores.

Examples:
  self-evolve bench engine --json
  self-evolve bench engine --kernels js --steps 2
  self-evolve bench engine --json --tfjs /tmp/tfjs-ref`,
    )
    .action(runBench);
}

async function runBench(opts: BenchOptions): Promise<void> {
  const steps = parseInteger(opts.steps, '--steps', 1);
  const kernels = await openKernels(opts);
  let result: EngineBenchResult;
  try {
    const dModel = parseInteger(opts.dModel, '--d-model', 8);
    if (dModel % 8 !== 0)
      throw new InvalidInputError('must be a multiple of 8', { field: '--d-model' });
    const config = { ...REFERENCE_CONFIG, dModel, dFF: Math.round((dModel * 2.75) / 8) * 8 };
    const batchSize = parseInteger(opts.batchSize, '--batch-size', 1);
    result = await benchEngine({
      kernels,
      steps,
      config,
      batchSize,
      onProgress: progress(!opts.json, steps),
    });
  } finally {
    await releaseKernels(kernels);
  }
  const peer = opts.tfjs === false || opts.tfjs === undefined ? undefined : runTfjs(opts, steps);
  const line = {
    ...result,
    ...(peer && {
      tfjs_train_tokens_per_s: peer.tokens_per_s,
      train_ratio_vs_tfjs: Number(
        (result.train_tokens_per_s / (peer.tokens_per_s as number)).toFixed(2),
      ),
      tfjs: peer,
    }),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
    },
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return;
  }
  const rows = [
    ['kernels', `${result.kernels} (${result.threads} thread${result.threads > 1 ? 's' : ''})`],
    ['parameters', String(result.params)],
    [
      'training',
      `${formatRate(result.train_tokens_per_s)} tokens/s (${result.train_step_ms_median} ms/step)`,
    ],
    ['generation', `${formatRate(result.gen_tokens_per_s)} tokens/s`],
    ['matmul', `${result.matmul_gflops} GFLOP/s`],
    ['peak RSS', `${result.peak_rss_mb} MB`],
    ...(peer
      ? [
          [
            'tfjs peer',
            `${formatRate(peer.tokens_per_s as number)} tokens/s → ratio ${line.train_ratio_vs_tfjs}×`,
          ],
        ]
      : []),
  ];
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(12)} ${v}\n`);
}

function progress(enabled: boolean, steps: number) {
  const bars = new Map<string, ProgressBar>();
  return (phase: 'train' | 'generate' | 'matmul', done: number, total: number) => {
    let bar = bars.get(phase);
    if (!bar) {
      bar = new ProgressBar({
        label: phase.padEnd(8),
        total: phase === 'train' ? steps + 1 : total,
        enabled,
      });
      bars.set(phase, bar);
    }
    if (done >= total) bar.finish();
    else bar.update(done);
  };
}

/** Runs the peer script with the same number of timed steps; returns its JSON line. */
function runTfjs(opts: BenchOptions, steps: number): Record<string, unknown> {
  const prefix = resolve(typeof opts.tfjs === 'string' ? opts.tfjs : '/tmp/tfjs-ref');
  const script = resolve(opts.tfjsScript ?? DEFAULT_TFJS_SCRIPT);
  if (!existsSync(script))
    throw new InvalidInputError('the tfjs peer script does not exist', {
      file: script,
      field: '--tfjs-script',
    });
  if (!existsSync(join(prefix, 'node_modules', '@tensorflow', 'tfjs'))) {
    throw new InvalidInputError(
      `TensorFlow.js is not installed under ${prefix}`,
      { field: '--tfjs' },
      {
        hint: `npm i --prefix ${prefix} @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0`,
      },
    );
  }
  if (!opts.json) process.stderr.write('running the tfjs peer ...\n');
  const out = execFileSync(process.execPath, [script, prefix, String(steps)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const last = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last);
}
