// Writes a file whole or not at all (temp file in the same folder, then rename), refusing to
// replace an existing file unless asked.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidInputError } from '../spec/errors.js';

/** Writes `text` to `path` atomically; an existing file is replaced only with `force`. */
export function writeFileAtomic(
  path: string,
  text: string,
  options: { force?: boolean } = {},
): void {
  if (!options.force && existsSync(path)) {
    throw new InvalidInputError(
      'already exists',
      { file: path },
      { hint: 'pass --force to replace it' },
    );
  }
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

/** Throws when `path` exists (the caller did not ask to replace it). */
export function assertAbsent(path: string): void {
  if (existsSync(path)) {
    throw new InvalidInputError(
      'already exists',
      { file: path },
      { hint: 'pass --force to replace it' },
    );
  }
}
