// The call wrapper every external model goes through: a concurrency limit, retries with backoff
// and jitter honouring Retry-After, per-attempt timeouts, the response cache, token accounting per
// stage and the budget cap. It is itself a LanguageModel, so the pipeline does not know it is there.
import { ProviderError } from '../spec/errors.js';
import type {
  CompleteOptions,
  Completion,
  CompletionRequest,
  LanguageModel,
} from '../spec/language-model.js';
import { callWithRetries } from './call-with-retries.js';
import { completeEach } from './complete-each.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { type ResponseCache, requestKey } from './response-cache.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
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

  /** Closes the wrapped model (once for all stage views: they share it). */
  async close(): Promise<void> {
    await this.shared.inner.close?.();
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
      const completion = await this.call(request, signal);
      if (completion.error !== undefined) return completion;
      const cost = costOf(completion.usage, this.shared.prices);
      ledger.recordCall(this.stage, completion.usage, this.shared.prices);
      cache?.put(key, inner.id, request, completion, cost);
      return completion;
    });
  }

  /**
   * One call with retries. A request the server refuses as such (400, 413, 422: a prompt too
   * long for its context, say) fails alone, as a completion with an error; anything else throws.
   */
  private async call(request: CompletionRequest, signal?: AbortSignal): Promise<Completion> {
    const { inner, ledger } = this.shared;
    try {
      return await callWithRetries(
        async (attemptSignal) => {
          const [c] = await inner.complete([request], { signal: attemptSignal });
          if (!c) throw new ProviderError(`${inner.id} returned no completion`);
          return c;
        },
        {
          what: inner.id,
          policy: this.shared.retry,
          timeoutMs: this.shared.timeoutMs,
          signal,
          random: this.shared.random,
          onRetry: () => ledger.recordRetry(this.stage),
          onFailure: () => ledger.recordFailure(this.stage),
        },
      );
    } catch (error) {
      const status = error instanceof ProviderError ? error.statusCode : undefined;
      if (status !== 400 && status !== 413 && status !== 422) throw error;
      const n = request.n ?? 1;
      return {
        texts: Array(n).fill(''),
        finishReasons: Array(n).fill('error'),
        usage: { inputTokens: 0, outputTokens: 0 },
        error: (error as Error).message,
      };
    }
  }
}
