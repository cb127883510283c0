// Writes files whole or not at all: a hidden temp file (or folder) beside the target, named after
// it and the writing process, renamed into place; removed again when writing fails. Temp files a
// killed process left behind are recognised by their name and removed by `removeStaleTemps`.
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InvalidInputError } from '../spec/errors.js';

/** `.name.tmp-<pid>-<random>` beside `target`: what a write in progress is called. */
export function tempPathFor(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

const TEMP = /^\..+\.tmp-(\d+)-[0-9a-f]{8}(\.old)?$/;

/** Whether process `pid` runs on this machine (one we may not signal counts as running). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files and folders that writers killed mid-write left in `dir` (those whose
 * process is gone), or only those of the target `name`; returns their names. A missing folder
 * has none.
 */
export function removeStaleTemps(dir: string, name?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter((entry) => {
    const m = TEMP.exec(entry);
    if (name !== undefined && !entry.startsWith(`.${name}.tmp-`)) return false;
    return m !== null && Number(m[1]) !== process.pid && !processAlive(Number(m[1]));
  });
  for (const entry of stale) rmSync(join(dir, entry), { recursive: true, force: true });
  return stale;
}

/**
 * Writes `content` to `path` atomically. An existing file is replaced only with `force`, except
 * that one already holding exactly this content is left as it is (so a re-run of an interrupted
 * export goes through).
 */
export function writeFileAtomic(
  path: string,
  content: string | Buffer,
  options: { force?: boolean } = {},
): void {
  if (!options.force && existsSync(path)) {
    if (sameContent(path, content)) return;
    throw new InvalidInputError(
      'already exists',
      { file: path },
      { hint: 'pass --force to replace it' },
    );
  }
  mkdirSync(dirname(path), { recursive: true });
  removeStaleTemps(dirname(path), basename(path));
  const temp = tempPathFor(path);
  try {
    writeFileSync(temp, content);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function sameContent(path: string, content: string | Buffer): boolean {
  try {
    const now = readFileSync(path);
    return now.equals(typeof content === 'string' ? Buffer.from(content) : content);
  } catch {
    return false;
  }
}

/**
 * Throws when `path` exists with other content than `content` (the caller did not ask to replace
 * it); a file that already holds exactly `content` may stay.
 */
export function assertReplaceable(path: string, content: string | Buffer): void {
  if (existsSync(path) && !sameContent(path, content)) {
    throw new InvalidInputError(
      'already exists',
      { file: path },
      { hint: 'pass --force to replace it' },
    );
  }
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
