// The call wrapper every external model goes through: a concurrency limit, retries with backoff
// and jitter honouring Retry-After, per-attempt timeouts, the response cache, token accounting per
// stage and the budget cap. It is itself a LanguageModel, so the pipeline does not know it is there.
import { CancelledError, ProviderError, SelfEvolveError } from '../spec/errors.js';
import type {
  CompleteOptions,
  Completion,
  CompletionRequest,
  LanguageModel,
} from '../spec/language-model.js';
import { completeEach } from './complete-each.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { type ResponseCache, requestKey } from './response-cache.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableError,
  type RetryPolicy,
  retryDelayMs,
  statusOf,
} from './retry-policy.js';
import { costOf, type TokenPrices, UsageLedger } from './usage-ledger.js';

/** A model that can say what, beyond its id, shapes its upstream calls (for cache keys). */
export interface Fingerprinted {
  readonly fingerprint?: string;
}

export interface GuardOptions {
  /** Requests in flight at once, across every stage sharing this guard. Default 8. */
  readonly concurrency?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Per-attempt timeout in ms; a timed-out attempt is retried. Default 120 000. */
  readonly timeoutMs?: number;
  readonly cache?: ResponseCache;
  /** Shared by all models of a run; a fresh unlimited ledger when omitted. */
  readonly ledger?: UsageLedger;
  readonly prices?: TokenPrices;
  /** Stage name for accounting. Default `default`; see `withStage`. */
  readonly stage?: string;
  /** For tests and reproducible jitter. */
  readonly random?: () => number;
}

interface Shared {
  readonly inner: LanguageModel & Fingerprinted;
  readonly limit: ConcurrencyLimit;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  readonly cache?: ResponseCache;
  readonly ledger: UsageLedger;
  readonly prices?: TokenPrices;
  readonly random: () => number;
}

/** Wraps a LanguageModel with the guards above. Requests run one model call each. */
export class GuardedLanguageModel implements LanguageModel {
  readonly id: string;
  private readonly shared: Shared;

  constructor(
    inner: LanguageModel & Fingerprinted,
    options: GuardOptions = {},
    readonly stage = options.stage ?? 'default',
    shared?: Shared,
  ) {
    this.id = inner.id;
    this.shared = shared ?? {
      inner,
      limit: new ConcurrencyLimit(options.concurrency ?? 8),
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      timeoutMs: options.timeoutMs ?? 120_000,
      cache: options.cache,
      ledger: options.ledger ?? new UsageLedger(),
      prices: options.prices,
      random: options.random ?? Math.random,
    };
  }

  /** The same model and guards, accounting its calls to `stage`. */
  withStage(stage: string): GuardedLanguageModel {
    return new GuardedLanguageModel(this.shared.inner, {}, stage, this.shared);
  }

  get ledger(): UsageLedger {
    return this.shared.ledger;
  }

  async complete(
    requests: readonly CompletionRequest[],
    options: CompleteOptions = {},
  ): Promise<Completion[]> {
    return completeEach(requests, options, (request) => this.completeOne(request, options.signal));
  }

  private async completeOne(request: CompletionRequest, signal?: AbortSignal): Promise<Completion> {
    const { inner, cache, ledger } = this.shared;
    const key = cache ? requestKey(inner.id, inner.fingerprint ?? '', request) : '';
    const hit = cache?.get(key);
    if (hit) {
      ledger.recordCached(this.stage);
      return hit;
    }
    return this.shared.limit.run(async () => {
      // Checked inside the slot so that queued calls stop once the cap is reached.
      ledger.assertWithinBudget();
      const completion = await this.withRetries(request, signal);
      const cost = costOf(completion.usage, this.shared.prices);
      ledger.recordCall(this.stage, completion.usage, this.shared.prices);
      cache?.put(key, inner.id, request, completion, cost);
      return completion;
    });
  }

  private async withRetries(request: CompletionRequest, signal?: AbortSignal): Promise<Completion> {
    const { inner, retry, timeoutMs, ledger, random } = this.shared;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new CancelledError();
      const timeout = AbortSignal.timeout(timeoutMs);
      const attemptSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        const [completion] = await inner.complete([request], { signal: attemptSignal });
        if (!completion) throw new ProviderError(`${inner.id} returned no completion`);
        return completion;
      } catch (error) {
        if (signal?.aborted) throw new CancelledError();
        const retryable = timeout.aborted || isRetryableError(error);
        if (!retryable || attempt >= retry.maxRetries) {
          ledger.recordFailure(this.stage);
          throw finalError(inner.id, error, attempt + 1, timeout.aborted ? timeoutMs : undefined);
        }
        ledger.recordRetry(this.stage);
        await sleep(retryDelayMs(attempt, error, retry, random), signal);
      }
    }
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
