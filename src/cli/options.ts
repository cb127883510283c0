// Checks of CLI flags with errors that name the flag: numbers, and output paths that must not be
// overwritten without --force.
import { existsSync } from 'node:fs';
import { InvalidInputError } from '../spec/errors.js';

/** A non-negative integer flag value. */
export function intOption(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidInputError(`must be a non-negative integer, got "${value}"`, { field: flag });
  }
  return n;
}

/** Refuses an output path that exists, unless `force`. */
export function refuseExisting(path: string, flag: string, force: boolean | undefined): void {
  if (!force && existsSync(path)) {
    throw new InvalidInputError(
      `${path} already exists`,
      { field: flag },
      { hint: `choose another ${flag}, or pass --force to replace it` },
    );
  }
}
