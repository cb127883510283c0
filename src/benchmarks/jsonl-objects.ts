// Reads a JSONL file of objects, with every problem reported as `file:line`.
import { readFileSync } from 'node:fs';
import { InvalidInputError, type Location } from '../spec/errors.js';

/** Reads `file` (`what` names it in errors); blank lines are skipped, other lines must be objects. */
export function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read ${what}: ${(error as Error).message}`, { file });
  }
}

/**
 * Maps the objects of a JSONL file in order, so the first bad line (syntax or content) is the one
 * reported. `shape` describes a line for the error message.
 */
export function readJsonlObjects<T>(
  file: string,
  what: string,
  shape: string,
  map: (row: Record<string, unknown>, at: Location & { line: number }, index: number) => T,
): T[] {
  const rows: T[] = [];
  readText(file, what)
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const at = { file, line: i + 1 };
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch (error) {
        throw new InvalidInputError(`not valid JSON: ${(error as Error).message}`, at);
      }
      if (typeof row !== 'object' || row === null || Array.isArray(row)) {
        throw new InvalidInputError(`expected ${shape}`, at);
      }
      rows.push(map(row as Record<string, unknown>, at, rows.length));
    });
  return rows;
}
