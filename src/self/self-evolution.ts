// Stage 3, self-evolution: on unlabeled prompts the current model answers, critiques and refines;
// the self-filter keeps what the model's own final feedback accepts. This module receives prompts
// only (SeededPrompt has no answer field), so ground truth cannot reach it.
import type { LanguageModel } from '../spec/language-model.js';
import type { SampleRecord } from '../spec/run-store.js';
import type { Task } from '../spec/task.js';
import type { SftExample } from '../spec/trainer.js';
import { answerExample, interleave, takeFraction } from './examples.js';
import {
  finalText,
  lastVerdict,
  type RefineLoopOptions,
  type RefineTrace,
  refineLoop,
  type SeededPrompt,
} from './refine-loop.js';

/** The self-filter: keep a sample only if the model's own last feedback says `correct`. */
export function selfFilter(task: Task, trace: RefineTrace): { kept: boolean; reason: string } {
  const verdict = lastVerdict(trace);
  if (verdict === null) return { kept: false, reason: 'no self-verdict' };
  if (verdict === 'wrong') return { kept: false, reason: 'self-verdict wrong' };
  if (task.extractAnswer(finalText(trace)) === undefined)
    return { kept: false, reason: 'no answer' };
  return {
    kept: true,
    reason: trace.attempts.length > 1 ? 'refined, self-verdict correct' : 'self-verdict correct',
  };
}

/** A trace as a stored sample; `kept`/`reason` as given. */
export function traceSample(
  stage: string,
  chunk: number,
  index: number,
  prompt: SeededPrompt,
  trace: RefineTrace,
  filter: { kept: boolean; reason: string },
): SampleRecord {
  const first = trace.attempts[0];
  return {
    stage,
    chunk,
    index,
    problemId: prompt.id,
    prompt: prompt.prompt,
    response: first.text,
    feedback: first.feedback,
    verdict: first.verdict ?? null,
    refinement: trace.attempts.length > 1 ? finalText(trace) : undefined,
    attempts: trace.attempts,
    kept: filter.kept,
    reason: filter.reason,
    seed: prompt.seed,
    tokens: trace.tokens,
  };
}

/** One chunk of a round: the loop on each prompt, then the self-filter. */
export async function evolveSamples(
  model: LanguageModel,
  task: Task,
  stage: string,
  chunk: number,
  prompts: readonly SeededPrompt[],
  options: RefineLoopOptions,
): Promise<SampleRecord[]> {
  const traces = await refineLoop(model, task, prompts, options);
  return traces.map((trace, i) =>
    traceSample(stage, chunk, i, prompts[i], trace, selfFilter(task, trace)),
  );
}

/** D_self^t as training examples: the accepted final answers, plus a replay of D_meta. */
export function evolveTrainingSet(
  samples: readonly SampleRecord[],
  metaExamples: readonly SftExample[],
  replayMeta: number,
): SftExample[] {
  const kept = samples
    .filter((s) => s.kept)
    .map((s) => answerExample(s.prompt, s.refinement ?? s.response));
  return interleave(kept, takeFraction(metaExamples, replayMeta));
}
