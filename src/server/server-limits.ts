// Every size a client of `serve` can ask for, bounded in one place: requests past a limit get a
// 4xx naming the field and the limit. docs/security.md lists these values; keep them in step.

/** Bounds of one chat completion request. */
export const CHAT_LIMITS = {
  /** Messages in `messages`. */
  messages: 256,
  /** Text parts in one message's content array. */
  contentParts: 64,
  /** `max_tokens` / `max_completion_tokens`. */
  maxTokens: 32_768,
  /** `n`: choices per request. */
  choices: 16,
  /** `self_refine.max_iterations`. */
  refineIterations: 8,
  /** Sequences in `stop`, and characters in each. */
  stopSequences: 4,
  stopLength: 256,
  /** `top_k`. */
  topK: 1_000,
  /** Turns in `self_episode.turns`. */
  episodeTurns: 64,
  /** Characters of a model name (`model`, `/v1/models/{id}`). */
  modelName: 256,
} as const;

/** Bounds of the HTTP layer; the body and model bounds are flags of `serve`. */
export const HTTP_LIMITS = {
  /** Default `--max-body-bytes`: the largest request body (uploads included). */
  bodyBytes: 1 << 20,
  /** Open connections at once; more are refused at connect. */
  connections: 1_024,
  /** Time to receive a whole request (headers and body), else 408. */
  requestTimeoutMs: 30_000,
  /** Time to receive the headers, else 408. */
  headersTimeoutMs: 10_000,
  /** Default `--max-loaded-models`: checkpoints kept loaded at once (least recently used out). */
  loadedModels: 4,
  /** `limit` of a list page. */
  pageSize: 100,
} as const;

/** Bounds of the fine-tuning API: what a job may ask for and what the store keeps. */
export const FINE_TUNING_LIMITS = {
  /** Optimizer steps of one job, given as `steps` or implied by epochs × rows / batch size. */
  trainingSteps: 100_000,
  /** `n_epochs` (or `epochs`). */
  epochs: 100,
  /** `batch_size` (or `batchSize`): activations grow with batch × context. */
  batchSize: 64,
  /** `learning_rate_multiplier` (× 1e-3). */
  learningRateMultiplier: 100,
  /** `learningRate` (the engine's name). */
  learningRate: 1,
  /** `warmupSteps`. */
  warmupSteps: 100_000,
  /** `weightDecay`. */
  weightDecay: 10,
  /** `gradClip`. */
  gradClip: 1_000_000,
  /** Files kept at once (uploads and result files). */
  files: 1_000,
  /** Bytes kept at once over all files. */
  storedBytes: 1 << 30,
  /** Jobs waiting or running at once. */
  pendingJobs: 16,
  /** Characters of an uploaded file's name. */
  filename: 255,
  /** Characters of `suffix`. */
  suffix: 64,
  /** `metadata`: pairs, and characters of a key and of a value. */
  metadataPairs: 16,
  metadataKey: 64,
  metadataValue: 512,
} as const;

/** The fine-tuning store's bounds that a deployment (or a test) may change. */
export interface StoreLimits {
  readonly files: number;
  readonly storedBytes: number;
  readonly pendingJobs: number;
}
