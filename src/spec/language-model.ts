// The language-model port: everything the SELF pipeline needs from a model, and nothing more.
// Adapters (the embedded engine, OpenAI-compatible servers, llama.cpp, AI SDK providers) implement it.

/**
 * The sections of a SELF episode, in the order they are written: the task prompt, the model's
 * answer, its critique of that answer, and a refined answer. Feedback and refinement may repeat.
 */
export type Section = 'prompt' | 'response' | 'feedback' | 'refinement';

/** One section of an episode with its text. */
export interface Turn {
  readonly section: Section;
  readonly text: string;
}

/** How to sample. Unset fields take the model's defaults (greedy, no stop strings, n = 1). */
export interface SamplingOptions {
  /** Upper bound on new tokens per sample. */
  readonly maxTokens?: number;
  /** 0 (or unset) is greedy. */
  readonly temperature?: number;
  readonly topK?: number;
  readonly topP?: number;
  /** Generation ends before the first occurrence of any of these strings. */
  readonly stop?: readonly string[];
  /** Same seed, same request, same model: same text. */
  readonly seed?: number;
  /** Samples per request. */
  readonly n?: number;
}

/** Ask the model to write section `next` after the episode so far. */
export interface CompletionRequest extends SamplingOptions {
  readonly turns: readonly Turn[];
  readonly next: Section;
}

export type FinishReason = 'stop' | 'length' | 'error';

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** The n samples written for one request. */
export interface Completion {
  readonly texts: readonly string[];
  readonly finishReasons: readonly FinishReason[];
  readonly usage: Usage;
  /**
   * Why the request failed, when it did (finish reason `error`): a problem of this request alone
   * (a prompt longer than the context, a request the server refused), so the others go on.
   */
  readonly error?: string;
}

export interface CompleteOptions {
  readonly signal?: AbortSignal;
  /** Called as requests finish: `done` of `total` requests. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A model that can write any section of an episode. Batched: adapters choose how to schedule. */
export interface LanguageModel {
  /** Stable identifier, e.g. `embedded:runs/x/m1` or `openai:gpt-4o-mini`. */
  readonly id: string;
  /** One completion per request, in request order. */
  complete(
    requests: readonly CompletionRequest[],
    options?: CompleteOptions,
  ): Promise<Completion[]>;
  /** Releases threads, handles and memory. */
  close?(): Promise<void>;
}
