// Batched generation with a KV cache: every sample gets a cache slot; each step feeds the rows
// each sample still needs (a whole prompt chunk, or its last token) through one forward pass, then
// samples the samples that are ready. Samples draw from their own random stream, so a sample's
// text depends only on (weights, prompt, settings, seed, its index), never on its batch-mates.
import { CancelledError, ContextLengthError, InvalidInputError } from '../spec/errors.js';
import { DecodeState } from './decode.js';
import type { Model } from './model.js';
import { Rng } from './rng.js';
import { SamplerScratch, type SamplingSettings, sampleToken } from './sampling.js';
import { END, type StreamDecoder, type Tokenizer } from './tokenizer.js';

export interface GenerateRequest extends SamplingSettings {
  /** Token ids to continue; 1..contextLength of them. */
  readonly prompt: ArrayLike<number>;
  /** New tokens per sample at most (default: until a stop or the context is full). */
  readonly maxTokens?: number;
  /** Text ends before the first occurrence of any of these. */
  readonly stop?: readonly string[];
  /** Tokens that end a sample (not included in its text); default `<|end|>`. */
  readonly stopTokens?: readonly number[];
  /** Sample i of this request draws from Rng(seed, i); default 0. */
  readonly seed?: number;
  /** Samples of this prompt (default 1). */
  readonly n?: number;
}

export interface GeneratedSample {
  /** New tokens, the stop token excluded. */
  readonly tokens: number[];
  readonly text: string;
  readonly finishReason: 'stop' | 'length';
}

export interface GenerateRunOptions {
  readonly signal?: AbortSignal;
  /** Called as requests complete: `done` of `total`. */
  readonly onRequestDone?: (done: number, total: number) => void;
}

interface Job {
  readonly request: number;
  readonly index: number;
  readonly settings: GenerateRequest;
  readonly seq: number[];
  readonly generated: number[];
  readonly rng: Rng;
  readonly decoder: StreamDecoder;
  text: string;
  slot: number;
  /** Tokens of seq already in the cache. */
  fed: number;
}

/** Generates with one model; reuses its caches across calls. */
export class Generator {
  private readonly state: DecodeState;
  private readonly scratch: SamplerScratch;

  constructor(
    readonly model: Model,
    readonly tokenizer: Tokenizer,
    options: { slots?: number; maxRows?: number } = {},
  ) {
    const slots = options.slots ?? 64;
    this.state = new DecodeState(model, slots, Math.max(slots, options.maxRows ?? 1024));
    this.scratch = new SamplerScratch(model.config.vocabSize);
  }

  /** Samples for every request, in request order; n per request. */
  async generate(
    requests: readonly GenerateRequest[],
    options: GenerateRunOptions = {},
  ): Promise<GeneratedSample[][]> {
    requests.forEach((r, i) => {
      this.check(r, i);
    });
    const results = requests.map((r) => new Array<GeneratedSample>(r.n ?? 1));
    const remaining = requests.map((r) => r.n ?? 1);
    // Popped from the end: reversed so samples start in request order.
    const pending = this.jobs(requests).reverse();
    let done = 0;
    const freeSlots = Array.from(
      { length: this.state.slotCount },
      (_, i) => this.state.slotCount - 1 - i,
    );
    const active: Job[] = [];
    let lastYield = performance.now();
    while (pending.length > 0 || active.length > 0) {
      while (freeSlots.length > 0 && pending.length > 0) {
        const job = pending.pop()!;
        job.slot = freeSlots.pop()!;
        active.push(job);
      }
      const ready = this.feed(active);
      for (let i = 0; i < ready.length; i++) {
        const job = ready[i];
        const V = this.model.config.vocabSize;
        const token = sampleToken(
          this.state.logits.subarray(i * V, i * V + V),
          job.settings,
          job.rng,
          this.scratch,
        );
        const finish = this.advance(job, token);
        if (!finish) continue;
        results[job.request][job.index] = {
          tokens: job.generated,
          text: job.text,
          finishReason: finish,
        };
        active.splice(active.indexOf(job), 1);
        freeSlots.push(job.slot);
        if (--remaining[job.request] === 0) options.onRequestDone?.(++done, requests.length);
      }
      if (performance.now() - lastYield > 50) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      if (options.signal?.aborted) throw new CancelledError('generation cancelled');
    }
    return results;
  }

