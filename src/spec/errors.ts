// Error types shared by every capability. Libraries throw these; only the CLI entry turns them
// into messages and exit codes, and only the server turns them into HTTP responses.

/** Where in a file a problem was found. Lines are 1-based. */
export interface Location {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
}

/** Marks our errors, so `isInstance` holds across two copies of the package in one process. */
const MARKER = Symbol.for('self-evolve.error');

/** Base class of every error self-evolve throws on purpose. `code` is stable for scripts. */
export class SelfEvolveError extends Error {
  /** The marker `isInstance` looks for (a symbol shared by every copy of the package). */
  readonly [MARKER] = true;
  readonly code: string;
  /** What the user can do about it, when there is something to say. */
  readonly hint?: string;
  /** Set on errors caused by bad input (exit code 2 rather than 1 in the CLI). */
  readonly isUserError: boolean;

  constructor(
    code: string,
    message: string,
    options: { hint?: string; cause?: unknown; isUserError?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.isUserError = options.isUserError ?? false;
  }

  static isInstance(error: unknown): error is SelfEvolveError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}

/** Formats a location as `file:line field` for messages. */
export function formatLocation(at: Location): string {
  const place = at.file ? (at.line ? `${at.file}:${at.line}` : at.file) : '';
  const field = at.field ? `field "${at.field}"` : '';
  return [place, field].filter(Boolean).join(' ');
}

/** Bad input: a config value, a JSONL line, a CLI flag. Says where and what. */
export class InvalidInputError extends SelfEvolveError {
  readonly at: Location;
  constructor(
    message: string,
    at: Location = {},
    options: { hint?: string; cause?: unknown } = {},
  ) {
    const where = formatLocation(at);
    super('invalid_input', where ? `${where}: ${message}` : message, {
      ...options,
      isUserError: true,
    });
    this.at = at;
  }
}

/** A checkpoint that cannot be read: missing, corrupt, or not matching its config. */
export class CheckpointError extends SelfEvolveError {
  readonly path: string;
  constructor(path: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('checkpoint', `${path}: ${message}`, { ...options, isUserError: true });
    this.path = path;
  }
}

/** A prompt (plus requested tokens) that does not fit the model's context window. */
export class ContextLengthError extends SelfEvolveError {
  readonly tokens: number;
  readonly contextLength: number;
  constructor(tokens: number, contextLength: number, what = 'prompt') {
    super(
      'context_length',
      `${what} is ${tokens} tokens, longer than the model's context of ${contextLength}`,
      { hint: 'shorten the input or use a model with a longer context', isUserError: true },
    );
    this.tokens = tokens;
    this.contextLength = contextLength;
  }
}

/** A call to an external model or service failed. */
export class ProviderError extends SelfEvolveError {
  readonly statusCode?: number;
  readonly isRetryable: boolean;
  constructor(
    message: string,
    options: { statusCode?: number; isRetryable?: boolean; cause?: unknown; hint?: string } = {},
  ) {
    super('provider', message, options);
    this.statusCode = options.statusCode;
    this.isRetryable = options.isRetryable ?? false;
  }
}

/** The run reached its token or cost budget; it stopped cleanly and can be resumed. */
export class BudgetExceededError extends SelfEvolveError {
  constructor(message: string) {
    super('budget_exceeded', message, {
      hint: 'continue with a larger one: `self-evolve resume <run> --max-cost-usd <x>` (or --max-tokens)',
    });
  }
}

/** An external trainer failed; carries its last output lines. */
export class TrainerError extends SelfEvolveError {
  readonly trainer: string;
  readonly lastLines: readonly string[];
  constructor(trainer: string, message: string, lastLines: readonly string[] = []) {
    const tail = lastLines.length
      ? `\nlast output of ${trainer}:\n  ${lastLines.join('\n  ')}`
      : '';
    super('trainer', `trainer "${trainer}" failed: ${message}${tail}`, {
      hint: 'fix the trainer, then `self-evolve resume <run>` continues from this stage',
    });
    this.trainer = trainer;
    this.lastLines = lastLines;
  }
}

/** The operation was cancelled (signal aborted, SIGINT). */
export class CancelledError extends SelfEvolveError {
  constructor(message = 'cancelled') {
    super('cancelled', message);
  }
}
