// evolve.propose in the pipeline, on the real engine and a real SQLite store with a tiny config:
// round 2 evolves on the kept proposals, the counts add up, and a run killed while proposing
// resumes with the proposals already made reused, not asked for again. The proposer is the
// teacher slot (`by: "teacher"`) filled by the repeating double (src/testing/repeating-proposer.ts),
// standing in for a model that copies training and test prompts and sometimes writes new ones;
// the tiny student itself writes almost only malformed prompts, which would leave round 2 empty.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeConfig, parseRunConfig } from '../config/run-config.js';
import { EmbeddedTrainer } from '../engine/index.js';
import { formatTable } from '../report/table.js';
import { studentRef } from '../runtime/model-factory.js';
import type { CompletionRequest, LanguageModel } from '../spec/language-model.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { createTask } from '../tasks/task-registry.js';
import { repeatingProposer } from '../testing/repeating-proposer.js';
import { TINY_CONFIG } from '../testing/test-configs.js';
import { pipelineData } from './data.js';
import { PROPOSE_INSTRUCTION } from './examples.js';
import { runPipeline } from './pipeline.js';
import { promptSimilarity } from './prompt-dedup.js';
import { PROPOSAL_COUNTS } from './propose-prompts.js';
import { proposeStage } from './propose-stage.js';

const config = parseRunConfig(
  mergeConfig(TINY_CONFIG, {
    // Wider than the tiny task's 50 equations, so that new ones exist to be proposed.
    task: {
      name: 'equations',
      params: { coefficient: [2, 5], solution: [0, 9], constant: [1, 9] },
    },
    data: { test: 8 },
    meta: { prompts: 48 },
    evolve: {
      rounds: 2,
      prompts: 16,
      propose: {
        from: 2,
        count: 32,
        examples: 2,
        similarity: 'numbers',
        by: 'teacher',
        metaExamples: 100,
      },
    },
    eval: { refine: 0 },
    generation: { chunk: 8 },
  }),
);

const proposing = (r: CompletionRequest) => r.turns[0].text.startsWith(PROPOSE_INSTRUCTION);

/** The model, recording its proposing requests; with `failAt`, the failAt-th proposing call throws. */
function watched(model: LanguageModel, seen: CompletionRequest[], failAt?: number): LanguageModel {
  let calls = 0;
  return {
    id: model.id,
    close: () => model.close?.() ?? Promise.resolve(),
    complete: async (requests, options) => {
      if (requests.some(proposing)) {
        if (++calls === failAt) throw new Error('killed while proposing');
        seen.push(...requests);
      }
      return model.complete(requests, options);
    },
  };
}

describe('evolve.propose in the pipeline (tiny config, real engine)', () => {
  it('evolves round 2 on the kept proposals, counts add up, and resume reuses them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'propose-'));
    const store = new SqliteRunStore(join(dir, 'runs.db'));
    store.createRun({ name: 'p', config, seed: config.seed, dir });
    const trainer = new EmbeddedTrainer({ outputDir: join(dir, 'models'), overwrite: true });
    const { task, teacher } = createTask(
      'equations',
      (config.task as { params: Record<string, unknown> }).params,
    );
    const data = pipelineData(config, task);
    const prompts = (ps: { prompt: string }[]) => ps.map((p) => p.prompt);
    const fresh = task.generate!(200, 4242).filter((p) => !data.heldOut.has(p.prompt));
    const proposer = repeatingProposer({
      seen: prompts(data.qa),
      test: prompts(data.test),
      novel: prompts(fresh),
    });
    const run = (asked: CompletionRequest[], failAt?: number) =>
      runPipeline({
        run: 'p',
        settings: config,
        ports: {
          store,
          trainer,
          loader: trainer,
          proposer: watched(proposer, asked, failAt),
          task,
          teacher: teacher!,
          start: studentRef(config.models.student),
        },
      });
    const first: CompletionRequest[] = [];
    await expect(run(first, 2)).rejects.toThrow('killed while proposing');
    const stage = proposeStage(2);
    const before = store.samples('p', stage);
    expect(before.length).toBe(8);
    expect(first.length).toBe(8);

    const second: CompletionRequest[] = [];
    const summary = await run(second);
    const proposals = store.samples('p', stage);
    expect(proposals.slice(0, 8)).toEqual(before);
    // The proposals of the first chunk were not asked for again.
    const reused = new Set(before.map((s) => s.seed));
    expect(second.some((r) => reused.has(r.seed!))).toBe(false);
    expect(second.length).toBe(proposals.length - 8);

    const kept = proposals.filter((s) => s.kept);
    const round = store.samples('p', 'round-2');
    expect(round.map((s) => s.prompt)).toEqual(
      kept.slice(0, config.evolve.prompts).map((s) => s.response.trim()),
    );
    const stats = summary.stages.find((s) => s.name === 'round-2')!.proposals!;
    expect(stats.made).toBe(proposals.length);
    expect(stats.kept).toBe(kept.length);
    expect(PROPOSAL_COUNTS.reduce((n, k) => n + stats[k], 0)).toBe(stats.made);
    expect(stats.kept).toBeGreaterThan(0);
    expect(stats.duplicate).toBeGreaterThan(0);
    expect(stats.test_overlap).toBeGreaterThan(0);
    // Meta-skill training read the proposing examples too.
    const meta = store.getStage('p', 'meta')!.metrics as { trained_on: number };
    const dMeta = store.samples('p', 'meta').filter((s) => s.kept).length;
    expect(meta.trained_on).toBe(dMeta + data.qa.length + 100);
    // Every kept proposal is well formed and far from every test prompt and from each other,
    // across the resume too.
    const test = store.samples('p', 'eval:base').map((s) => s.prompt);
    for (const [i, s] of kept.entries()) {
      expect(task.validatePrompt!(s.response.trim())).toBeUndefined();
      for (const t of test) expect(promptSimilarity(s.response, t, 'numbers')).toBeLessThan(0.7);
      for (const o of kept.slice(0, i))
        expect(promptSimilarity(s.response, o.response, 'numbers')).toBeLessThan(0.7);
    }
    // The stage table (`runs show`) gives round 2's proposal line.
    expect(formatTable(summary)).toMatch(
      /proposed\s+made\s+kept\s+dup\s+near-dup\s+malformed\s+test/,
    );
    expect(formatTable(summary)).toMatch(
      new RegExp(
        `round-2\\s+${stats.made}\\s+${stats.kept}\\s+${stats.duplicate}\\s+${stats.near_duplicate}\\s`,
      ),
    );
    // Round 1 is unchanged by proposing; only round 2 has proposal stats.
    expect(summary.stages.find((s) => s.name === 'round-1')!.proposals).toBeUndefined();
    store.close();
    await trainer.close();
  }, 120_000);
});
