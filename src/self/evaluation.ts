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
 * right answers wrong when the model wrongly rejected them: docs/results.md.)
 */
export function acceptedAttempt(trace: RefineTrace): number {
  for (let i = trace.attempts.length - 1; i > 0; i--) {
    if (trace.attempts[i].verdict === 'correct') return i;
  }
  return 0;
}

/** One chunk of an evaluation: the loop at temperature 0 with K refinements, as samples. */
export async function evaluationSamples(
  model: LanguageModel,
  task: Task,
  stage: string,
  chunk: number,
  prompts: readonly SeededPrompt[],
  options: Omit<RefineLoopOptions, 'temperature'>,
): Promise<SampleRecord[]> {
  const traces = await refineLoop(model, task, prompts, { ...options, temperature: 0 });
  return traces.map((trace, i) => {
    const sample = traceSample(stage, chunk, i, prompts[i], trace, {
      kept: false,
      reason: 'evaluation',
    });
    const chosen = acceptedAttempt(trace);
    return { ...sample, refinement: chosen > 0 ? trace.attempts[chosen].text : undefined };
  });
}
