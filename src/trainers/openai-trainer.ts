// The `openai` trainer: the OpenAI fine-tuning API (upload the training file, create a job, poll
// its status and events, use the resulting model id), as OpenAI and other hosted providers offer
// it, and as `self-evolve serve --fine-tuning` offers it for embedded checkpoints. A job started
// for a stage is remembered in the work folder, so resuming a killed run attaches to it instead of
// paying for a second one.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import OpenAI, { toFile } from 'openai';
import type { ChatTemplates } from '../providers/chat-template.js';
import { CancelledError, InvalidInputError, TrainerError } from '../spec/errors.js';
import type { ModelRef, Trainer, TrainOptions, TrainRequest } from '../spec/trainer.js';
import { openAIChatJsonl, sftRows } from './training-rows.js';

export interface OpenAITrainerOptions {
  /** Default `https://api.openai.com/v1`. */
  readonly baseURL?: string;
  /** Environment variable with the API key (a local `serve` may need none). */
  readonly apiKeyEnv?: string;
  /** Seconds between status polls (default 10). */
  readonly pollSeconds?: number;
  /** Becomes part of the fine-tuned model's name. */
  readonly suffix?: string;
  /** Add each row's SELF episode as `self_episode` (for `self-evolve serve`; default false). */
  readonly episodes?: boolean;
  readonly templates?: ChatTemplates;
  /**
   * `gguf`: download the job's `.gguf` result file (serve writes one) and return a `gguf` model
   * for llama.cpp; default: return the provider's model id (kind `openai`).
   */
  readonly download?: 'gguf';
  /** Job markers and downloaded models go here, one entry per stage name. */
  readonly workDir: string;
  readonly timeoutMinutes?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Maps our hyperparameter names to OpenAI's; others pass through (serve reads the engine's). */
const OPENAI_NAMES: Record<string, string> = {
  epochs: 'n_epochs',
  batchSize: 'batch_size',
  learningRateMultiplier: 'learning_rate_multiplier',
};

type Job = OpenAI.FineTuning.Jobs.FineTuningJob;