  /** One job per sample, in request order; sample i of a request draws from Rng(seed, i). */
  private jobs(requests: readonly GenerateRequest[]): Job[] {
    return requests.flatMap((settings, request) =>
      Array.from({ length: settings.n ?? 1 }, (_, index) => ({
        request,
        index,
        settings,
        seq: Array.from(settings.prompt),
        generated: [],
        rng: new Rng(settings.seed ?? 0, index),
        decoder: this.tokenizer.streamDecoder(),
        text: '',
        slot: -1,
        fed: 0,
      })),
    );
  }

  /** Releases the caches. */
  free(): void {
    this.state.free();
  }

  /** Feeds one step of rows: decoding samples first (one row each), then prompt chunks. */
  private feed(active: readonly Job[]): Job[] {
    const s = this.state;
    const ready: Job[] = [];
    const want: number[] = [];
    let rows = 0;
    const byNeed = [...active].sort((a, b) => a.seq.length - a.fed - (b.seq.length - b.fed));
    for (const job of byNeed) {
      const take = Math.min(job.seq.length - job.fed, s.maxRows - rows);
      if (take <= 0) break;
      for (let t = 0; t < take; t++) {
        s.tokens[rows] = job.seq[job.fed];
        s.slots[rows] = job.slot;
        s.positions[rows] = job.fed;
        job.fed++;
        rows++;
      }
      if (job.fed === job.seq.length) {
        ready.push(job);
        want.push(rows - 1);
      }
    }
    s.step(rows, want);
    return ready;
  }

  /** Appends a sampled token; returns why the sample ended, or undefined if it goes on. */
  private advance(job: Job, token: number): 'stop' | 'length' | undefined {
    const { settings } = job;
    if ((settings.stopTokens ?? [END]).includes(token)) {
      job.text += job.decoder.flush();
      return 'stop';
    }
    job.generated.push(token);
    job.seq.push(token);
    const before = job.text.length;
    job.text += job.decoder.push(token);
    for (const stop of settings.stop ?? []) {
      const at = stop ? job.text.indexOf(stop, Math.max(0, before - stop.length + 1)) : -1;
      if (at >= 0) {
        job.text = job.text.slice(0, at);
        return 'stop';
      }
    }
    const full = job.seq.length > this.model.config.contextLength;
    if (full || job.generated.length >= (settings.maxTokens ?? Number.POSITIVE_INFINITY)) {
      job.text += job.decoder.flush();
      return 'length';
    }
    return undefined;
  }

  private check(r: GenerateRequest, i: number): void {
    const { vocabSize: V, contextLength } = this.model.config;
    const bad = (field: string, what: string) => {
      throw new InvalidInputError(what, { field: `requests[${i}].${field}` });
    };
    if (r.prompt.length === 0) bad('prompt', 'is empty: give at least one token');
    if (r.prompt.length > contextLength) {
      throw new ContextLengthError(r.prompt.length, contextLength, `prompt of request ${i}`);
    }
    for (let t = 0; t < r.prompt.length; t++) {
      const id = r.prompt[t];
      if (!Number.isInteger(id) || id < 0 || id >= V)
        bad('prompt', `has token ${id}, outside [0, ${V})`);
    }
    const int = (v: number | undefined, min: number) =>
      v === undefined || (Number.isInteger(v) && v >= min);
    if (!int(r.n, 1)) bad('n', `must be a positive integer, got ${r.n}`);
    if (!int(r.maxTokens, 1)) bad('maxTokens', `must be a positive integer, got ${r.maxTokens}`);
    if (!int(r.topK, 0)) bad('topK', `must be a non-negative integer, got ${r.topK}`);
    if (!(r.temperature === undefined || r.temperature >= 0))
      bad('temperature', `must be ≥ 0, got ${r.temperature}`);
    if (!(r.topP === undefined || (r.topP > 0 && r.topP <= 1)))
      bad('topP', `must be in (0, 1], got ${r.topP}`);
    if (!(r.seed === undefined || Number.isSafeInteger(r.seed)))
      bad('seed', `must be an integer, got ${r.seed}`);
  }
}
