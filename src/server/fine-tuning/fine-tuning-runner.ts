// Runs fine-tuning jobs one at a time with the embedded engine, as OpenAI's API describes them:
// validating_files → queued → running → succeeded | failed | cancelled, with message and metrics
// events. Each fine-tuned model gets result files: a metrics CSV and, for llama.cpp users, the
// model as GGUF.

import { parseTrainingExamples } from '../../data/training-examples.js';
import { EmbeddedTrainer, loadCheckpoint } from '../../engine/index.js';
import { checkpointToGguf } from '../../gguf/export-gguf.js';
import { CancelledError, InvalidInputError } from '../../spec/errors.js';
import { HttpError } from '../openai-error.js';
import {
  type FineTuningStore,
  type JobEvent,
  type JobRecord,
  newId,
  now,
} from './fine-tuning-store.js';
import { engineHyperparameters, parseJobRequest } from './job-request.js';

export interface FineTuningRunnerOptions {
  readonly store: FineTuningStore;
  /** The checkpoint folder of a model this server may fine-tune (its served name), if any. */
  readonly checkpointOf: (model: string) => string | undefined;
  /** Write each fine-tuned model as a GGUF result file too (default true). */
  readonly gguf?: boolean;
}

const PENDING: readonly JobRecord['status'][] = ['validating_files', 'queued', 'running'];

