// The public API of the providers: the AI SDK bridge, the OpenAI-compatible backend, the guard
// (limits, retries, cache, accounting, budget), teachers as models, and loaders over HTTP.
export {
  AiSdkLanguageModel,
  type AiSdkModelOptions,
  EPISODE_FIELD,
} from './ai-sdk-language-model.js';
export { BatchingLanguageModel, type BatchingOptions } from './batching-language-model.js';
export { callWithRetries, type RetryOptions } from './call-with-retries.js';
export {
  type ChatMessage,
  type ChatTemplates,
  chatToTurns,
  DEFAULT_CHAT_TEMPLATES,
  readVerdict,
  renderChat,
  resolveTemplates,
  type SectionTemplate,
  validateTemplates,
} from './chat-template.js';
export { FixedLatencyBenchmarkModel } from './fixed-latency-benchmark-model.js';
export { GuardedLanguageModel, type GuardOptions } from './guarded-language-model.js';
export { HttpModelLoader, type HttpModelLoaderOptions } from './http-model-loader.js';
export { ModelTeacher, type ModelTeacherOptions, TeacherLanguageModel } from './model-teacher.js';
export { createOpenAICompatibleModel, type OpenAICompatibleOptions } from './openai-compatible.js';
export { RESPONSE_CACHE_TABLE, ResponseCache, requestKey } from './response-cache.js';
export {
  DEFAULT_RETRY_POLICY,
  isRetryableError,
  type RetryPolicy,
  retryAfterMs,
} from './retry-policy.js';
export {
  asLanguageModelV3,
  createSelfEvolveProvider,
  SelfEvolveLanguageModelV3,
  type SelfEvolveProvider,
} from './self-evolve-provider.js';
export { type Budget, type StageUsage, type TokenPrices, UsageLedger } from './usage-ledger.js';
