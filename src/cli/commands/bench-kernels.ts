// `self-evolve bench kernels`: the compute kernels op by op at the reference sizes, and with
// --step-profile the time of each op in real training steps of the reference model.
import { Command } from 'commander';
import { affineSequences } from '../../engine/bench-engine.js';
import { REFERENCE_CONFIG } from '../../engine/config.js';
import { benchKernels, type KernelBenchResult } from '../../engine/kernels/bench-kernels.js';
import type { Kernels } from '../../engine/kernels/kernels.js';
import { type OpProfile, profileKernels } from '../../engine/kernels/profiled-kernels.js';
import { Model } from '../../engine/model.js';
import { trainModel } from '../../engine/train.js';
import { InvalidInputError } from '../../spec/errors.js';
import { openKernels, parseInteger, withKernelsOptions } from '../engine-cli.js';
import { ProgressBar } from '../progress.js';

interface KernelsBenchOptions {
  dModel: string;
  repeats: string;
  stepProfile?: boolean;
  json?: boolean;
  kernels?: string;
  threads?: string;
}

/** The `kernels` subcommand of `self-evolve bench`. */
export function kernelsBenchCommand(): Command {
  const cmd = new Command('kernels')
    .description('Time the compute kernels op by op at the reference sizes (GFLOP/s, ms)')
    .option('--d-model <n>', 'model width (d_ff 2.75×, 4 heads); 128 is the reference', '128')
    .option('--repeats <n>', 'timed runs per op; the best is reported', '5')
    .option('--step-profile', 'also profile 3 training steps of the model by op')
    .option('--json', 'print one JSON line; no progress bar');
  return withKernelsOptions(cmd)
    .addHelpText(
      'after',
      `
Matmuls are M×N×K with M = 4096 rows (batch 32 × 128 tokens); TN is the weight gradient, whose
long dimension K is the batch. The step profile sums each op's wall time over the steps.

Examples:
  self-evolve bench kernels --json
  self-evolve bench kernels --threads 1 --step-profile
  self-evolve bench kernels --kernels js --d-model 64`,
    )
    .action(async (opts: KernelsBenchOptions) => {
      const dModel = parseInteger(opts.dModel, '--d-model', 8);
      if (dModel % 8 !== 0)
        throw new InvalidInputError('must be a multiple of 8', { field: '--d-model' });
      const dFF = Math.round((dModel * 2.75) / 8) * 8;
      const repeats = parseInteger(opts.repeats, '--repeats', 1);
      const kernels = await openKernels(opts);
      try {
        let bar: ProgressBar | undefined;
        const result = benchKernels({
          kernels,
          dModel,
          dFF,
          repeats,
          onProgress: (done, total) => {
            bar ??= new ProgressBar({ label: 'kernels ', total, enabled: !opts.json });
            if (done >= total) bar.finish();
            else bar.update(done);
          },
        });
        const profile = opts.stepProfile ? await stepProfile(kernels, dModel, dFF) : undefined;
        print(result, profile, opts.json === true);
      } finally {
        await kernels.dispose();
      }
    });
}

/** Per-op wall time, averaged over 3 training steps after a warm-up step. */
async function stepProfile(inner: Kernels, dModel: number, dFF: number) {
  const k = profileKernels(inner);
  const config = { ...REFERENCE_CONFIG, dModel, dFF };
  const model = Model.init(k, config, 1);
  const steps = 4;
  const data = affineSequences(32, config.contextLength, config.vocabSize);
  let started = 0;
  const times: number[] = [];
  try {
    await trainModel(
      model,
      data,
      { steps, batchSize: 32, learningRate: 1e-3, warmupSteps: 0 },
      {
        onStep: (p) => {
          const now = performance.now();
          if (p.step > 1) times.push(now - started);
          else k.reset();
          started = now;
        },
      },
    );
  } finally {
    model.free();
  }
  const n = steps - 1;
  const ops = k.profile().map((p: OpProfile) => ({
    op: p.op,
    calls: p.calls / n,
    ms: Number((p.ms / n).toFixed(2)),
    ...(p.flops ? { gflops: Number((p.flops / p.ms / 1e6).toFixed(2)) } : {}),
  }));
  const stepMs = times.reduce((a, b) => a + b, 0) / n;
  return { step_ms: Number(stepMs.toFixed(1)), ops };
}

function print(
  result: KernelBenchResult,
  profile: Awaited<ReturnType<typeof stepProfile>> | undefined,
  json: boolean,
): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ ...result, ...(profile && { step_profile: profile }) })}\n`,
    );
    return;
  }
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`kernels ${result.kernels} (${result.threads} thread${result.threads > 1 ? 's' : ''})`);
  for (const o of result.ops) {
    const rate = o.gflops === undefined ? '' : `${o.gflops.toFixed(1).padStart(7)} GFLOP/s`;
    out(`  ${o.op.padEnd(18)} ${o.shape.padEnd(22)} ${o.ms.toFixed(2).padStart(8)} ms ${rate}`);
  }
  if (!profile) return;
  out(`training step: ${profile.step_ms} ms, by op (ms per step):`);
  for (const o of profile.ops) {
    const rate = o.gflops === undefined ? '' : `${o.gflops.toFixed(1).padStart(7)} GFLOP/s`;
    out(`  ${o.op.padEnd(22)} ${o.ms.toFixed(2).padStart(8)} ms  ×${o.calls} ${rate}`);
  }
}
