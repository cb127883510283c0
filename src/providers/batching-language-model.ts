// Gathers requests from concurrent callers (e.g. HTTP requests to `serve`) into one batched
// `complete` call, so a model that batches internally (the embedded engine) runs them together.
import type {
  CompleteOptions,
  Completion,
  CompletionRequest,
  LanguageModel,
} from '../spec/language-model.js';

interface Pending {
  readonly request: CompletionRequest;
  readonly resolve: (c: Completion) => void;
  readonly reject: (e: unknown) => void;
}

export interface BatchingOptions {
  /** Most requests in one inner call. Default 64. */
  readonly maxBatch?: number;
  /** How long an idle model waits for more requests before starting a batch. Default 2 ms. */
  readonly windowMs?: number;
}

/**
 * Wraps a model whose output for a request does not depend on the other requests of its batch
 * (the embedded engine guarantees this), so batching changes speed, not results. One inner call
 * runs at a time; requests arriving meanwhile form the next batch. If a batch fails, its requests
 * are retried one by one so that only the request at fault sees the error.
 */
export class BatchingLanguageModel implements LanguageModel {
  readonly id: string;
  private queue: Pending[] = [];
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  /** Sizes of the batches run so far, for tests and stats. */
  readonly batchSizes: number[] = [];

  constructor(
    readonly inner: LanguageModel,
    private readonly options: BatchingOptions = {},
  ) {
    this.id = inner.id;
  }

  complete(requests: readonly CompletionRequest[], options: CompleteOptions = {}) {
    let done = 0;
    return Promise.all(
      requests.map(
        (request) =>
          new Promise<Completion>((resolve, reject) => {
            this.queue.push({
              request,
              resolve: (c) => {
                options.onProgress?.(++done, requests.length);
                resolve(c);
              },
              reject,
            });
            this.schedule();
          }),
      ),
    );
  }

  private schedule(): void {
    if (this.busy || this.timer) return;
    if (this.queue.length >= (this.options.maxBatch ?? 64)) {
      void this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.windowMs ?? 2);
  }

  private async flush(): Promise<void> {
    if (this.busy || this.queue.length === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.busy = true;
    const batch = this.queue.splice(0, this.options.maxBatch ?? 64);
    this.batchSizes.push(batch.length);
    try {
      const out = await this.inner.complete(batch.map((p) => p.request));
      for (const [i, p] of batch.entries()) p.resolve(out[i]);
    } catch (error) {
      if (batch.length === 1) batch[0].reject(error);
      else await this.oneByOne(batch);
    } finally {
      this.busy = false;
      if (this.queue.length) void this.flush();
    }
  }

  private async oneByOne(batch: Pending[]): Promise<void> {
    for (const p of batch) {
      try {
        p.resolve((await this.inner.complete([p.request]))[0]);
      } catch (error) {
        p.reject(error);
      }
    }
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
