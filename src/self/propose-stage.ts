// The pipeline's proposing stage (`evolve.propose`): before round t, proposals are made chunk by
// chunk into the store (stage `propose:round-t`, so a resumed run reuses them) until enough are
// kept, screened against every prompt seen; the round evolves on the kept ones.
import type { LanguageModel } from '../spec/language-model.js';
import type { RunStore } from '../spec/run-store.js';
import type { Task } from '../spec/task.js';
import type { SftExample } from '../spec/trainer.js';
import { runChunked } from './chunked.js';
import type { ProposeSettings, SelfSettings } from './config.js';
import { type PipelineData, roundPrompts } from './data.js';
import { proposalSamples, proposingCorpus, seenIndex } from './propose-prompts.js';
import type { SeededPrompt } from './refine-loop.js';
import { deriveSeed } from './seeds.js';

/** The store stage holding round t's proposals. */
export const proposeStage = (t: number): string => `propose:round-${t}`;

/** The propose settings when round t evolves on proposals, else undefined. */
export function proposingAt(settings: SelfSettings, t: number): ProposeSettings | undefined {
  const p = settings.evolve.propose;
  return p && t >= p.from ? p : undefined;
}

/** The proposing examples meta-skill training adds to D_meta (none when proposing is off). */
export function proposingMeta(settings: SelfSettings, data: PipelineData): SftExample[] {
  const p = settings.evolve.propose;
  if (!p) return [];
  return proposingCorpus(
    data.qa.map((q) => q.prompt),
    { count: p.metaExamples, examples: p.examples, seed: deriveSeed(settings.seed, 'propose') },
  );
}

export interface ProposedRoundOptions {
  readonly store: RunStore;
  readonly run: string;
  readonly settings: SelfSettings;
  readonly data: PipelineData;
  readonly task: Task;
  /** The proposer (M_{t-1}, or the teacher model). */
  readonly model: LanguageModel;
  readonly t: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Round t's prompts from proposals: the first `evolve.prompts` kept (after the generated prompts
 * with `mix: both`), seeded by position as generated round prompts are. Proposals go on, a chunk
 * at a time, until that many are kept or `count` were made.
 */
export async function proposedRoundPrompts(options: ProposedRoundOptions): Promise<SeededPrompt[]> {
  const { store, run, settings, data, t } = options;
  const p = settings.evolve.propose!;
  const target = settings.evolve.prompts;
  const stage = proposeStage(t);
  const generated = p.mix === 'both' ? roundPrompts(data, settings, options.task, t) : [];
  const earlier = Array.from({ length: t - 1 }, (_, s) =>
    store.samples(run, `round-${s + 1}`).map((x) => x.prompt),
  ).flat();
  const index = seenIndex(
    p.similarity,
    data.test.map((x) => x.prompt),
    [...data.qa.map((x) => x.prompt), ...earlier, ...generated.map((x) => x.prompt)],
  );
  const before = store.samples(run, stage).filter((s) => s.kept);
  index.add(before.map((s) => s.response.trim()));
  let kept = before.length;
  const count = p.count ?? 2 * target;
  const samples = await runChunked<number>({
    store,
    run,
    stage,
    items: Array.from({ length: count }, (_, i) => i),
    chunkSize: settings.generation.chunk,
    onProgress: options.onProgress,
    maxErrors: settings.generation.maxErrors,
    work: async (items, chunk, offset) => {
      if (kept >= target) return [];
      const out = await proposalSamples({
        ...p,
        maxTokens: settings.generation.maxTokens.response,
        model: options.model,
        task: options.task,
        stage,
        chunk,
        offset,
        count: items.length,
        runSeed: settings.seed,
        pool: data.qa.map((x) => x.prompt),
        index,
        signal: options.signal,
      });
      kept += out.filter((s) => s.kept).length;
      return out;
    },
  });
  const proposed = samples
    .filter((s) => s.kept)
    .slice(0, target)
    .map((s) => ({ id: s.problemId, prompt: s.response.trim() }));
  return [...generated, ...proposed].map((x, i) => ({
    id: x.id,
    prompt: x.prompt,
    seed: deriveSeed(settings.seed, `round-${t}`, i),
  }));
}