export class OpenAITrainer implements Trainer {
  readonly id: string;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAITrainerOptions) {
    const baseURL = options.baseURL ?? 'https://api.openai.com/v1';
    this.id = `openai:${baseURL}`;
    let apiKey = 'none';
    if (options.apiKeyEnv) {
      const key = (options.env ?? process.env)[options.apiKeyEnv];
      if (!key) {
        throw new InvalidInputError(`environment variable ${options.apiKeyEnv} is not set`, {
          field: 'trainer.apiKeyEnv',
        });
      }
      apiKey = key;
    }
    this.client = new OpenAI({ baseURL, apiKey, maxRetries: 4 });
  }

  async train(request: TrainRequest, options: TrainOptions = {}): Promise<ModelRef> {
    const model = providerModel(request.base);
    const data = openAIChatJsonl(
      sftRows(request.examples, this.options.templates),
      this.options.episodes,
    );
    const hyperparameters = Object.fromEntries(
      Object.entries(request.hyperparameters ?? {}).map(([k, v]) => [OPENAI_NAMES[k] ?? k, v]),
    );
    const body = { model, hyperparameters, seed: request.seed, suffix: this.options.suffix };
    const key = createHash('sha256').update(JSON.stringify(body)).update(data).digest('hex');
    mkdirSync(this.options.workDir, { recursive: true });
    const marker = join(this.options.workDir, `${request.name}.job.json`);
    const job =
      (await this.attach(marker, key)) ?? (await this.start(request.name, data, body, marker, key));
    const done = await this.wait(job, options);
    const ref: ModelRef = {
      kind: 'openai',
      id: done.fine_tuned_model!,
      parent: request.base.id,
      meta: {
        job: done.id,
        baseURL: this.client.baseURL,
        ...(this.options.apiKeyEnv ? { apiKeyEnv: this.options.apiKeyEnv } : {}),
        trainedTokens: done.trained_tokens,
      },
    };
    return this.options.download === 'gguf' ? this.downloadGguf(done, request.name, ref) : ref;
  }

  /** The job a previous attempt started for the same request, unless it failed or was cancelled. */
  private async attach(marker: string, key: string): Promise<Job | undefined> {
    if (!existsSync(marker)) return undefined;
    const saved = JSON.parse(readFileSync(marker, 'utf8')) as { job: string; key: string };
    if (saved.key !== key) return undefined;
    const job = await this.call('retrieve the job', () =>
      this.client.fineTuning.jobs.retrieve(saved.job),
    );
    return job.status === 'failed' || job.status === 'cancelled' ? undefined : job;
  }

  private async start(
    name: string,
    data: string,
    body: Record<string, unknown>,
    marker: string,
    key: string,
  ) {
    const file = await this.call('upload the training file', async () =>
      this.client.files.create({
        file: await toFile(Buffer.from(data), `${name}.jsonl`),
        purpose: 'fine-tune',
      }),
    );
    const { hyperparameters, ...rest } = body as { hyperparameters: Record<string, unknown> };
    const job = await this.call('create the job', () =>
      this.client.fineTuning.jobs.create({
        ...(rest as { model: string; seed: number; suffix?: string }),
        training_file: file.id,
        method: { type: 'supervised', supervised: { hyperparameters } },
      }),
    );
    writeAtomic(marker, JSON.stringify({ job: job.id, key }));
    return job;
  }

  /** Polls until the job ends; metrics events become progress, the last messages go in errors. */
  private async wait(job: Job, options: TrainOptions): Promise<Job> {
    const deadline = this.options.timeoutMinutes
      ? Date.now() + this.options.timeoutMinutes * 60_000
      : Infinity;
    const seen = new Set<string>();
    const messages: string[] = [];
    for (;;) {
      const events = await this.call('list the job events', () =>
        this.client.fineTuning.jobs.listEvents(job.id, { limit: 100 }),
      );
      for (const event of [...events.data].reverse()) {
        if (seen.has(event.id)) continue;
        seen.add(event.id);
        messages.push(event.message);
        const d = (event.data ?? {}) as {
          step?: number;
          total_steps?: number;
          train_loss?: number;
        };
        if (
          event.type === 'metrics' &&
          typeof d.step === 'number' &&
          typeof d.total_steps === 'number'
        ) {
          options.onProgress?.({ step: d.step, totalSteps: d.total_steps, loss: d.train_loss });
        }
      }
      const tail = messages.slice(-10);
      if (job.status === 'succeeded') {
        if (!job.fine_tuned_model)
          throw new TrainerError(this.id, `job ${job.id} succeeded without a model id`, tail);
        return job;
      }
      if (job.status === 'failed') {
        throw new TrainerError(
          this.id,
          `job ${job.id} failed: ${job.error?.message ?? 'no reason given'}`,
          tail,
        );
      }
      if (job.status === 'cancelled')
        throw new TrainerError(this.id, `job ${job.id} was cancelled`, tail);
      if (options.signal?.aborted) {
        await this.client.fineTuning.jobs.cancel(job.id).catch(() => undefined);
        throw new CancelledError('training cancelled');
      }
      if (Date.now() > deadline) {
        throw new TrainerError(
          this.id,
          `job ${job.id} did not finish within ${this.options.timeoutMinutes} minutes`,
          tail,
        );
      }
      await sleep((this.options.pollSeconds ?? 10) * 1000, options.signal);
      job = await this.call('retrieve the job', () => this.client.fineTuning.jobs.retrieve(job.id));
    }
  }

  /** Downloads the job's `.gguf` result file into the work folder; a `gguf` ref to it. */
  private async downloadGguf(job: Job, name: string, ref: ModelRef): Promise<ModelRef> {
    for (const id of job.result_files) {
      const file = await this.call('read a result file', () => this.client.files.retrieve(id));
      if (!file.filename.endsWith('.gguf')) continue;
      const response = await this.call('download the GGUF', () => this.client.files.content(id));
      const path = resolve(this.options.workDir, `${name}.gguf`);
      writeAtomic(path, Buffer.from(await response.arrayBuffer()));
      return {
        kind: 'gguf',
        id: path,
        parent: ref.parent,
        meta: { ...ref.meta, fineTunedModel: ref.id },
      };
    }
    throw new TrainerError(
      this.id,
      `job ${job.id} has no .gguf result file to download (download: "gguf")`,
    );
  }

  /** Runs an API call; its failure becomes a TrainerError saying what was being done. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      throw new TrainerError(this.id, `cannot ${what}: ${(error as Error).message}`);
    }
  }
}

/** The provider's id of the model to fine-tune from. */
function providerModel(base: ModelRef): string {
  if (base.kind === 'openai' || base.kind === 'openai-compatible') return base.id;
  const tuned = (base.meta as { fineTunedModel?: unknown } | undefined)?.fineTunedModel;
  if (typeof tuned === 'string') return tuned;
  throw new InvalidInputError(
    `the openai trainer starts from a model the provider knows, not a "${base.kind}" model`,
    { field: 'models.student' },
    {
      hint: 'make the student the provider\'s model: {"kind": "openai-compatible", "baseURL": ..., "model": "<its id>"}',
    },
  );
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const wake = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', wake);
      done();
    };
    const timer = setTimeout(wake, ms);
    signal?.addEventListener('abort', wake, { once: true });
  });
}

function writeAtomic(path: string, content: string | Buffer): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}
