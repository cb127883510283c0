// Each SELF stage on its own, without a run store: meta-skill data from a teacher, one round of
// self-evolution, online refinement of a prompt, and an evaluation. The pipeline runs the same
// functions chunk by chunk into the store; these run them in memory, for a library user's program
// and for the commands that do one stage (`meta build`, `ask`, `eval`).
import { type EvalMetrics, evalMetrics } from '../evaluate/metrics.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { Attempt, SampleRecord } from '../spec/run-store.js';
import type { Problem, Task, Teacher } from '../spec/task.js';
import type { SftExample } from '../spec/trainer.js';
import { runChunkedInMemory } from './chunked.js';
import { acceptedAttempt, evaluationPrompts, evaluationSamples } from './evaluation.js';
import { metaSkillSamples, NO_TEACHER_VERDICT } from './meta-skills.js';
import { type RefineLoopOptions, refineLoop } from './refine-loop.js';
import { deriveSeed } from './seeds.js';
import { evolveSamples, evolveTrainingSet } from './self-evolution.js';

/** Token limits per section. */
export type SectionLengths = RefineLoopOptions['maxTokens'];

/** Progress of a stage run in memory: `done` of `total` items. */
export type StageProgress = (event: { step: string; done: number; total: number }) => void;

const DEFAULT_LENGTHS: SectionLengths = { response: 512, feedback: 512, refinement: 512 };

export interface BuildMetaSkillsOptions {
  readonly student: LanguageModel;
  readonly teacher: Teacher;
  readonly task: Task;
  /** Prompts with (optionally) reference answers: a tuple whose refinement misses one is dropped. */
  readonly problems: readonly Problem[];
  readonly seed?: number;
  /** Student answers per prompt (default 1). */
  readonly samples?: number;
  readonly temperature?: number;
  /** Longest student answer (default 512 tokens). */
  readonly maxTokens?: number;
  /** Prompts per batched call (default 32). */
  readonly chunk?: number;
  /** Tuples without a teacher verdict dropped before it fails (default 0). */
  readonly maxErrors?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: StageProgress;
}

/** D_meta tuples for `problems`: the student's answers, the teacher's feedback and refinements. */
export async function buildMetaSkills(options: BuildMetaSkillsOptions): Promise<SampleRecord[]> {
  const out: SampleRecord[] = [];
  await runChunkedInMemory(
    options.problems,
    options.chunk ?? 32,
    options.onProgress ?? (() => {}),
    'meta build',
    async (items, chunk) => {
      const dropped = out.filter((s) => s.reason === NO_TEACHER_VERDICT).length;
      const samples = await metaSkillSamples({
        student: options.student,
        teacher: options.teacher,
        task: options.task,
        problems: items,
        chunk,
        offset: chunk * (options.chunk ?? 32),
        runSeed: options.seed ?? 1,
        samples: options.samples ?? 1,
        temperature: options.temperature ?? 0.8,
        maxTokens: options.maxTokens ?? 512,
        dropUnfixed: true,
        maxErrors: Math.max(0, (options.maxErrors ?? 0) - dropped),
        signal: options.signal,
      });
      out.push(...samples);
      return samples;
    },
  );
  return out;
}

export interface EvolveRoundOptions {
  /** The current model M_{t-1}. */
  readonly model: LanguageModel;
  readonly task: Task;
  /** Unlabeled prompts: any answer given is ignored. */
  readonly prompts: readonly (string | Pick<Problem, 'id' | 'prompt'>)[];
  /** The round number t, for stage names and seeds (default 1). */
  readonly round?: number;
  readonly seed?: number;
  /** Refinements per prompt (k, default 1). */
  readonly refine?: number;
  readonly temperature?: number;
  readonly maxTokens?: SectionLengths;
  /** Answers per prompt and the self-consistency vote (default 1 and none). */
  readonly samples?: number;
  readonly agree?: number;
  /** D_meta examples to replay in the training set, and which fraction (default none). */
  readonly replay?: { readonly examples: readonly SftExample[]; readonly fraction: number };
  readonly chunk?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: StageProgress;
}

