// The SELF pipeline end to end: base → meta-skills → T self-evolution rounds, each model evaluated
// on the held-out set with and without online refinement. Depends only on the ports; every step is
// skipped when the store already holds its result, so calling it again resumes a killed run.

import { evalMetrics, keptMetrics } from '../evaluate/metrics.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { RunStore, SampleRecord } from '../spec/run-store.js';
import type { Task, Teacher } from '../spec/task.js';
import type {
  ModelLoader,
  ModelRef,
  PreferencePair,
  SftExample,
  Trainer,
} from '../spec/trainer.js';
import { runChunked } from './chunked.js';
import type { SelfConfig } from './config.js';
import { type PipelineData, pipelineData, roundPrompts } from './data.js';
import { evaluationPrompts, evaluationSamples } from './evaluation.js';
import { metaCorpus, metaSamples, metaTrainingSet } from './meta-skills.js';
import { roundPreferences } from './preference-pairs.js';
import type { SeededPrompt } from './refine-loop.js';
import { deriveSeed } from './seeds.js';
import { evolveSamples, evolveTrainingSet } from './self-evolution.js';
import { type RunSummary, summarize } from './summary.js';

/** What the pipeline runs on: all ports, wired by the caller. */
export interface PipelineDeps {
  readonly store: RunStore;
  readonly trainer: Trainer;
  readonly loader: ModelLoader;
  readonly task: Task;
  readonly teacher: Teacher;
}

/** Progress of one step, e.g. `round-2 samples` 128/600. */
export interface ProgressEvent {
  readonly step: string;
  readonly done: number;
  readonly total: number;
  readonly extra?: string;
}

export interface PipelineOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** Runs (or resumes) the run called `run` with its stored config; returns the summary. */
export async function runPipeline(
  run: string,
  config: SelfConfig,
  deps: PipelineDeps,
  options: PipelineOptions = {},
): Promise<RunSummary> {
  const ctx = new Context(run, config, deps, options, pipelineData(config, deps.task));
  await ctx.stage('base', async () => {
    await ctx.train('base', undefined, ctx.data.qaExamples, config.base.train);
    return {};
  });
  let meta: SftExample[] = [];
  await ctx.stage('meta', async () => {
    const samples = await ctx.metaData();
    const examples = metaTrainingSet(samples, ctx.data.qa, config.meta.qaMix);
    await ctx.train('meta', 'base', examples, config.meta.train);
    return { data: keptMetrics(deps.task, samples, ctx.data.labels), trained_on: examples.length };
  });
  meta = metaCorpus(deps.store.samples(run, 'meta'));
  for (let t = 1; t <= config.evolve.rounds; t++) {
    const name = `round-${t}`;
    const previous = t === 1 ? 'meta' : `round-${t - 1}`;
    await ctx.stage(name, async () => {
      const samples = await ctx.roundData(t, previous);
      const examples = evolveTrainingSet(samples, meta, config.evolve);
      const from = config.evolve.from === 'meta' ? 'meta' : previous;
      await ctx.train(name, from, examples, config.evolve.train, roundPreferences(samples));
      return {
        data: keptMetrics(deps.task, samples, ctx.data.labels),
        trained_on: examples.length,
      };
    });
  }
  deps.store.setStatus(run, 'finished');
  return summarize(run, config, deps.store);
}

class Context {
  constructor(
    readonly run: string,
    readonly config: SelfConfig,
    readonly deps: PipelineDeps,
    readonly options: PipelineOptions,
    readonly data: PipelineData,
  ) {}

  private progress(step: string) {
    return (done: number, total: number, extra?: string) =>
      this.options.onProgress?.({ step, done, total, extra });
  }

  ref(name: string): ModelRef {
    const record = this.deps.store.getModel(this.run, name);
    if (!record) throw new Error(`model ${name} of run ${this.run} is not recorded`);
    return record.ref;
  }

  /** Runs a stage unless its record exists: build data, train, evaluate, record. */
  async stage(name: string, body: () => Promise<Record<string, unknown>>): Promise<void> {
    if (this.deps.store.getStage(this.run, name)) return;
    const started = performance.now();
    const metrics = await body();
    const evaluation = await this.evaluate(name);
    this.deps.store.putStage(this.run, {
      name,
      metrics: { ...metrics, eval: evaluation },
      seconds: (performance.now() - started) / 1000,
      finishedAt: new Date().toISOString(),
    });
  }

