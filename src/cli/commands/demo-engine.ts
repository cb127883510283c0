// `self-evolve demo engine`: the embedded engine alone — a small model learns to reverse words
// from scratch, then answers words it never saw. Optionally saves the checkpoint.
import { Command } from 'commander';
import { runEngineDemo } from '../../engine/engine-demo.js';
import { releaseKernels } from '../../engine/release-kernels.js';
import { openKernels, parseInteger, trainingProgress, withKernelsOptions } from '../engine-cli.js';

interface DemoOptions {
  steps: string;
  seed: string;
  out?: string;
  force?: boolean;
  json?: boolean;
  kernels?: string;
  threads?: string;
}

/** The `engine` subcommand of `demo`. */
export function engineDemoCommand(): Command {
  const cmd = new Command('engine')
    .description('Train a small model from scratch on a toy task (reverse a word), then sample it')
    .option('--steps <n>', 'training steps', '600')
    .option('--seed <n>', 'seed of data, initialisation and sampling', '1')
    .option('--out <dir>', 'save the trained checkpoint here')
    .option('--force', 'replace --out if it exists')
    .option('--json', 'print one JSON object; no progress bar');
  return withKernelsOptions(cmd)
    .addHelpText(
      'after',
      `
Examples:
  self-evolve demo engine
  self-evolve demo engine --kernels js --steps 300 --out models/reverse
  self-evolve sample models/reverse abcde`,
    )
    .action(runDemo);
}

async function runDemo(local: DemoOptions, self: Command): Promise<void> {
  const opts = withParentOptions(local, self);
  const steps = parseInteger(opts.steps, '--steps', 1);
  const seed = parseInteger(opts.seed, '--seed');
  const kernels = await openKernels(opts);
  try {
    const progress = trainingProgress('train', !opts.json);
    const r = await runEngineDemo({ kernels, steps, seed, onStep: progress.onStep });
    if (opts.out) await r.engine.save(opts.out, { overwrite: Boolean(opts.force) });
    r.engine.dispose();
    const { engine: _engine, ...result } = r;
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify({ ...result, kernels: kernels.name, out: opts.out })}\n`,
      );
      return;
    }
    const w = process.stdout;
    w.write(
      `\n${r.task}: ${r.params} parameters, ${r.steps} steps in ${r.trainSeconds.toFixed(1)} s `,
    );
    w.write(
      `(${kernels.name} kernels, ${Math.round(r.tokensPerSecond)} tokens/s), loss ${r.lossFirst.toFixed(3)} → ${r.lossLast.toFixed(4)}\n\n`,
    );
    for (const e of r.examples)
      w.write(
        `  ${e.prompt.padEnd(8)} → ${e.output.padEnd(8)} ${e.output === e.expected ? '✓' : `✗ (${e.expected})`}\n`,
      );
    w.write(
      `\nheld-out accuracy (greedy, exact): ${(r.accuracy * 100).toFixed(1)}% of ${r.tested} words never seen in training\n`,
    );
    w.write(`sampled at temperature 1: ${r.sampled.prompt} → ${r.sampled.texts.join(', ')}\n`);
    if (opts.out)
      w.write(`saved ${opts.out}; try: self-evolve sample ${opts.out} ${r.sampled.prompt}\n`);
  } finally {
    await releaseKernels(kernels);
  }
}

/**
 * Under `demo`, commander gives options the parent also defines (--seed, --json, --force) to the
 * parent; take those the user typed from there.
 */
function withParentOptions(local: DemoOptions, self: Command): DemoOptions {
  const parent = self.parent;
  if (!parent) return local;
  const typed: Record<string, unknown> = {};
  for (const option of parent.options) {
    const key = option.attributeName();
    if (key in local || ['seed', 'json', 'force'].includes(key)) {
      if (parent.getOptionValueSource(key) === 'cli') typed[key] = parent.getOptionValue(key);
    }
  }
  return { ...local, ...typed };
}
