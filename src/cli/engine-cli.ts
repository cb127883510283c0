// Shared pieces of the engine's CLI commands (train, sample, bench engine, demo engine): the
// --kernels option, numeric flag parsing and the training progress bar.
import type { Command } from 'commander';
import type { StepProgress } from '../engine/index.js';
import { createKernels, parseKernelsChoice } from '../engine/kernels/create-kernels.js';
import type { Kernels } from '../engine/kernels/kernels.js';
import { InvalidInputError } from '../spec/errors.js';
import { ProgressBar } from './progress.js';

/** Adds --kernels and --threads. */
export function withKernelsOptions(cmd: Command): Command {
  return cmd
    .option(
      '--kernels <kind>',
      'compute kernels: js, wasm (WebAssembly SIMD, threads) or auto',
      'auto',
    )
    .option('--threads <n>', 'threads for the wasm kernels (default: their choice)');
}

/** The adapter chosen by --kernels/--threads. */
export async function openKernels(opts: { kernels?: string; threads?: string }): Promise<Kernels> {
  const threads =
    opts.threads === undefined ? undefined : parseInteger(opts.threads, '--threads', 1);
  return createKernels(parseKernelsChoice(opts.kernels ?? 'auto'), { threads });
}

/** Parses an integer flag ≥ min, or fails naming the flag. */
export function parseInteger(value: string, flag: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new InvalidInputError(`must be an integer ≥ ${min}, got "${value}"`, { field: flag });
  return n;
}

/** Parses a number flag in [min, max] (or (min, max] when `aboveMin`), or fails naming the flag. */
export function parseNumber(
  value: string,
  flag: string,
  min: number,
  max = Number.POSITIVE_INFINITY,
  aboveMin = false,
): number {
  const n = Number(value);
  const low = aboveMin ? n <= min : n < min;
  if (value.trim() === '' || !Number.isFinite(n) || low || n > max) {
    const range = `${aboveMin ? '(' : '['}${min}, ${max}]`;
    throw new InvalidInputError(`must be a number in ${range}, got "${value}"`, { field: flag });
  }
  return n;
}

/** A progress bar for training steps, showing loss and tokens/s; silent when `enabled` is false. */
export function trainingProgress(
  label: string,
  enabled: boolean,
): { onStep: (p: StepProgress) => void; bar: () => ProgressBar | undefined } {
  let bar: ProgressBar | undefined;
  return {
    onStep: (p) => {
      bar ??= new ProgressBar({ label, total: p.totalSteps, enabled });
      const status = `loss ${p.loss.toFixed(4)} · ${formatRate(p.tokensPerSecond)} tok/s`;
      if (p.step === p.totalSteps) bar.finish(status);
      else bar.update(p.step, status);
    },
    bar: () => bar,
  };
}

/** 1234 → `1.2k`. */
export function formatRate(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(1)}k` : x.toFixed(0);
}