  /**
   * Trains `name` from model `parent` of this run (or from the configured starting model) unless
   * already recorded; records it only after the trainer returns, i.e. once its checkpoint is written.
   */
  async train(
    name: string,
    parent: string | undefined,
    examples: readonly SftExample[],
    hyperparameters: Readonly<Record<string, number | string | boolean>>,
    preferences?: readonly PreferencePair[],
  ): Promise<void> {
    const { store } = this.deps;
    if (store.getModel(this.run, name)) return;
    const base = parent === undefined ? (this.config.model as ModelRef) : this.ref(parent);
    const report = this.progress(`train ${name}`);
    const ref = await this.deps.trainer.train(
      {
        base,
        examples,
        preferences,
        name,
        seed: deriveSeed(this.config.seed, 'train', name),
        hyperparameters,
      },
      {
        signal: this.options.signal,
        onProgress: (p) => {
          const extra = [
            p.loss === undefined ? '' : `loss ${p.loss.toFixed(3)}`,
            p.tokensPerSecond === undefined ? '' : `${Math.round(p.tokensPerSecond)} tok/s`,
          ];
          report(p.step, p.totalSteps, extra.filter(Boolean).join(' · '));
        },
      },
    );
    store.putModel(this.run, {
      name,
      ref,
      parent,
      createdAt: new Date().toISOString(),
    });
  }

  private async withModel<T>(name: string, use: (model: LanguageModel) => Promise<T>): Promise<T> {
    const model = await this.deps.loader.load(this.ref(name));
    try {
      return await use(model);
    } finally {
      await model.close?.();
    }
  }

  async metaData(): Promise<SampleRecord[]> {
    const { config, deps } = this;
    const problems = this.data.qa.slice(0, config.meta.prompts);
    return this.withModel('base', (model) =>
      runChunked({
        store: deps.store,
        run: this.run,
        stage: 'meta',
        items: problems,
        chunkSize: Math.max(1, Math.floor(config.generation.chunk / config.meta.samples)),
        onProgress: this.progress('meta samples'),
        work: (items, chunk, offset) =>
          metaSamples(model, deps.task, deps.teacher, items, chunk, offset, {
            runSeed: config.seed,
            samples: config.meta.samples,
            temperature: config.meta.temperature,
            maxTokens: config.generation.maxTokens.response,
            dropUnfixed: config.meta.dropUnfixed,
            references: config.meta.references,
            signal: this.options.signal,
          }),
      }),
    );
  }

  /** Round t's samples by model `previous`, on prompts stripped of any answer. */
  async roundData(t: number, previous: string): Promise<SampleRecord[]> {
    const { config, deps } = this;
    const stage = `round-${t}`;
    const prompts = roundPrompts(this.data, config, deps.task, t);
    return this.withModel(previous, (model) =>
      runChunked<SeededPrompt>({
        store: deps.store,
        run: this.run,
        stage,
        items: prompts,
        chunkSize: Math.max(1, Math.floor(config.generation.chunk / config.evolve.samples)),
        onProgress: this.progress(`${stage} samples`),
        work: (items, chunk) =>
          evolveSamples(
            model,
            deps.task,
            stage,
            chunk,
            items,
            {
              refine: config.evolve.refine,
              temperature: config.evolve.temperature,
              maxTokens: config.generation.maxTokens,
              signal: this.options.signal,
            },
            { samples: config.evolve.samples, agree: config.evolve.agree },
          ),
      }),
    );
  }

  /** Greedy evaluation of model `name` on the test set with K online refinements. */
  async evaluate(name: string) {
    const { config, deps } = this;
    const stage = `eval:${name}`;
    const samples = await this.withModel(name, (model) =>
      runChunked<SeededPrompt>({
        store: deps.store,
        run: this.run,
        stage,
        items: evaluationPrompts(this.data.test, config.seed, stage),
        chunkSize: config.generation.chunk,
        onProgress: this.progress(`eval ${name}`),
        work: (items, chunk) =>
          evaluationSamples(model, deps.task, stage, chunk, items, {
            refine: config.eval.refine,
            maxTokens: config.generation.maxTokens,
            signal: this.options.signal,
          }),
      }),
    );
    return evalMetrics(deps.task, samples, this.data.labels);
  }
}
