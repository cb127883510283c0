// Problems from a data file: JSONL or a JSON array, with a field mapping so published files load
// as they are (GSM8K's `question`/`answer`, SVAMP's `Body`/`Question`/`Answer`), or from a dataset
// the package ships. Every bad record is reported as `file:line field`.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { InvalidInputError } from '../spec/errors.js';
import type { Problem } from '../spec/task.js';
import { type DataRecord, parseRecords, readText } from './records.js';

/**
 * Where each problem field comes from: a field of the record (`"question"`, or a dotted path
 * `"meta.q"`), or a template over fields (`"{Body} {Question}"`). Unset: `id`, `prompt`,
 * `answer`, `solution` by those names, the last three optional.
 */
export const problemFieldsSchema = z
  .object({
    id: z.string().min(1).optional(),
    prompt: z.string().min(1).optional(),
    answer: z.string().min(1).optional(),
    solution: z.string().min(1).optional(),
  })
  .strict();

const regexSource = z.string().superRefine((source, ctx) => {
  const problem = regexProblem(source);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A data file of problems: a path (or a shipped dataset's name) with an optional mapping. */
export const problemFileSchema = z.union([
  z.string().min(1),
  z
    .object({
      /** A JSONL or JSON file. */
      path: z.string().min(1).optional(),
      /** A dataset the package ships (`gsm8k:train`, `gsm8k:test`, `svamp`). */
      dataset: z.string().min(1).optional(),
      fields: problemFieldsSchema.optional(),
      /** Reads the answer out of its field: the first capture group of this regex. */
      answerPattern: regexSource.optional(),
      /** Skip the first `offset` records (e.g. the part of a file another spec uses). */
      offset: z.number().int().min(0).optional(),
      /** Use `limit` problems only. */
      limit: z.number().int().min(1).optional(),
      /** The file's SHA-256: a run refuses a file that changed since it started. */
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits')
        .optional(),
    })
    .strict()
    .refine((f) => (f.path === undefined) !== (f.dataset === undefined), {
      message: 'give exactly one of "path" and "dataset"',
    }),
]);

export type ProblemFieldsSpec = z.infer<typeof problemFieldsSchema>;
export type ProblemFileSpec = z.infer<typeof problemFileSchema>;
/** A problem file spec in object form with a path: what a loader reads. */
export type ProblemFile = {
  readonly path: string;
  readonly fields?: ProblemFieldsSpec;
  readonly answerPattern?: string;
  readonly offset?: number;
  readonly limit?: number;
  readonly sha256?: string;
  /** Ids become `<idPrefix><index>` when the mapping gives none (default `<file name>:<line>`). */
  readonly idPrefix?: string;
  /** Builds the prompt itself (for datasets a template cannot express). */
  readonly prompt?: (record: Record<string, unknown>) => string;
};

/** Why a regex source cannot read an answer (bad syntax or no capture group), or undefined. */
export function regexProblem(source: string, flags = ''): string | undefined {
  let groups: number;
  try {
    groups = new RegExp(`${source}|`, flags).exec('')!.length - 1;
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
  return groups < 1 ? 'needs a capture group, e.g. "answer: (-?\\\\d+)"' : undefined;
}

/** The SHA-256 of a file's bytes, as hex. */
export function fileDigest(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** The value at a dotted path of a record, or undefined. */
function lookup(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const scalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * One mapped field of a record: a field name or a template. `required`: a missing field is an
 * error naming the record's line and the field the mapping names.
 */
function mapped(
  record: DataRecord,
  target: string,
  source: string,
  required: boolean,
): string | undefined {
  const missing = (name: string) =>
    new InvalidInputError(
      `has no field "${name}"${target === name ? '' : ` (mapped to ${target})`}`,
      { ...record.at, field: name },
      { hint: `fields present: ${Object.keys(record.value).join(', ') || 'none'}` },
    );
  if (!source.includes('{')) {
    const value = lookup(record.value, source);
    if (value === undefined || value === null) {
      if (required) throw missing(source);
      return undefined;
    }
    if (!scalar(value))
      throw new InvalidInputError('must be a string or a number', {
        ...record.at,
        field: source,
      });
    return String(value);
  }
  return source.replace(PLACEHOLDER, (_, name: string) => {
    const value = lookup(record.value, name);
    if (value === undefined || value === null) throw missing(name);
    if (!scalar(value))
      throw new InvalidInputError('must be a string or a number', { ...record.at, field: name });
    return String(value);
  });
}

/** The problems of records read with `file`'s mapping. */
export function toProblems(records: readonly DataRecord[], file: ProblemFile): Problem[] {
  const fields = file.fields ?? {};
  const pattern = file.answerPattern ? new RegExp(file.answerPattern) : undefined;
  const name = basename(file.path);
  const start = file.offset ?? 0;
  const limited = records.slice(start, file.limit === undefined ? undefined : start + file.limit);
  return limited.map((record) => {
    const prompt = file.prompt
      ? file.prompt(record.value)
      : mapped(record, 'prompt', fields.prompt ?? 'prompt', true)!;
    if (!prompt.trim()) {
      throw new InvalidInputError('is empty', { ...record.at, field: fields.prompt ?? 'prompt' });
    }
    let answer = mapped(record, 'answer', fields.answer ?? 'answer', fields.answer !== undefined);
    if (answer !== undefined && pattern) {
      const match = pattern.exec(answer);
      if (!match || match[1] === undefined) {
        throw new InvalidInputError(
          `${JSON.stringify(answer.slice(-60))} does not match answerPattern ${pattern}`,
          { ...record.at, field: fields.answer ?? 'answer' },
        );
      }
      answer = match[1];
    }
    const solution = mapped(
      record,
      'solution',
      fields.solution ?? 'solution',
      fields.solution !== undefined,
    );
    const id = mapped(record, 'id', fields.id ?? 'id', fields.id !== undefined);
    return {
      id:
        id ??
        (file.idPrefix !== undefined
          ? `${file.idPrefix}${record.index}`
          : `${name}:${record.at.line}`),
      prompt,
      answer,
      solution,
    };
  });
}

/** Reads the problems of a file; with `requireAnswer`, a problem without one is an error. */
export function readProblemFile(
  file: ProblemFile,
  options: { requireAnswer?: boolean; what?: string } = {},
): Problem[] {
  const text = readText(file.path, options.what ?? 'the data file');
  if (file.sha256 !== undefined) {
    if (fileDigest(file.path) !== file.sha256) {
      throw new InvalidInputError(
        'changed since the run started (its SHA-256 differs)',
        { file: file.path },
        { hint: 'restore the file the run started with, or start a new run' },
      );
    }
  }
  const problems = toProblems(parseRecords(text, file.path), file);
  if (problems.length === 0) throw new InvalidInputError('holds no problems', { file: file.path });
  if (options.requireAnswer) {
    const at = problems.findIndex((p) => p.answer === undefined);
    if (at >= 0) {
      throw new InvalidInputError(
        'is required to score this file',
        { file: file.path, field: file.fields?.answer ?? 'answer' },
        {
          hint: `problem ${problems[at].id} has none; map the answer with "fields": {"answer": "<field>"}`,
        },
      );
    }
  }
  return problems;
}

/** Problems as JSONL lines `{"id", "prompt", "answer"?, "solution"?}`. */
export function problemsJsonl(
  problems: readonly Problem[],
  options: { answers?: boolean; solutions?: boolean } = {},
): string {
  const { answers = true, solutions = false } = options;
  return problems
    .map((p) => {
      const row: Record<string, string | undefined> = { id: p.id, prompt: p.prompt };
      if (answers) row.answer = p.answer;
      if (solutions) row.solution = p.solution;
      return `${JSON.stringify(row)}\n`;
    })
    .join('');
}
