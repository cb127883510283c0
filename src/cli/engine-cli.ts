// Shared pieces of the engine's CLI commands (train, sample, bench engine, demo engine): the
// --kernels option, numeric flag parsing, the training progress bar, and the JSONL example reader.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { StepProgress } from '../engine/index.js';
import { createKernels, parseKernelsChoice } from '../engine/kernels/create-kernels.js';
import type { Kernels } from '../engine/kernels/kernels.js';
import { InvalidInputError } from '../spec/errors.js';
import type { Section } from '../spec/language-model.js';
import type { SftExample } from '../spec/trainer.js';
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

const SECTIONS: readonly Section[] = ['prompt', 'response', 'feedback', 'refinement'];

/**
 * Reads training examples from JSONL. Each line is one of: `{"turns": [{"section", "text",
 * "train"}]}` (an SFT example), `{"prompt", "response"}` (loss on the response), or `{"text"}`
 * (a response section with loss on all of it). Errors say file:line and the field.
 */
export function readExamples(file: string): SftExample[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new InvalidInputError(
      `cannot read the file (${(cause as NodeJS.ErrnoException).code})`,
      { file },
      { cause },
    );
  }
  const examples: SftExample[] = [];
  content.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const at = { file, line: i + 1 };
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new InvalidInputError('is not valid JSON', at);
    }
    examples.push(toExample(value, at));
  });
  return examples;
}

function toExample(value: Record<string, unknown>, at: { file: string; line: number }): SftExample {
  const text = (v: unknown, field: string) => {
    if (typeof v !== 'string') throw new InvalidInputError('must be a string', { ...at, field });
    return v;
  };
  if (Array.isArray(value.turns)) {
    return {
      turns: value.turns.map((t: Record<string, unknown>, j: number) => {
        const field = `turns[${j}]`;
        if (!SECTIONS.includes(t?.section as Section)) {
          throw new InvalidInputError(`must be one of ${SECTIONS.join(', ')}`, {
            ...at,
            field: `${field}.section`,
          });
        }
        if (typeof t.train !== 'boolean')
          throw new InvalidInputError('must be true or false', { ...at, field: `${field}.train` });
        return {
          section: t.section as Section,
          text: text(t.text, `${field}.text`),
          train: t.train,
        };
      }),
    };
  }
  if ('prompt' in value || 'response' in value) {
    return {
      turns: [
        { section: 'prompt', text: text(value.prompt, 'prompt'), train: false },
        { section: 'response', text: text(value.response, 'response'), train: true },
      ],
    };
  }
  if ('text' in value)
    return { turns: [{ section: 'response', text: text(value.text, 'text'), train: true }] };
  throw new InvalidInputError('needs "turns", "prompt" and "response", or "text"', at);
}
