// The embedded engine behind the Trainer and ModelLoader ports. A ModelRef of kind `embedded`
// names a checkpoint directory, or `new` for a fresh model built from `meta` (config, tokenizer,
// seed). Training loads the base afresh, so the base checkpoint is never modified.
import { join, resolve } from 'node:path';
import { InvalidInputError } from '../spec/errors.js';
import type { LanguageModel } from '../spec/language-model.js';
import type {
  ModelLoader,
  ModelRef,
  SftExample,
  Trainer,
  TrainOptions,
  TrainRequest,
} from '../spec/trainer.js';
import { EmbeddedLanguageModel } from './embedded-language-model.js';
import { Engine, type ModelShape } from './engine.js';
import { createKernels, defaultThreads, type KernelsChoice } from './kernels/create-kernels.js';
import type { Kernels } from './kernels/kernels.js';
import { releaseKernels } from './release-kernels.js';
import { Tokenizer } from './tokenizer.js';
import type { TrainSettings } from './train.js';
import { trainInWorker, trainWorkerFile } from './train-in-worker.js';

/** ModelRef.id of a model that does not exist yet: built from `meta`. */
export const NEW_MODEL_ID = 'new';

/**
 * `meta` of a new-model ref. `config`: the shape (defaults: DEFAULT_SHAPE). `tokenizer`: `byte`
 * (default) or `char`; a char tokenizer's alphabet is `alphabet` when given, else printable ASCII
 * plus every character of the training examples. `seed`: initialisation seed (default: the
 * request's seed, or 0 when loading).
 */
export interface NewModelMeta {
  readonly config?: Partial<ModelShape>;
  readonly tokenizer?: 'byte' | 'char';
  readonly alphabet?: string;
  readonly seed?: number;
}

export interface EmbeddedTrainerOptions {
  /** Trained models are saved as `<outputDir>/<request.name>`. */
  readonly outputDir: string;
  /**
   * Compute adapter shared by every model this trainer makes: an instance (the caller disposes
   * it), or a choice created on first use and disposed by close() (default `auto`).
   */
  readonly kernels?: Kernels | KernelsChoice;
  /** Replace an existing `<outputDir>/<name>` (default false: that is an error). */
  readonly overwrite?: boolean;
  /** Passed to the loaded models: what a prompt longer than the context does (default `throw`). */
  readonly onContextOverflow?: 'throw' | 'error';
}

const SETTING_NAMES = [
  'steps',
  'epochs',
  'batchSize',
  'learningRate',
  'minLearningRate',
  'warmupSteps',
  'weightDecay',
  'gradClip',
  'beta1',
  'beta2',
] as const;

/** Trains embedded models and loads them as LanguageModels. */
export class EmbeddedTrainer implements Trainer, ModelLoader {
  readonly id = 'embedded';

  private kernels: Promise<Kernels> | undefined;
  private ownsKernels = false;

  constructor(private readonly options: EmbeddedTrainerOptions) {}

  /**
   * Two when the kernels are a choice and there are two threads or more: a training told it runs
   * beside another (`TrainOptions.concurrent`) then trains on a worker thread with its share of
   * the threads. One with a kernels instance, which cannot be shared across threads.
   */
  get parallel(): number {
    const chosen = this.options.kernels ?? 'auto';
    if (typeof chosen !== 'string' || !trainWorkerFile()) return 1;
    return Math.min(2, defaultThreads());
  }

  /** Disposes the kernels this trainer created; models it loaded must be closed first. */
  async close(): Promise<void> {
    const kernels = this.kernels;
    this.kernels = undefined;
    if (kernels && this.ownsKernels) await releaseKernels(await kernels);
  }

