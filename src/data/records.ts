// The one reader of data files: JSONL (an object a line; blank lines skipped) or a JSON array of
// objects, each record with where it came from (`file:line`, or the array index), so every later
// check can say exactly which line is wrong.
import { readFileSync } from 'node:fs';
import { lineIn, pathLines } from '../config/json-locate.js';
import { InvalidInputError, type Location } from '../spec/errors.js';

/** Where a record sits: its file and line (1-based) and its position among the records. */
export type RecordLocation = Location & { readonly file: string; readonly line: number };

/** One object of a data file. */
export interface DataRecord {
  readonly value: Record<string, unknown>;
  readonly at: RecordLocation;
  /** 0-based position among the file's records. */
  readonly index: number;
}

/** Reads `file` as UTF-8; `what` names it in the error (`the dataset`, `predictions`). */
export function readText(file: string, what = 'the file'): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      `cannot read ${what}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      { file },
    );
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The records of a data file's text: a JSON array when the text starts with `[`, else JSONL.
 * A syntax error or a non-object is reported with its line. `shape` describes a record for errors.
 * `visit` sees each JSONL record as soon as it is read, so the first bad line, whether its syntax
 * or its content is wrong, is the one reported.
 */
export function parseRecords(
  text: string,
  file: string,
  shape = 'a JSON object',
  visit?: (record: DataRecord) => void,
): DataRecord[] {
  if (text.trimStart().startsWith('[')) {
    const records = parseArray(text, file, shape);
    if (visit) records.forEach(visit);
    return records;
  }
  const records: DataRecord[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    const at = { file, line: i + 1 };
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new InvalidInputError(`not valid JSON: ${(error as Error).message}`, at);
    }
    if (!isObject(value)) throw new InvalidInputError(`expected ${shape}`, at);
    const record = { value, at, index: records.length };
    records.push(record);
    visit?.(record);
  });
  return records;
}

function parseArray(text: string, file: string, shape: string): DataRecord[] {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`not valid JSON: ${(error as Error).message}`, { file });
  }
  if (!Array.isArray(rows)) throw new InvalidInputError('expected a JSON array', { file });
  const lines = pathLines(text);
  return rows.map((value, index) => {
    const at = { file, line: lineIn(lines, [index]) };
    if (!isObject(value)) throw new InvalidInputError(`expected ${shape}`, at);
    return { value, at, index };
  });
}

/** The records of a JSONL or JSON file. */
export function readRecords(file: string, what = 'the file', shape?: string): DataRecord[] {
  return parseRecords(readText(file, what), file, shape);
}

/** Maps the records of a file in order; for readers that check each record by hand. */
export function readJsonlObjects<T>(
  file: string,
  what: string,
  shape: string,
  map: (row: Record<string, unknown>, at: RecordLocation, index: number) => T,
): T[] {
  const out: T[] = [];
  parseRecords(readText(file, what), file, shape, (r) => out.push(map(r.value, r.at, r.index)));
  return out;
}