export class FineTuningRunner {
  private readonly trainer: EmbeddedTrainer;
  private readonly queue: string[] = [];
  private running: { id: string; controller: AbortController } | undefined;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly options: FineTuningRunnerOptions) {
    this.trainer = new EmbeddedTrainer({ outputDir: options.store.modelsDir, overwrite: true });
    // Jobs cut short by a restart cannot continue: say so rather than leave them running forever.
    for (const job of options.store.jobs.values()) {
      if (PENDING.includes(job.status)) {
        this.finish(job, 'failed', {
          code: 'server_restarted',
          message: 'the server stopped during this job',
          param: null,
        });
      }
    }
  }

  /** Checks a create request whole, then stores the job and queues it. */
  create(input: unknown): JobRecord {
    const { store } = this.options;
    const body = parseJobRequest(input);
    if (!this.options.checkpointOf(body.model)) {
      throw new HttpError(
        404,
        `the model "${body.model}" does not exist or cannot be fine-tuned here`,
        'invalid_request_error',
        'model',
        'model_not_found',
      );
    }
    const rows = this.trainingRows(body.training_file, 'training_file');
    if (body.validation_file) this.trainingRows(body.validation_file, 'validation_file');
    const hyper = body.method?.supervised?.hyperparameters ?? body.hyperparameters ?? {};
    engineHyperparameters(hyper, rows);
    const pending = [...store.jobs.values()].filter((j) => PENDING.includes(j.status)).length;
    if (pending >= store.limits.pendingJobs) {
      throw new HttpError(
        429,
        `${pending} jobs are waiting or running, the server's limit (${store.limits.pendingJobs}); ` +
          'wait for one to finish or cancel one',
        'invalid_request_error',
        null,
        'too_many_jobs',
      );
    }
    // Its result files (metrics, GGUF) must fit too; delete files to make room.
    const full = store.noRoomFor(2, 0);
    if (full)
      throw new HttpError(
        400,
        `${full}; delete some first`,
        'invalid_request_error',
        null,
        'limit_exceeded',
      );
    const seed = body.seed ?? Math.floor(Math.random() * 2 ** 31);
    const hyperparameters = {
      n_epochs: 'auto',
      batch_size: 'auto',
      learning_rate_multiplier: 'auto',
      ...hyper,
    } as JobRecord['hyperparameters'];
    const job: JobRecord = {
      id: newId('ftjob'),
      object: 'fine_tuning.job',
      created_at: now(),
      finished_at: null,
      model: body.model,
      fine_tuned_model: null,
      organization_id: 'self-evolve',
      status: 'validating_files',
      hyperparameters,
      training_file: body.training_file,
      validation_file: body.validation_file ?? null,
      result_files: [],
      trained_tokens: null,
      error: null,
      seed,
      suffix: body.suffix || null,
      estimated_finish: null,
      integrations: [],
      metadata: body.metadata ?? null,
      method: { type: 'supervised', supervised: { hyperparameters } },
      events: [],
    };
    this.event(job, 'info', `Validating training file: ${job.training_file}`);
    store.pruneJobs();
    store.saveJob(job);
    this.queue.push(job.id);
    this.idle = this.idle.then(() => this.next());
    return job;
  }

  /**
   * Lines of an uploaded fine-tune file (an upper bound of its examples): a 404 naming `param`
   * when there is no such file, a 400 when it holds something else.
   */
  private trainingRows(id: string, param: string): number {
    const { store } = this.options;
    const file = store.files.get(id);
    if (!file) {
      throw new HttpError(404, `no file "${id}"`, 'invalid_request_error', param, 'file_not_found');
    }
    if (file.purpose !== 'fine-tune') {
      throw new HttpError(
        400,
        `${param}: file "${id}" has purpose "${file.purpose}", not "fine-tune"`,
        'invalid_request_error',
        param,
      );
    }
    let rows = 0;
    const content = store.content(id);
    for (let at = 0; at < content.length; ) {
      const end = content.indexOf(10, at);
      const stop = end < 0 ? content.length : end;
      if (content.subarray(at, stop).some((b) => b > 32)) rows++;
      at = stop + 1;
    }
    return rows;
  }

  /** Cancels a job that has not finished; a finished one is returned as it is. */
  cancel(job: JobRecord): JobRecord {
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    if (this.running?.id === job.id) this.running.controller.abort();
    else {
      const at = this.queue.indexOf(job.id);
      if (at >= 0) this.queue.splice(at, 1);
      this.finish(job, 'cancelled');
    }
    return job;
  }

  /** Waits for the queue to drain (tests, shutdown), then frees the kernels. */
  async close(): Promise<void> {
    if (this.running) this.running.controller.abort();
    for (const id of this.queue.splice(0))
      this.finish(this.options.store.jobs.get(id)!, 'cancelled');
    await this.idle;
    await this.trainer.close();
  }

  private async next(): Promise<void> {
    const id = this.queue.shift();
    const job = id ? this.options.store.jobs.get(id) : undefined;
    if (job?.status !== 'validating_files') return;
    const controller = new AbortController();
    this.running = { id: job.id, controller };
    try {
      await this.run(job, controller.signal);
    } catch (error) {
      if (error instanceof CancelledError || controller.signal.aborted)
        this.finish(job, 'cancelled');
      else {
        const message = (error as Error).message;
        const code =
          error instanceof InvalidInputError ? 'invalid_training_file' : 'training_failed';
        this.finish(job, 'failed', {
          code,
          message,
          param: code === 'invalid_training_file' ? 'training_file' : null,
        });
      }
    } finally {
      this.running = undefined;
    }
  }

  private async run(job: JobRecord, signal: AbortSignal): Promise<void> {
    const { store } = this.options;
    const file = store.files.get(job.training_file)!;
    const { examples } = parseTrainingExamples(
      store.content(file.id).toString('utf8'),
      file.filename,
    );
    const base = this.options.checkpointOf(job.model);
    if (!base) throw new Error(`the model "${job.model}" is gone`);
    this.setStatus(job, 'running', `Fine-tuning job started: ${examples.length} examples`);
    const hyperparameters = engineHyperparameters(
      job.method.supervised.hyperparameters,
      examples.length,
    );
    const losses: [number, number][] = [];
    const ref = await this.trainer.train(
      {
        base: { kind: 'embedded', id: base },
        examples,
        name: `ft-${job.id}`,
        seed: job.seed,
        hyperparameters,
      },
      {
        signal,
        onProgress: (p) => {
          losses.push([p.step, p.loss ?? Number.NaN]);
          const every = Math.max(1, Math.ceil(p.totalSteps / 50));
          if (p.step % every === 0 || p.step === p.totalSteps) {
            const data = { step: p.step, total_steps: p.totalSteps, train_loss: p.loss };
            this.event(
              job,
              'info',
              `Step ${p.step}/${p.totalSteps}: training loss=${p.loss?.toFixed(4)}`,
              'metrics',
              data,
            );
            store.saveJob(job);
          }
        },
      },
    );
    const meta = (ref.meta ?? {}) as { tokensPerSecond?: number; seconds?: number };
    job.checkpoint = ref.id;
    job.fine_tuned_model = `ft:${job.model}:${job.suffix ?? 'self-evolve'}:${job.id.slice(6, 14)}`;
    job.trained_tokens = Math.round((meta.tokensPerSecond ?? 0) * (meta.seconds ?? 0));
    const csv = `step,train_loss\n${losses.map(([s, l]) => `${s},${l}`).join('\n')}\n`;
    job.result_files = [
      store.addFile('step_metrics.csv', 'fine-tune-results', Buffer.from(csv)).id,
    ];
    if (this.options.gguf ?? true) {
      const gguf = checkpointToGguf(await loadCheckpoint(ref.id), { name: job.fine_tuned_model });
      job.result_files.push(store.addFile(`${job.id}.gguf`, 'fine-tune-results', gguf).id);
    }
    this.event(job, 'info', `New fine-tuned model created: ${job.fine_tuned_model}`);
    this.finish(job, 'succeeded');
  }

  private setStatus(job: JobRecord, status: JobRecord['status'], message: string): void {
    job.status = status;
    this.event(job, 'info', message);
    this.options.store.saveJob(job);
  }

  private finish(
    job: JobRecord,
    status: 'succeeded' | 'failed' | 'cancelled',
    error?: JobRecord['error'],
  ): void {
    job.status = status;
    job.finished_at = now();
    job.error = error ?? null;
    const messages = {
      succeeded: 'The job has successfully completed',
      failed: `The job failed: ${error?.message}`,
      cancelled: 'The job was cancelled',
    };
    this.event(job, status === 'failed' ? 'error' : 'info', messages[status]);
    this.options.store.saveJob(job);
  }

  private event(
    job: JobRecord,
    level: JobEvent['level'],
    message: string,
    type: JobEvent['type'] = 'message',
    data?: JobEvent['data'],
  ): void {
    job.events.push({
      object: 'fine_tuning.job.event',
      id: newId('ftevent'),
      created_at: now(),
      level,
      message,
      type,
      ...(data ? { data } : {}),
    });
  }
}
