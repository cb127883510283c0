// One call with retries: a per-attempt timeout, backoff with jitter or the server's Retry-After
// between attempts, and a final error that says how many attempts were made and why they failed.
import { setMaxListeners } from 'node:events';
import { CancelledError, ProviderError, SelfEvolveError } from '../spec/errors.js';
import { isRetryableError, type RetryPolicy, retryDelayMs, statusOf } from './retry-policy.js';

export interface RetryOptions {
  /** Names the callee in the final error, e.g. the model id. */
  readonly what: string;
  readonly policy: RetryPolicy;
  /** Per-attempt timeout in ms; a timed-out attempt counts as transient. */
  readonly timeoutMs: number;
  /** The caller's cancellation: stops at once, with CancelledError. */
  readonly signal?: AbortSignal;
  readonly random?: () => number;
  readonly onRetry?: (error: unknown, attempt: number) => void;
  readonly onFailure?: (error: unknown) => void;
}

/** Runs `attempt` until it succeeds, a failure is permanent, or the retries run out. */
export async function callWithRetries<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { policy, timeoutMs, signal } = options;
  for (let n = 0; ; n++) {
    if (signal?.aborted) throw new CancelledError();
    const attemptSignal = new AttemptSignal(timeoutMs, signal);
    try {
      return await attempt(attemptSignal.signal);
    } catch (error) {
      if (signal?.aborted) throw new CancelledError();
      const timedOut = attemptSignal.timedOut;
      if (!(timedOut || isRetryableError(error)) || n >= policy.maxRetries) {
        options.onFailure?.(error);
        throw finalError(options.what, error, n + 1, timedOut ? timeoutMs : undefined);
      }
      options.onRetry?.(error, n);
      await sleep(retryDelayMs(n, error, policy, options.random), signal);
    } finally {
      attemptSignal.dispose();
    }
  }
}

/**
 * One attempt's abort signal: fires on the caller's abort or after the timeout. A plain controller
 * and timer, because AbortSignal.timeout/any cost noticeably per call at hundreds of calls a second.
 */
class AttemptSignal {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  timedOut = false;

  constructor(
    timeoutMs: number,
    private readonly parent?: AbortSignal,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new DOMException('attempt timed out', 'TimeoutError'));
    }, timeoutMs);
    if (parent) {
      // Every call in flight listens to the run's one signal: that is by design, not a leak.
      setMaxListeners(0, parent);
      parent.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private readonly onAbort = () => this.controller.abort(this.parent?.reason);

  dispose(): void {
    clearTimeout(this.timer);
    this.parent?.removeEventListener('abort', this.onAbort);
  }
}

function finalError(
  modelId: string,
  error: unknown,
  attempts: number,
  timedOutAfterMs?: number,
): unknown {
  // Our own errors (context too long, budget) already say what to do.
  if (SelfEvolveError.isInstance(error) && !(error instanceof ProviderError)) return error;
  const reason =
    timedOutAfterMs !== undefined
      ? `timed out after ${timedOutAfterMs} ms`
      : error instanceof Error
        ? error.message
        : String(error);
  const statusCode = statusOf(error);
  return new ProviderError(
    `call to ${modelId} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`,
    {
      statusCode,
      isRetryable: false,
      cause: error,
      hint:
        statusCode === 401 || statusCode === 403
          ? 'check the API key environment variable named in the config'
          : 'check that the model server is up; `self-evolve resume <run>` continues from here',
    },
  );
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(new CancelledError());
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}
