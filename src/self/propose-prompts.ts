// Self-proposed prompts (self-instruct style): a model writes new prompts in the style of a few
// sampled seed prompts; each proposal is screened against everything seen (src/self/prompt-dedup.ts)
// and the task's own check. Also the proposing examples that teach the skill in meta-skill training.
import type { LanguageModel } from '../spec/language-model.js';
import type { SampleRecord } from '../spec/run-store.js';
import type { Task } from '../spec/task.js';
import type { SftExample } from '../spec/trainer.js';
import { proposingExample, proposingPrompt } from './examples.js';
import { FAILED } from './failures.js';
import {
  PROPOSAL_STATUSES,
  type PromptDecision,
  PromptIndex,
  type PromptSimilarity,
  type ProposalStatus,
  screenPrompts,
} from './prompt-dedup.js';
import { deriveSeed, random } from './seeds.js';

/** Most seed prompts shown in one proposing prompt (a context holds only so many). */
export const MAX_PROPOSE_EXAMPLES = 16;

/** `k` distinct prompts of `pool` (all of it when smaller), drawn with `seed`. */
export function sampleExamples(pool: readonly string[], k: number, seed: number): string[] {
  const next = random(seed);
  const picked = new Set<number>();
  const want = Math.min(k, pool.length);
  while (picked.size < want) picked.add(Math.floor(next() * pool.length));
  return [...picked].map((i) => pool[i]);
}

/**
 * `count` proposing examples from training prompts: `examples` of them in, another out, drawn with
 * `seed`. What meta-skill training adds to D_meta so the model learns to propose.
 */
export function proposingCorpus(
  prompts: readonly string[],
  options: { count: number; examples: number; seed: number },
): SftExample[] {
  if (prompts.length < 2) return [];
  const k = Math.min(options.examples, prompts.length - 1);
  return Array.from({ length: options.count }, (_, i) => {
    const drawn = sampleExamples(prompts, k + 1, deriveSeed(options.seed, 'propose-meta', i));
    return proposingExample(drawn.slice(0, k), drawn[k]);
  });
}

/** How proposals are asked for and screened. */
export interface ProposeOptions {
  /** Seed prompts shown per proposal (k). */
  readonly examples: number;
  /** Similarity from which a proposal is a near-duplicate. */
  readonly threshold: number;
  readonly similarity: PromptSimilarity;
  readonly temperature: number;
  readonly maxTokens: number;
}

export interface ProposalChunkOptions extends ProposeOptions {
  readonly model: LanguageModel;
  readonly task: Task;
  /** `propose:round-2`: the stage the proposals are stored under, and this chunk's position. */
  readonly stage: string;
  readonly chunk: number;
  /** Index of the chunk's first proposal in the stage. */
  readonly offset: number;
  /** How many proposals this chunk makes. */
  readonly count: number;
  readonly runSeed: number;
  /** The seed prompts the few-shot examples are drawn from. */
  readonly pool: readonly string[];
  /** Everything seen so far; each kept proposal joins it. */
  readonly index: PromptIndex;
  readonly signal?: AbortSignal;
}

/** Why a proposal was kept or rejected, as stored; `proposalStats` reads it back. */
function reason(d: PromptDecision): string {
  if (d.status === 'malformed') return `malformed: ${d.problem}`;
  const near = d.nearest === undefined ? '' : ` to ${JSON.stringify(d.nearest)}`;
  return `${d.status}, similarity ${d.similarity.toFixed(3)}${near}`;
}

/** One chunk of proposals: asked for, screened in order, as stored samples. */
export async function proposalSamples(options: ProposalChunkOptions): Promise<SampleRecord[]> {
  const jobs = Array.from({ length: options.count }, (_, j) => {
    const i = options.offset + j;
    const seed = deriveSeed(options.runSeed, options.stage, i);
    const shown = sampleExamples(options.pool, options.examples, deriveSeed(seed, 'examples'));
    return { i, seed, prompt: proposingPrompt(shown) };
  });
  const completions = await options.model.complete(
    jobs.map((job) => ({
      turns: [{ section: 'prompt', text: job.prompt }],
      next: 'response',
      seed: job.seed,
      temperature: options.temperature,
      maxTokens: options.maxTokens,
    })),
    { signal: options.signal },
  );
  const texts = completions.map((c) => c.texts[0] ?? '');
  const validate = options.task.validatePrompt?.bind(options.task);
  const decisions = screenPrompts(texts, options.index, { threshold: options.threshold, validate });
  return jobs.map((job, j) => {
    const failed = completions[j].error;
    return {
      stage: options.stage,
      chunk: options.chunk,
      index: j,
      problemId: `${options.stage.replace(/^propose:/, '')}-proposed-${job.i}`,
      prompt: job.prompt,
      response: texts[j],
      attempts: [{ text: texts[j] }],
      kept: failed === undefined && decisions[j].status === 'kept',
      reason: failed === undefined ? reason(decisions[j]) : `${FAILED}${failed}`,
      seed: job.seed,
      tokens: completions[j].usage.outputTokens,
    };
  });
}

