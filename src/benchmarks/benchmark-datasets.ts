// Loaders for the standard benchmarks from local files: GSM8K (JSONL `{question, answer}`, the
// answer ending in `#### N`) and SVAMP (a JSON array of `{ID, Body, Question, Equation, Answer}`).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '../spec/errors.js';
import type { Problem } from '../spec/task.js';
import { extractStrict, INVALID, normalizeAnswer } from './answer-extraction.js';
import { readJsonlObjects, readText } from './jsonl-objects.js';

export type BenchmarkName = 'gsm8k' | 'svamp';
export const BENCHMARKS: readonly BenchmarkName[] = ['gsm8k', 'svamp'];

/** GSM8K problems in file order; `answer` is the normalised number after `#### `. */
export function loadGsm8k(file: string): Problem[] {
  const shape = '{"question": string, "answer": string}';
  return readJsonlObjects(file, 'the dataset', shape, (row, at, i) => {
    if (typeof row.question !== 'string' || typeof row.answer !== 'string') {
      throw new InvalidInputError(`expected ${shape}`, at);
    }
    const answer = extractStrict(row.answer);
    if (answer === INVALID) {
      throw new InvalidInputError('the answer has no final "#### N" line', {
        ...at,
        field: 'answer',
      });
    }
    return {
      id: `gsm8k-${i}`,
      prompt: row.question,
      answer: normalizeAnswer(answer),
      solution: row.answer,
    };
  });
}

/** SVAMP problems in file order; the prompt is Body and Question joined by a space. */
export function loadSvamp(file: string): Problem[] {
  let rows: unknown;
  try {
    rows = JSON.parse(readText(file, 'the dataset'));
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`not valid JSON: ${(error as Error).message}`, { file });
  }
  if (!Array.isArray(rows))
    throw new InvalidInputError('expected a JSON array of problems', { file });
  return rows.map((row, i) => {
    const at = { file, field: `[${i}]` };
    if (
      typeof row !== 'object' ||
      row === null ||
      typeof row.Body !== 'string' ||
      typeof row.Question !== 'string'
    ) {
      throw new InvalidInputError('expected {"Body": string, "Question": string, ...}', at);
    }
    if (typeof row.Answer !== 'number' || !Number.isFinite(row.Answer)) {
      throw new InvalidInputError('"Answer" must be a number', { ...at, field: `[${i}].Answer` });
    }
    const body = row.Body.trim();
    return {
      id: typeof row.ID === 'string' ? row.ID : `svamp-${i}`,
      prompt: `${body}${/[.?!]$/.test(body) ? '' : '.'} ${row.Question.trim()}`,
      // String(51.0) is "51": integer answers are written without a decimal point.
      answer: String(row.Answer),
      solution: typeof row.Equation === 'string' ? row.Equation.trim() : undefined,
    };
  });
}

/** Loads benchmark `name` from `file`. */
export function loadBenchmark(name: BenchmarkName, file: string): Problem[] {
  return name === 'gsm8k' ? loadGsm8k(file) : loadSvamp(file);
}

const RELATIVE: Record<BenchmarkName, string> = {
  gsm8k: join('gsm8k', 'test.jsonl'),
  svamp: join('svamp', 'SVAMP.json'),
};

/**
 * The test file of a benchmark when no path is given: `$SELF_EVOLVE_DATASETS/<name>/...`, else
 * `../shared/datasets/` beside the working directory or beside this package.
 */
export function defaultDatasetPath(name: BenchmarkName, env = process.env): string {
  const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const roots = [
    env.SELF_EVOLVE_DATASETS,
    resolve('..', 'shared', 'datasets'),
    resolve(packageRoot, '..', 'shared', 'datasets'),
  ].filter((r): r is string => Boolean(r));
  for (const root of roots) {
    const file = join(root, RELATIVE[name]);
    if (existsSync(file)) return file;
  }
  throw new InvalidInputError(
    `no ${name} test file found (looked in ${roots.join(', ')})`,
    { field: '--data' },
    { hint: `pass --data <path to ${RELATIVE[name]}> or set SELF_EVOLVE_DATASETS` },
  );
}
