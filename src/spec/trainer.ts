// The trainer port: turns a base model and curated examples into a new model. Adapters: the
// embedded engine, an external command (TRL, Unsloth, axolotl), an OpenAI-style fine-tuning API.
import type { LanguageModel, Section, Turn } from './language-model.js';

/** Names a model a trainer produced or can start from, and how to load it. */
export interface ModelRef {
  /** Which adapter loads it: `embedded`, `openai`, `command`, `gguf`, ... */
  readonly kind: string;
  /** Adapter-specific identity: a checkpoint directory, a provider's model id. */
  readonly id: string;
  /** The model it was trained from, for lineage. */
  readonly parent?: string;
  /** Adapter-specific details (config, hyperparameters used). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** A turn with its loss mask: the trainer computes loss only on turns marked `train`. */
export interface TrainingTurn extends Turn {
  readonly train: boolean;
}

/** Supervised fine-tuning example: one episode, loss only on the marked sections. */
export interface SftExample {
  readonly turns: readonly TrainingTurn[];
}

/** A preference pair: after `turns`, writing `chosen` as section `next` beats writing `rejected`. */
export interface PreferencePair {
  readonly turns: readonly Turn[];
  readonly next: Section;
  readonly chosen: string;
  readonly rejected: string;
}

export interface TrainRequest {
  /** Where to start. */
  readonly base: ModelRef;
  readonly examples: readonly SftExample[];
  /**
   * Preference pairs from the same curated data, for trainers that do preference tuning (DPO);
   * others ignore them. Optional: not every stage has pairs.
   */
  readonly preferences?: readonly PreferencePair[];
  /** A name for the result, unique within the run (e.g. `meta`, `round-2`). */
  readonly name: string;
  readonly seed: number;
  /** Adapter-specific hyperparameters (epochs, learning rate, ...). */
  readonly hyperparameters?: Readonly<Record<string, number | string | boolean>>;
}

export interface TrainProgress {
  readonly step: number;
  readonly totalSteps: number;
  readonly loss?: number;
  readonly tokensPerSecond?: number;
}

export interface TrainOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TrainProgress) => void;
  /**
   * Trainings running at the same time on this trainer, this one included (default 1). Never
   * more than the trainer's `parallel`; an adapter may use it to share the machine out.
   */
  readonly concurrent?: number;
}

/** Fine-tunes a model. Never mutates `request.base`: the result is a new model. */
export interface Trainer {
  readonly id: string;
  /**
   * How many trainings it runs well at once (default 1: one at a time). The pipeline trains a
   * stage and its SFT control side by side only when this is 2 or more, so a trainer driving one
   * GPU, or a remote API with a job quota, is never asked to run two.
   */
  readonly parallel?: number;
  train(request: TrainRequest, options?: TrainOptions): Promise<ModelRef>;
}

/** Turns a ModelRef into a LanguageModel that can be called. */
export interface ModelLoader {
  load(ref: ModelRef): Promise<LanguageModel>;
}
