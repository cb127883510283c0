// What the UI's library code throws besides InvalidInputError (bad filters): a thing that does not
// exist, and a store that cannot be read right now. Only ui-app.ts turns them into HTTP responses.
import { SelfEvolveError } from '../spec/errors.js';

/** A run, stage or episode named in the URL that the store does not hold. */
export class NotFoundError extends SelfEvolveError {
  constructor(message: string, hint?: string) {
    super('not_found', message, { hint, isUserError: true });
  }
}

/**
 * The run store cannot be read: `missing` (no runs.db yet), `busy` (another process holds a lock
 * longer than the UI waits) or `unreadable` (not a store, or a newer schema).
 */
export class StoreUnavailableError extends SelfEvolveError {
  constructor(
    readonly reason: 'missing' | 'busy' | 'unreadable',
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super('store_unavailable', message, options);
  }
}
