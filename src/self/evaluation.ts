// Stage 4 measured: greedy answers with up to K online refinements on held-out prompts. Receives
// prompts only; metrics join the labels afterwards (src/evaluate).
import type { LanguageModel } from '../spec/language-model.js';
import type { SampleRecord } from '../spec/run-store.js';
import type { Problem, Task } from '../spec/task.js';
import type { RefineLoopOptions, RefineTrace, SeededPrompt } from './refine-loop.js';
import { refineLoop } from './refine-loop.js';
import { deriveSeed } from './seeds.js';
import { traceSample } from './self-evolution.js';

/** Held-out problems as seeded prompts for `stage`, their answers left behind. */
export function evaluationPrompts(
  problems: readonly Problem[],
  runSeed: number,
  stage: string,
): SeededPrompt[] {
  return problems.map((p, i) => ({
    id: p.id,
    prompt: p.prompt,
    seed: deriveSeed(runSeed, stage, i),
  }));
}

/**
 * The answer online refinement returns: the last attempt the model's own feedback accepted, or
 * the first response when it accepted none. (Returning the last refinement instead turned many
 * right answers wrong when the model wrongly rejected them: docs/results.md.) With self-scores,
 * the attempt that scored highest (the earliest of equals).
 */
export function acceptedAttempt(trace: Pick<RefineTrace, 'attempts'>): number {
  if (trace.attempts.some((a) => typeof a.score === 'number')) {
    let best = 0;
    const score = (i: number) => trace.attempts[i].score ?? Number.NEGATIVE_INFINITY;
    for (let i = 1; i < trace.attempts.length; i++) if (score(i) > score(best)) best = i;
    return best;
  }
  for (let i = trace.attempts.length - 1; i > 0; i--) {
    if (trace.attempts[i].verdict === 'correct') return i;
  }
  return 0;
}

export interface EvaluationOptions {
  readonly model: LanguageModel;
  readonly task: Task;
  /** The evaluation's stage name (`eval:round-2`) and this chunk's position in it. */
  readonly stage: string;
  readonly chunk: number;
  readonly prompts: readonly SeededPrompt[];
  /** Online refinement iterations (K). */
  readonly refine: number;
  readonly maxTokens: RefineLoopOptions['maxTokens'];
  readonly signal?: AbortSignal;
}

/**
 * One chunk of an evaluation: the loop at temperature 0 with K refinements, as samples. With
 * K = 0 nothing is critiqued: the first answer is the answer, so a critique would buy nothing.
 */
export async function evaluationSamples(options: EvaluationOptions): Promise<SampleRecord[]> {
  const { prompts, stage, chunk } = options;
  const traces = await refineLoop(options.model, options.task, prompts, {
    refine: options.refine,
    maxTokens: options.maxTokens,
    signal: options.signal,
    temperature: 0,
    critique: options.refine > 0,
  });
  return traces.map((trace, i) => {
    const sample = traceSample(stage, chunk, i, prompts[i], trace, {
      kept: false,
      reason: 'evaluation',
    });
    const chosen = acceptedAttempt(trace);
    return { ...sample, refinement: chosen > 0 ? trace.attempts[chosen].text : undefined };
  });
}
