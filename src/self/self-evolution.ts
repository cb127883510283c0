// Stage 3, self-evolution: on unlabeled prompts the current model answers, critiques and refines;
// the self-filter keeps what the model's own final feedback accepts. This module receives prompts
// only (SeededPrompt has no answer field), so ground truth cannot reach it, except for the
// `oracle` control, which is handed labels explicitly and is never the default.
import type { LanguageModel } from '../spec/language-model.js';
import type { SampleRecord } from '../spec/run-store.js';
import type { Task } from '../spec/task.js';
import type { SftExample } from '../spec/trainer.js';
import { answerExample, interleave, metaExample, takeFraction } from './examples.js';
import { FAILED } from './failures.js';
import {
  finalText,
  type RefineLoopOptions,
  type RefineTrace,
  refineLoop,
  type SeededPrompt,
} from './refine-loop.js';
import { decide, type RoundFilter } from './round-filters.js';
import { deriveSeed } from './seeds.js';

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
  if (trace.error !== undefined) filter = { kept: false, reason: `${FAILED}${trace.error}` };
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
  /** What the round keeps (default `self`; the others are controls, src/self/round-filters.ts). */
  readonly filter?: RoundFilter;
  /**
   * Labels by prompt id, for the `oracle` control only: no other filter is given them, so ground
   * truth reaches a round only when a run asks for that control by name.
   */
  readonly labels?: ReadonlyMap<string, string>;
}

/**
 * One chunk of a round: the loop on m samples of each prompt, then the round's filter (by default
 * SELF's self-filter; with a vote, an accepted sample is kept only if `agree` of the prompt's
 * samples reach its answer: self-consistency, still label-free); at most one sample per prompt.
 * The `vote` control samples without any critique.
 */
export async function evolveSamples(options: EvolveOptions): Promise<SampleRecord[]> {
  const { model, task, stage, chunk, prompts } = options;
  const filter = options.filter ?? 'self';
  const vote = options.vote ?? { samples: 1, agree: 0 };
  const jobs = prompts.flatMap((p) => copies(p, vote.samples));
  const loop = filter === 'vote' ? { ...options.loop, critique: false } : options.loop;
  const traces = await refineLoop(model, task, jobs, loop);
  const out: SampleRecord[] = [];
  for (let p = 0; p < prompts.length; p++) {
    const group = traces.slice(p * vote.samples, (p + 1) * vote.samples);
    const label = filter === 'oracle' ? options.labels?.get(prompts[p].id) : undefined;
    decide(filter, task, group, vote.agree, label).forEach((decision, s) => {
      const i = p * vote.samples + s;
      out.push(traceSample(stage, chunk, i, jobs[i], group[s], decision));
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