/** What a proposing stage made and kept; the counts of each status add up to `made`. */
export interface ProposalStats {
  readonly made: number;
  readonly kept: number;
  readonly malformed: number;
  readonly test_overlap: number;
  readonly duplicate: number;
  readonly near_duplicate: number;
  /** Proposals whose own request failed (never kept). */
  readonly failed: number;
  /** Fraction of the proposals the task found well-formed (null when none was made). */
  readonly valid: number | null;
  /**
   * Mean, over the kept proposals, of the similarity to the most similar prompt seen before
   * (below the threshold by construction; lower is more novel). Null when none was kept.
   */
  readonly similarity: number | null;
}

/** The counts of `ProposalStats` that partition the proposals made. */
export const PROPOSAL_COUNTS = [
  'kept',
  'malformed',
  'test_overlap',
  'duplicate',
  'near_duplicate',
  'failed',
] as const satisfies readonly (keyof ProposalStats)[];

/** The status a stored proposal's reason names. */
function statusOf(s: SampleRecord): ProposalStatus | 'failed' {
  const word = /^[a-z-]+/.exec(s.reason)?.[0];
  return PROPOSAL_STATUSES.find((p) => p === word) ?? 'failed';
}

/** The stats of stored proposals (a resumed stage reads them back, so nothing is recounted). */
export function proposalStats(samples: readonly SampleRecord[]): ProposalStats {
  const count = (status: ProposalStatus | 'failed') =>
    samples.filter((s) => statusOf(s) === status).length;
  const kept = samples.filter((s) => s.kept);
  const sims = kept.map((s) => Number(/similarity ([0-9.]+)/.exec(s.reason)?.[1] ?? 0));
  const made = samples.length;
  const malformed = count('malformed');
  const failed = count('failed');
  return {
    made,
    kept: kept.length,
    malformed,
    test_overlap: count('test-overlap'),
    duplicate: count('duplicate'),
    near_duplicate: count('near-duplicate'),
    failed,
    valid: made === 0 ? null : (made - malformed - failed) / made,
    similarity: kept.length === 0 ? null : sims.reduce((a, b) => a + b, 0) / kept.length,
  };
}

export interface ProposePromptsOptions extends ProposeOptions {
  /** The proposer: the current model, or a teacher model. */
  readonly model: LanguageModel;
  readonly task: Task;
  /** Seed prompts the few-shot examples are drawn from (seen too). */
  readonly seeds: readonly string[];
  /** Other prompts seen so far (earlier rounds', earlier proposals). */
  readonly seen?: readonly string[];
  /** The held-out prompts: a proposal equal or near one is rejected as a test overlap. */
  readonly test?: readonly string[];
  /** Proposals to make. */
  readonly count: number;
  readonly seed?: number;
  /** Proposals per batched call (default 32). */
  readonly chunk?: number;
  readonly signal?: AbortSignal;
}

/** The prompts seen before any proposal: the test set apart, then the seeds and the rest. */
export function seenIndex(
  similarity: PromptSimilarity,
  test: readonly string[],
  seen: readonly string[],
): PromptIndex {
  const index = new PromptIndex(similarity);
  index.add(test, 'test');
  index.add(seen);
  return index;
}

/**
 * Library entry: `count` proposals by `model` in the style of `seeds`, screened; returns each
 * decision (as stored samples) and the stats. Kept ones are `samples.filter(s => s.kept)`.
 */
export async function proposePrompts(
  options: ProposePromptsOptions,
): Promise<{ samples: SampleRecord[]; stats: ProposalStats }> {
  const index = seenIndex(options.similarity, options.test ?? [], [
    ...options.seeds,
    ...(options.seen ?? []),
  ]);
  const size = options.chunk ?? 32;
  const samples: SampleRecord[] = [];
  for (let c = 0; c * size < options.count; c++) {
    const n = Math.min(size, options.count - c * size);
    samples.push(
      ...(await proposalSamples({
        ...options,
        stage: 'propose',
        chunk: c,
        offset: c * size,
        count: n,
        runSeed: options.seed ?? 1,
        pool: options.seeds,
        index,
      })),
    );
  }
  return { samples, stats: proposalStats(samples) };
}
