// Finds the line of a value inside a JSON text, so config errors can say `file:line field`.
// A small scanner over the JSON grammar that records where each path starts; it assumes the text
// already parsed with JSON.parse. `readJsonFile` reads a config file with such errors.
import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../spec/errors.js';

/** 1-based line where the value at `path` starts (or the nearest existing parent); 1 if unknown. */
export function lineOfPath(text: string, path: readonly (string | number)[]): number {
  return lineIn(pathLines(text), path);
}

/** The line of `path` in a map made by `pathLines` (or of its nearest existing parent). */
export function lineIn(
  lines: ReadonlyMap<string, number>,
  path: readonly (string | number)[],
): number {
  for (let n = path.length; n >= 0; n--) {
    const hit = lines.get(path.slice(0, n).map(String).join('\u0000'));
    if (hit !== undefined) return hit;
  }
  return 1;
}

/** The line where every value of a JSON text starts, by path: one pass, for many lookups. */
export function pathLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let pos = 0;
  let line = 1;

  const skip = (): void => {
    while (pos < text.length && /\s/.test(text[pos])) {
      if (text[pos] === '\n') line++;
      pos++;
    }
  };
  const readString = (): string => {
    const start = pos;
    pos++;
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const value = (at: string): void => {
    skip();
    lines.set(at, line);
    const ch = text[pos];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      pos++;
      let index = 0;
      skip();
      while (pos < text.length && text[pos] !== close) {
        let key = String(index++);
        if (ch === '{') {
          key = readString();
          skip();
          pos++; // the colon
        }
        value(at ? `${at}\u0000${key}` : key);
        skip();
        if (text[pos] === ',') pos++;
        skip();
      }
      pos++;
    } else if (ch === '"') {
      readString();
    } else {
      while (pos < text.length && /[^,\]}\s]/.test(text[pos])) pos++;
    }
  };

  try {
    value('');
  } catch {
    // A text that does not scan leaves what was found so far.
  }
  return lines;
}

/** The line and column of a JSON.parse error at character `offset`. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

/**
 * Reads and parses a JSON file; an unreadable file or bad JSON is an InvalidInputError with the
 * file and line. Returns the text too, so later validation errors can find their line.
 */
export function readJsonFile(file: string): { json: unknown; text: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read the config: ${(error as Error).message}`, { file });
  }
  try {
    return { json: JSON.parse(text), text };
  } catch (error) {
    const message = (error as Error).message;
    const offset = /position (\d+)/.exec(message);
    const line = offset ? lineOfOffset(text, Number(offset[1])) : undefined;
    throw new InvalidInputError(`not valid JSON: ${message}`, { file, line });
  }
}
