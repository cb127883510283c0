// Stage 3, self-evolution: on unlabeled prompts the current model answers, critiques and refines;
// the self-filter keeps what the model's own final feedback accepts. This module receives prompts
// only (SeededPrompt has no answer field), so ground truth cannot reach it.
import type { LanguageModel } from '../spec/language-model.js';
import type { SampleRecord } from '../spec/run-store.js';
import type { Task } from '../spec/task.js';
import type { SftExample } from '../spec/trainer.js';
import { answerExample, interleave, metaExample, takeFraction } from './examples.js';
import {
  finalText,
  lastVerdict,
  type RefineLoopOptions,
  type RefineTrace,
  refineLoop,
  type SeededPrompt,
} from './refine-loop.js';
import { deriveSeed } from './seeds.js';

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

/** How many answers to sample per prompt, and whether they must agree to be kept. */
export interface VoteOptions {
  /** Answers sampled per prompt (m). */
  readonly samples: number;
  /** Keep only an answer that at least `agree` of the m samples reach (0 = no vote). */
  readonly agree: number;
}

/** The m seeded copies of a prompt; with m = 1 the prompt itself, so its seeds are unchanged. */
function copies(prompt: SeededPrompt, m: number): SeededPrompt[] {
  if (m === 1) return [prompt];
  return Array.from({ length: m }, (_, s) => ({
    ...prompt,
    seed: deriveSeed(prompt.seed, 'sample', s),
  }));
}

export interface EvolveOptions {
  readonly model: LanguageModel;
  readonly task: Task;
  /** The round's stage name (`round-2`) and this chunk's position in it. */
  readonly stage: string;
  readonly chunk: number;
  readonly prompts: readonly SeededPrompt[];
  /** Refinements, temperature, lengths, signal. */
  readonly loop: RefineLoopOptions;
  readonly vote?: VoteOptions;
}

/**
 * One chunk of a round: the loop on m samples of each prompt, then the self-filter. With a vote,
 * a sample is kept only if the model accepted it *and* its answer is reached by at least `agree`
 * of the prompt's samples (self-consistency: still label-free); at most one sample per prompt.
 */
export async function evolveSamples(options: EvolveOptions): Promise<SampleRecord[]> {
  const { model, task, stage, chunk, prompts } = options;
  const vote = options.vote ?? { samples: 1, agree: 0 };
  const jobs = prompts.flatMap((p) => copies(p, vote.samples));
  const traces = await refineLoop(model, task, jobs, options.loop);
  const out: SampleRecord[] = [];
  for (let p = 0; p < prompts.length; p++) {
    const group = traces.slice(p * vote.samples, (p + 1) * vote.samples);
    const answers = group.map((t) => task.extractAnswer(finalText(t)));
    let keptOne = false;
    group.forEach((trace, s) => {
      let filter = selfFilter(task, trace);
      if (filter.kept && vote.agree > 0) {
        const agreeing = answers.filter((a) => a === answers[s]).length;
        if (agreeing < vote.agree)
          filter = { kept: false, reason: `only ${agreeing} of ${vote.samples} samples agree` };
        else if (keptOne)
          filter = { kept: false, reason: 'another sample of this prompt was kept' };
      }
      keptOne ||= filter.kept;
      const i = p * vote.samples + s;
      out.push(traceSample(stage, chunk, i, jobs[i], trace, filter));
    });
  }
  return out;
}

/**
 * A kept sample's own meta-skill episodes, as the model wrote them: its critique of the accepted
 * attempt, and, when that attempt was a refinement, the critique that rejected the attempt before
 * it with the refinement that followed. Self-curated D_meta: no teacher, no label.
 */
export function selfEpisodes(sample: SampleRecord): SftExample[] {
  const attempts = sample.attempts;
  const last = attempts[attempts.length - 1];
  if (last.feedback === undefined) return [];
  const out = [metaExample(sample.prompt, last.text, last.feedback)];
  const before = attempts[attempts.length - 2];
  if (before?.feedback !== undefined) {
    out.push(metaExample(sample.prompt, before.text, before.feedback, last.text));
  }
  return out;
}

/** What a round trains on besides the kept answers. */
export interface EvolveMix {
  /** Fraction of D_meta replayed. */
  readonly replayMeta: number;
  /** Add the kept samples' own critique and refinement episodes (`selfEpisodes`). */
  readonly episodes: boolean;
}

/**
 * D_self^t as training examples: the accepted final answers, optionally their own meta-skill
 * episodes, plus a replay of D_meta.
 */
export function evolveTrainingSet(
  samples: readonly SampleRecord[],
  metaExamples: readonly SftExample[],
  mix: EvolveMix,
): SftExample[] {
  const kept = samples.filter((s) => s.kept);
  const answers = kept.map((s) => answerExample(s.prompt, s.refinement ?? s.response));
  const episodes = mix.episodes ? kept.flatMap(selfEpisodes) : [];
  return interleave(answers, episodes, takeFraction(metaExamples, mix.replayMeta));
}
