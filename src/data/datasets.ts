// The datasets the package ships (datasets/ in the package, with their licences) and a registry
// for more: a name such as `gsm8k:test` in a config or on the command line resolves to a copy
// inside the package, never to a folder beside the checkout.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '../spec/errors.js';
import type { ProblemFile, ProblemFileSpec } from './problems.js';

/** The prompt suffix that asks for a `#### N` final line (GSM8K's own answer format). */
export const GSM8K_INSTRUCTION =
  'Solve it step by step. End with a final line of the form "#### <number>".';

/** The root of the installed package (holding dist/ and datasets/). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A dataset by name: its file and how its records become problems. */
export type DatasetDefinition = Omit<ProblemFile, 'path'> & {
  /** Absolute, or relative to the package root. */
  readonly file: string;
  readonly description: string;
};

const GSM8K = {
  fields: { prompt: `{question}\n${GSM8K_INSTRUCTION}`, solution: 'answer', answer: 'answer' },
  answerPattern: '#### (-?[0-9.,]+)',
} as const;

/** SVAMP's prompt: the body, a period if it has no end mark, and the question. */
export function svampPrompt(record: Record<string, unknown>): string {
  const body = String(record.Body ?? '').trim();
  return `${body}${/[.?!]$/.test(body) ? '' : '.'} ${String(record.Question ?? '').trim()}`;
}

const datasets = new Map<string, DatasetDefinition>([
  [
    'gsm8k:train',
    {
      ...GSM8K,
      file: 'datasets/gsm8k/train.jsonl',
      idPrefix: 'gsm8k-train-',
      description: 'GSM8K training split, 7,473 problems with worked solutions (MIT)',
    },
  ],
  [
    'gsm8k:test',
    {
      ...GSM8K,
      file: 'datasets/gsm8k/test.jsonl',
      idPrefix: 'gsm8k-',
      description: 'GSM8K test split, 1,319 problems (MIT)',
    },
  ],
  [
    'svamp',
    {
      file: 'datasets/svamp/SVAMP.json',
      fields: { id: 'ID', answer: 'Answer', solution: 'Equation' },
      prompt: (r) => `${svampPrompt(r)}\n${GSM8K_INSTRUCTION}`,
      description: 'SVAMP, 1,000 problems (MIT)',
    },
  ],
]);

/** Registers (or replaces) a dataset name. */
export function registerDataset(name: string, definition: DatasetDefinition): void {
  datasets.set(name, definition);
}

/** Names of the known datasets. */
export function datasetNames(): string[] {
  return [...datasets.keys()];
}

/** The definition of dataset `name`, or an error listing the known ones. */
export function requireDataset(name: string, field = 'dataset'): DatasetDefinition {
  const found = datasets.get(name);
  if (!found) {
    throw new InvalidInputError(
      `unknown dataset "${name}"`,
      { field },
      { hint: `known datasets: ${datasetNames().join(', ')}` },
    );
  }
  return found;
}

/** The absolute path of a dataset's file. */
export function datasetPath(name: string): string {
  const file = requireDataset(name).file;
  return isAbsolute(file) ? file : join(PACKAGE_ROOT, file);
}

/**
 * A problem file spec as something to read: a dataset name (or `{"dataset"}`) becomes the shipped
 * file with its mapping (the spec's own fields override it); a path is resolved against `baseDir`
 * (a config file's folder, or the working directory). `field` names the spec in errors.
 */
export function resolveProblemFile(
  spec: ProblemFileSpec,
  baseDir = process.cwd(),
  field = 'data',
): ProblemFile {
  const object =
    typeof spec === 'string' ? (datasets.has(spec) ? { dataset: spec } : { path: spec }) : spec;
  if (object.dataset !== undefined) {
    const { file: _, description: __, ...definition } = requireDataset(object.dataset, field);
    const { dataset: ___, fields, ...rest } = object;
    return {
      ...definition,
      ...rest,
      fields: { ...definition.fields, ...fields },
      path: datasetPath(object.dataset),
    };
  }
  const path = resolve(baseDir, object.path!);
  if (!existsSync(path)) {
    throw new InvalidInputError(
      `no such file: ${path}`,
      { field },
      {
        hint: `give a path (relative to the config's folder) or a dataset: ${datasetNames().join(', ')}`,
      },
    );
  }
  return { ...object, path };
}
