// The one path from a zod failure to a config error: the first issue becomes an InvalidInputError
// that says `file:line field "path": what`, the line found in the JSON text when there is one.
import type { z } from 'zod';
import { InvalidInputError } from '../spec/errors.js';
import { lineOfPath } from './json-locate.js';

/** Where a config value came from, so errors can point into it. */
export interface ConfigSource {
  /** The file (or a description such as `--seed` or `run demo (stored config)`). */
  readonly file?: string;
  /** The JSON text of the file, for line numbers. */
  readonly text?: string;
  /** Path of the parsed value inside the file (`["models", "student"]`), when not the root. */
  readonly at?: readonly (string | number)[];
}

/** The path of a zod issue, with an unknown key appended so the line is the key's own. */
function issuePath(issue: z.core.$ZodIssue): (string | number)[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys' && issue.keys.length) path.push(issue.keys[0]);
  return path;
}

/** Validates `input` with `schema`; the first issue is thrown as an InvalidInputError. */
export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  input: unknown,
  source: ConfigSource = {},
  hint?: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [...(source.at ?? []), ...issuePath(issue)];
  throw new InvalidInputError(
    issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message,
    {
      file: source.file,
      line: source.text ? lineOfPath(source.text, path) : undefined,
      field: path.join('.') || undefined,
    },
    hint ? { hint } : {},
  );
}
