// Checks of CLI flags with errors that name the flag: numbers, and output paths that must not be
// overwritten without --force.
import { existsSync } from 'node:fs';
import { InvalidInputError } from '../spec/errors.js';

/** The largest count a flag takes unless it says otherwise: more is not one machine's work. */
export const MAX_FLAG_COUNT = 10_000_000;

/** A non-negative integer flag value, at most `max`. */
export function intOption(value: string, flag: string, max = MAX_FLAG_COUNT): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > max) {
    throw new InvalidInputError(`must be an integer from 0 to ${max}, got "${value}"`, {
      field: flag,
    });
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
