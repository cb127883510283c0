// The embedded engine's public API: create, train, generate, save, load; the port adapters; and
// the compute port for those who bring their own kernels.
export type { TrainingSequence } from './batching.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointData,
  isCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint.js';
export { type ModelConfig, REFERENCE_CONFIG, validateConfig } from './config.js';
export {
  EmbeddedLanguageModel,
  type EmbeddedLanguageModelOptions,
} from './embedded-language-model.js';
export {
  EmbeddedTrainer,
  type EmbeddedTrainerOptions,
  NEW_MODEL_ID,
  type NewModelMeta,
} from './embedded-trainer.js';
export {
  type CreateOptions,
  DEFAULT_SHAPE,
  Engine,
  type EnginePrompt,
  type ModelShape,
} from './engine.js';
export { encodeExample, encodePrompt } from './episode.js';
export type { GeneratedSample, GenerateRequest, GenerateRunOptions } from './generate.js';
export { createKernels, type KernelsChoice } from './kernels/create-kernels.js';
export { JsKernels } from './kernels/js-kernels.js';
export type { Kernels } from './kernels/kernels.js';
export { releaseKernels } from './release-kernels.js';
export { END, PAD, SPECIAL_TOKENS, Tokenizer, type TokenizerKind, UNK } from './tokenizer.js';
export type { StepProgress, TrainResult, TrainRunOptions, TrainSettings } from './train.js';
