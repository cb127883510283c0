// The problems `eval --task gsm8k|svamp` scores: the benchmark's test file (default path or
// --data), optionally the first `limit`, with prompts in a documented format.
import { dirname, join } from 'node:path';
import { InvalidInputError } from '../spec/errors.js';
import type { Problem } from '../spec/task.js';
import {
  BENCHMARKS,
  type BenchmarkName,
  defaultDatasetPath,
  loadBenchmark,
  loadGsm8k,
} from './benchmark-datasets.js';
import { formatProblems, PROMPT_FORMATS, type PromptFormat } from './benchmark-task.js';

/** Whether `name` is one of the standard benchmarks. */
export function isBenchmark(name: string): name is BenchmarkName {
  return (BENCHMARKS as readonly string[]).includes(name);
}

export interface BenchmarkProblemOptions {
  /** The test file; default: found by defaultDatasetPath. */
  readonly data?: string;
  /** Score only the first `limit` problems. */
  readonly limit?: number;
  /** `instruct` (default) or `lm-eval`. */
  readonly format?: string;
  /** Solved examples before each prompt (lm-eval format; GSM8K's train.jsonl beside the test file). */
  readonly shots?: number;
}

/** The benchmark's problems with formatted prompts; answers untouched. */
export function benchmarkProblems(
  name: BenchmarkName,
  options: BenchmarkProblemOptions = {},
): Problem[] {
  const format = (options.format ?? 'instruct') as PromptFormat;
  if (!PROMPT_FORMATS.includes(format)) {
    throw new InvalidInputError(
      `unknown prompt format "${options.format}"`,
      { field: '--format' },
      {
        hint: `use ${PROMPT_FORMATS.join(' or ')}`,
      },
    );
  }
  const file = options.data ?? defaultDatasetPath(name);
  const all = loadBenchmark(name, file);
  const problems = options.limit === undefined ? all : all.slice(0, options.limit);
  const k = options.shots ?? 0;
  if (k > 0 && (format !== 'lm-eval' || name !== 'gsm8k')) {
    throw new InvalidInputError('few-shot examples need --format lm-eval and gsm8k', {
      field: '--shots',
    });
  }
  const shots = k > 0 ? loadGsm8k(join(dirname(file), 'train.jsonl')).slice(0, k) : [];
  return formatProblems(problems, format, shots);
}