  async train(request: TrainRequest, options: TrainOptions = {}): Promise<ModelRef> {
    const settings = toSettings(request.hyperparameters ?? {}, request.seed);
    const chosen = this.options.kernels ?? 'auto';
    const file = (options.concurrent ?? 1) > 1 ? trainWorkerFile() : undefined;
    if (file && typeof chosen === 'string') {
      // Beside another training: on a worker thread, with its share of the threads and the
      // adapter this thread resolved. The engine trains on SFT examples only: no preferences.
      const kernels = (await this.compute()).name === 'js' ? 'js' : 'wasm';
      const threads = Math.max(1, Math.floor(defaultThreads() / (options.concurrent ?? 1)));
      const { outputDir, overwrite } = this.options;
      const { preferences: _, ...sft } = request;
      return trainInWorker(file, { request: sft, outputDir, overwrite, kernels, threads }, options);
    }
    const engine = await this.open(request.base, request.seed, request.examples);
    const kernels = await this.compute();
    try {
      const result = await engine.train(request.examples, settings, {
        signal: options.signal,
        onStep: (p) =>
          options.onProgress?.({
            step: p.step,
            totalSteps: p.totalSteps,
            loss: p.loss,
            tokensPerSecond: p.tokensPerSecond,
          }),
      });
      const dir = resolve(join(this.options.outputDir, request.name));
      const summary = {
        name: request.name,
        parent: request.base.id,
        examples: request.examples.length,
        settings,
        steps: result.steps,
        finalLoss: result.losses.at(-1),
        lossCurve: lossCurve(result.losses),
        tokensPerSecond: Math.round(result.tokensPerSecond),
        kernels: { name: kernels.name, threads: kernels.threads },
        seconds: Number(result.seconds.toFixed(2)),
      };
      engine.meta = { ...engine.meta, training: summary };
      await engine.save(dir, { overwrite: this.options.overwrite });
      return { kind: 'embedded', id: dir, parent: request.base.id, meta: summary };
    } finally {
      engine.dispose();
    }
  }

  async load(ref: ModelRef): Promise<LanguageModel> {
    const engine = await this.open(ref, 0, []);
    const { onContextOverflow } = this.options;
    return new EmbeddedLanguageModel(engine, { id: `embedded:${ref.id}`, onContextOverflow });
  }

  /** An Engine for a ref: a fresh model for `new`, else the checkpoint directory `ref.id`. */
  async open(ref: ModelRef, seed: number, examples: readonly SftExample[]): Promise<Engine> {
    if (ref.kind !== 'embedded') {
      throw new InvalidInputError(`model kind "${ref.kind}" is not embedded`, {
        field: 'model.kind',
      });
    }
    const kernels = await this.compute();
    if (ref.id !== NEW_MODEL_ID) return Engine.load(ref.id, { kernels });
    const meta = (ref.meta ?? {}) as NewModelMeta;
    return Engine.create({
      config: meta.config,
      tokenizer: newTokenizer(meta, examples),
      seed: meta.seed ?? seed,
      kernels,
    });
  }

  private compute(): Promise<Kernels> {
    if (!this.kernels) {
      const chosen = this.options.kernels ?? 'auto';
      this.ownsKernels = typeof chosen === 'string';
      this.kernels = typeof chosen === 'string' ? createKernels(chosen) : Promise.resolve(chosen);
    }
    return this.kernels;
  }
}

/**
 * The loss by step, averaged over windows so that at most `points` pairs `[last step, mean loss]`
 * remain (what the UI and report.html plot; a checkpoint's meta stays small).
 */
export function lossCurve(losses: readonly number[], points = 200): [number, number][] {
  const width = Math.max(1, Math.ceil(losses.length / points));
  const out: [number, number][] = [];
  for (let start = 0; start < losses.length; start += width) {
    const window = losses.slice(start, start + width);
    const mean = window.reduce((a, b) => a + b, 0) / window.length;
    out.push([start + window.length, Number(mean.toPrecision(5))]);
  }
  return out;
}

function newTokenizer(meta: NewModelMeta, examples: readonly SftExample[]): Tokenizer {
  const kind = meta.tokenizer ?? (meta.alphabet !== undefined ? 'char' : 'byte');
  if (kind === 'byte') return Tokenizer.byte();
  if (kind !== 'char') {
    throw new InvalidInputError(`must be "byte" or "char", got ${JSON.stringify(kind)}`, {
      field: 'model.meta.tokenizer',
    });
  }
  if (meta.alphabet !== undefined) return Tokenizer.char(meta.alphabet);
  const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
  return Tokenizer.char([ascii, '\n', ...examples.flatMap((e) => e.turns.map((t) => t.text))]);
}

/** TrainRequest.hyperparameters to engine settings; unknown names and wrong types name the field. */
export function toSettings(
  hyper: Readonly<Record<string, number | string | boolean>>,
  seed: number,
): TrainSettings {
  const settings: Record<string, number> = { seed };
  for (const [key, value] of Object.entries(hyper)) {
    if (!(SETTING_NAMES as readonly string[]).includes(key)) {
      throw new InvalidInputError(`unknown hyperparameter (known: ${SETTING_NAMES.join(', ')})`, {
        field: `hyperparameters.${key}`,
      });
    }
    if (typeof value !== 'number') {
      throw new InvalidInputError(`must be a number, got ${JSON.stringify(value)}`, {
        field: `hyperparameters.${key}`,
      });
    }
    settings[key] = value;
  }
  return settings as TrainSettings;
}
