// Local GGUF models through llama.cpp (node-llama-cpp): the LanguageModel, its loader, and the
// feedback constraints. node-llama-cpp itself loads only when a model does.
export {
  LlamaCppLanguageModel,
  type LlamaCppModelOptions,
} from './llama-cpp-language-model.js';
export { LlamaCppLoader, type LlamaCppLoaderOptions } from './llama-cpp-loader.js';
export { disposeLlamaRuntimes, type LlamaGpu, llamaRuntime } from './llama-runtime.js';
export {
  DEFAULT_VERDICT_LIMITS,
  type FeedbackConstraint,
  renderJsonFeedback,
  type VerdictLimits,
  verdictGbnf,
  verdictJsonSchema,
} from './verdict-grammar.js';
