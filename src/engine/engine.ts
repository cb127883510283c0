// The engine's programmatic API: create a model (config + tokenizer + seed), train it on SFT
// examples or token sequences, generate text, save and load checkpoints.
import { InvalidInputError } from '../spec/errors.js';
import type { SftExample } from '../spec/trainer.js';
import type { TrainingSequence } from './batching.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { type CONFIG_DEFAULTS, type ModelConfig, validateConfig } from './config.js';
import { encodeExample } from './episode.js';
import {
  type GeneratedSample,
  type GenerateRequest,
  type GenerateRunOptions,
  Generator,
} from './generate.js';
import { JsKernels } from './kernels/js-kernels.js';
import type { Kernels } from './kernels/kernels.js';
import { Model } from './model.js';
import { Tokenizer } from './tokenizer.js';
import { type TrainResult, type TrainRunOptions, type TrainSettings, trainModel } from './train.js';

/** A model config without vocabSize (the tokenizer decides it); optional fields take defaults. */
export type ModelShape = Omit<ModelConfig, 'vocabSize' | keyof typeof CONFIG_DEFAULTS> &
  Partial<Pick<ModelConfig, keyof typeof CONFIG_DEFAULTS>> & { readonly vocabSize?: number };

/** A small default shape for new models: the benchmark's reference config, context 256. */
export const DEFAULT_SHAPE: ModelShape = {
  dModel: 128,
  nLayers: 2,
  nHeads: 4,
  dFF: 352,
  contextLength: 256,
};

export interface CreateOptions {
  /** The model's shape (default DEFAULT_SHAPE); vocabSize, when given, must match the tokenizer. */
  readonly config?: Partial<ModelShape>;
  /** Default: byte-level. */
  readonly tokenizer?: Tokenizer;
  readonly seed?: number;
  /** Compute adapter (default: the plain TypeScript kernels). */
  readonly kernels?: Kernels;
  /** Where `config` came from, for error messages (e.g. the file name). */
  readonly configSource?: string;
}

/** Text prompt for `Engine.generate`, or token ids. */
export type EnginePrompt = Omit<GenerateRequest, 'prompt'> & {
  readonly prompt: string | readonly number[];
};

export class Engine {
  private generator: Generator | undefined;
  /** Calls run one at a time: training and generation share kernel buffers and weights. */
  private busy: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly model: Model,
    readonly tokenizer: Tokenizer,
    /** Details stored with the checkpoint (lineage, training settings). */
    public meta: Record<string, unknown> = {},
  ) {}

  get config(): ModelConfig {
    return this.model.config;
  }

  /** A new randomly initialised model; deterministic for a seed. */
  static create(options: CreateOptions = {}): Engine {
    const tokenizer = options.tokenizer ?? Tokenizer.byte();
    const shape = { ...DEFAULT_SHAPE, ...options.config };
    if (shape.vocabSize !== undefined && shape.vocabSize !== tokenizer.vocabSize) {
      throw new InvalidInputError(
        `is ${shape.vocabSize} but the tokenizer has ${tokenizer.vocabSize} tokens`,
        { file: options.configSource, field: 'vocabSize' },
      );
    }
    const at = { file: options.configSource };
    const config = validateConfig({ ...shape, vocabSize: tokenizer.vocabSize }, at);
    const model = Model.init(options.kernels ?? new JsKernels(), config, options.seed ?? 0);
    return new Engine(model, tokenizer, { seed: options.seed ?? 0 });
  }

  /** Loads a checkpoint directory; CheckpointError names the bad file. */
  static async load(dir: string, options: { kernels?: Kernels } = {}): Promise<Engine> {
    const data = await loadCheckpoint(dir);
    const model = new Model(options.kernels ?? new JsKernels(), data.config);
    model.params.set(data.params);
    return new Engine(model, data.tokenizer, { ...data.meta });
  }

  /** Saves atomically to `dir`; an existing directory is replaced only with `overwrite`. */
  async save(dir: string, options: { overwrite?: boolean } = {}): Promise<void> {
    await saveCheckpoint(
      dir,
      {
        config: this.config,
        tokenizer: this.tokenizer,
        params: this.model.params,
        meta: this.meta,
      },
      options,
    );
  }

  /** Trains in place on SFT examples (loss on turns marked `train`) or token sequences. */
  async train(
    examples: readonly (SftExample | TrainingSequence)[],
    settings: TrainSettings = {},
    options: TrainRunOptions = {},
  ): Promise<TrainResult> {
    this.tokenizer.warnUnknown(
      examples.flatMap((e) => ('turns' in e ? e.turns.map((t) => t.text) : [])),
      'training examples',
    );
    const sequences = examples.map((e) =>
      'turns' in e ? encodeExample(this.tokenizer, e.turns) : e,
    );
    return this.exclusive(() => trainModel(this.model, sequences, settings, options));
  }

  /** Samples continuations of each prompt (text or token ids), `n` per request, in request order. */
  async generate(
    requests: readonly EnginePrompt[],
    options: GenerateRunOptions = {},
  ): Promise<GeneratedSample[][]> {
    const encoded = requests.map((r) => ({
      ...r,
      prompt: typeof r.prompt === 'string' ? this.tokenizer.encode(r.prompt) : r.prompt,
    }));
    return this.exclusive(() => {
      this.generator ??= new Generator(this.model, this.tokenizer);
      return this.generator.generate(encoded, options);
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.busy.then(fn, fn);
    this.busy = run.catch(() => undefined);
    return run;
  }

  /** Frees kernel memory (the kernels instance itself stays the caller's). */
  dispose(): void {
    this.generator?.free();
    this.generator = undefined;
    this.model.free();
  }
}
