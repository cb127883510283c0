// Parsing of numeric CLI flags with errors that name the flag.
import { InvalidInputError } from '../spec/errors.js';

/** A non-negative integer flag value. */
export function intOption(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidInputError(`must be a non-negative integer, got "${value}"`, { field: flag });
  }
  return n;
}