/** One round of self-evolution: the samples (kept by the model's own feedback) and D_self^t. */
export async function evolveRound(
  options: EvolveRoundOptions,
): Promise<{ samples: SampleRecord[]; examples: SftExample[] }> {
  const t = options.round ?? 1;
  const stage = `round-${t}`;
  const seed = options.seed ?? 1;
  const prompts = options.prompts.map((p, i) => ({
    id: typeof p === 'string' ? `prompt-${i}` : p.id,
    prompt: typeof p === 'string' ? p : p.prompt,
    seed: deriveSeed(seed, stage, i),
  }));
  const samples = await runChunkedInMemory(
    prompts,
    options.chunk ?? 32,
    options.onProgress ?? (() => {}),
    `${stage} samples`,
    (items, chunk) =>
      evolveSamples({
        model: options.model,
        task: options.task,
        stage,
        chunk,
        prompts: items,
        loop: {
          refine: options.refine ?? 1,
          temperature: options.temperature ?? 0.8,
          maxTokens: options.maxTokens ?? DEFAULT_LENGTHS,
          signal: options.signal,
        },
        vote: { samples: options.samples ?? 1, agree: options.agree ?? 0 },
      }),
  );
  const examples = evolveTrainingSet(samples, options.replay?.examples ?? [], {
    replayMeta: options.replay?.fraction ?? 0,
    episodes: false,
  });
  return { samples, examples };
}

/** An answer refined online, with its whole trace. */
export interface RefinedAnswer {
  readonly attempts: readonly Attempt[];
  /** Index of the attempt returned: the last one the model's own feedback accepted, else 0. */
  readonly chosen: number;
  readonly text: string;
  /** The final answer read from `text` by the task, when it has one. */
  readonly answer?: string;
}

/** Online self-refinement of one prompt: answer → feedback → refine, at most `refine` times. */
export async function refineOnline(
  model: LanguageModel,
  task: Task,
  prompt: string,
  options: { refine?: number; maxTokens?: SectionLengths; signal?: AbortSignal } = {},
): Promise<RefinedAnswer> {
  const [trace] = await refineLoop(model, task, [{ id: 'prompt', prompt, seed: 0 }], {
    refine: options.refine ?? 2,
    temperature: 0,
    maxTokens: options.maxTokens ?? DEFAULT_LENGTHS,
    signal: options.signal,
  });
  const chosen = acceptedAttempt(trace);
  const text = trace.attempts[chosen].text;
  return { attempts: trace.attempts, chosen, text, answer: task.extractAnswer(text) };
}

export interface EvaluateOptions {
  readonly model: LanguageModel;
  readonly task: Task;
  /** Labelled problems. */
  readonly problems: readonly Problem[];
  /** Online refinement iterations (K, default 2; 0 makes no critique calls). */
  readonly refine?: number;
  readonly maxTokens?: SectionLengths;
  readonly chunk?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: StageProgress;
  /** Progress label (default `eval`). */
  readonly label?: string;
}

/** Scores a model on labelled problems, directly and with online refinement. */
export async function evaluateModel(
  options: EvaluateOptions,
): Promise<{ metrics: EvalMetrics; samples: SampleRecord[] }> {
  const samples = await runChunkedInMemory(
    evaluationPrompts(options.problems, 0, 'eval'),
    options.chunk ?? 32,
    options.onProgress ?? (() => {}),
    options.label ?? 'eval',
    (items, chunk) =>
      evaluationSamples({
        model: options.model,
        task: options.task,
        stage: 'eval',
        chunk,
        prompts: items,
        refine: options.refine ?? 2,
        maxTokens: options.maxTokens ?? DEFAULT_LENGTHS,
        signal: options.signal,
      }),
  );
  const labels = new Map<string, string>();
  for (const p of options.problems) if (p.answer !== undefined) labels.set(p.id, p.answer);
  return { metrics: evalMetrics(options.task, samples, labels), samples };
}
