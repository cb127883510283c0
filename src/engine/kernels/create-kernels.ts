// Chooses a compute adapter: `js` (plain TypeScript), `wasm` (WebAssembly SIMD on worker
// threads), or `auto` (wasm when it starts here, else js). The wasm adapter is loaded lazily, so
// the js path never compiles WebAssembly or starts threads.
import { availableParallelism } from 'node:os';
import { InvalidInputError, SelfEvolveError } from '../../spec/errors.js';
import { JsKernels } from './js-kernels.js';
import type { Kernels } from './kernels.js';
import { type ProfiledKernels, profileKernels } from './profiled-kernels.js';

export type KernelsChoice = 'js' | 'wasm' | 'auto';
export const KERNELS_CHOICES: readonly KernelsChoice[] = ['js', 'wasm', 'auto'];

export interface CreateKernelsOptions {
  /** Threads for the wasm adapter, the main one included (default: available cores, ≤ 8). */
  readonly threads?: number;
  /** Upper bound of the wasm adapter's memory in MiB (default 2048). */
  readonly maxMemoryMiB?: number;
  /** Wraps the adapter with per-op timing (see profiled-kernels.ts); off by default. */
  readonly profile?: boolean;
  /** Told why `auto` fell back to the js adapter. */
  readonly onFallback?: (reason: string) => void;
}

/** Parses a `--kernels` value; anything else is an InvalidInputError naming the flag. */
export function parseKernelsChoice(value: string, field = '--kernels'): KernelsChoice {
  if ((KERNELS_CHOICES as readonly string[]).includes(value)) return value as KernelsChoice;
  throw new InvalidInputError(`must be one of ${KERNELS_CHOICES.join(', ')}, got "${value}"`, {
    field,
  });
}

/**
 * Creates the chosen adapter. `wasm` fails with a hint when it cannot start; `auto` falls back
 * to js. Dispose the result when done (it owns worker threads). The environment can steer
 * `auto` (SELF_EVOLVE_KERNELS=js|wasm|auto) and the default thread count (SELF_EVOLVE_THREADS),
 * for programs such as the demo that take no flag; SELF_EVOLVE_KERNELS_PROFILE=1 prints the time
 * per op to stderr on dispose.
 */
export async function createKernels(
  choice: KernelsChoice = 'auto',
  options: CreateKernelsOptions = {},
): Promise<Kernels> {
  const env = process.env;
  if (choice === 'auto' && env.SELF_EVOLVE_KERNELS) {
    choice = parseKernelsChoice(env.SELF_EVOLVE_KERNELS, 'SELF_EVOLVE_KERNELS');
  }
  const threads = options.threads ?? envThreads(env.SELF_EVOLVE_THREADS);
  const kernels = await open(choice, { ...options, threads });
  if (env.SELF_EVOLVE_KERNELS_PROFILE) return reportOnDispose(kernels);
  return options.profile ? profileKernels(kernels) : kernels;
}

/** SELF_EVOLVE_KERNELS_PROFILE=1: the per-op totals go to stderr when the kernels are disposed. */
function reportOnDispose(kernels: Kernels): ProfiledKernels {
  const started = performance.now();
  return profileKernels(kernels, {
    onDispose: (ops) => {
      const seconds = (ms: number) => (ms / 1000).toFixed(2).padStart(9);
      const total = ops.reduce((sum, o) => sum + o.ms, 0);
      const head = `kernels ${kernels.name}, ${kernels.threads} thread(s): ${seconds(total)} s in ops`;
      const lines = ops.map((o) => `  ${o.op.padEnd(22)} ${seconds(o.ms)} s  ${o.calls} calls`);
      const wall = `  (${seconds(performance.now() - started)} s since the kernels started)`;
      process.stderr.write(`${[head, ...lines, wall].join('\n')}\n`);
    },
  });
}

/** The threads the kernels use when none are given: SELF_EVOLVE_THREADS, else the cores (≤ 8). */
export function defaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  return envThreads(env.SELF_EVOLVE_THREADS) ?? Math.min(8, availableParallelism());
}

function envThreads(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidInputError(`must be an integer ≥ 1, got "${value}"`, {
      field: 'SELF_EVOLVE_THREADS',
    });
  }
  return n;
}

async function open(choice: KernelsChoice, options: CreateKernelsOptions): Promise<Kernels> {
  if (choice === 'js') return new JsKernels();
  try {
    const { WasmKernels } = await import('./wasm-kernels.js');
    return await WasmKernels.create({
      threads: options.threads,
      maxMemoryMiB: options.maxMemoryMiB,
    });
  } catch (cause) {
    if (choice === 'auto') {
      const reason = (cause as Error).message;
      // Falling back changes speed and, slightly, the numbers: never let it pass unnoticed.
      if (options.onFallback) options.onFallback(reason);
      else
        process.emitWarning(
          `WebAssembly kernels unavailable, using js: ${reason}`,
          'SelfEvolveKernels',
        );
      return new JsKernels();
    }
    if (cause instanceof SelfEvolveError) throw cause;
    throw new SelfEvolveError(
      'kernels_unavailable',
      `the WebAssembly kernels cannot start: ${(cause as Error).message}`,
      { cause, hint: 'run `npm run build`, or use --kernels js' },
    );
  }
}
