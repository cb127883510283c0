// The pipeline on the real engine and a real SQLite store, with a tiny config. The garbage test
// proves that no ground truth reaches self-evolution: replacing the answers attached to the
// unlabeled prompts by garbage leaves every sample of the round, and so the kept set, unchanged.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../config/run-config.js';
import { EmbeddedTrainer } from '../engine/index.js';
import { studentRef } from '../runtime/model-factory.js';
import type { Problem } from '../spec/task.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { createTask } from '../tasks/task-registry.js';
import { TINY_CONFIG } from '../testing/test-configs.js';
import { runPipeline } from './pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'pipeline-'));
const config = parseRunConfig(TINY_CONFIG);

async function runWithPrompts(name: string, prompts: Problem[]) {
  const store = new SqliteRunStore(join(dir, `${name}.db`));
  const runDir = join(dir, name);
  store.createRun({ name, config, seed: config.seed, dir: runDir });
  const trainer = new EmbeddedTrainer({ outputDir: join(runDir, 'models'), overwrite: true });
  const { task, teacher } = createTask(
    'equations',
    (config.task as { params: Record<string, unknown> }).params,
  );
  const summary = await runPipeline({
    run: name,
    settings: config,
    ports: {
      store,
      trainer,
      loader: trainer,
      task,
      teacher: teacher!,
      start: studentRef(config.models.student),
    },
    inputs: { prompts },
  });
  const round = store.samples(name, 'round-1');
  store.close();
  await trainer.close();
  return { summary, round };
}

describe('SELF pipeline (tiny config, real engine)', () => {
  it('keeps the same set when the unlabeled prompts carry garbage answers', async () => {
    const { task } = createTask(
      'equations',
      (config.task as { params: Record<string, unknown> }).params,
    );
    const problems = task.generate!(config.evolve.prompts, 77);
    const garbage = problems.map((p, i) => ({ ...p, answer: `garbage-${i * 7919}` }));
    const a = await runWithPrompts('truth', problems);
    const b = await runWithPrompts('garbage', garbage);

    const view = (s: (typeof a.round)[number]) => ({
      prompt: s.prompt,
      attempts: s.attempts,
      kept: s.kept,
      reason: s.reason,
    });
    // For the comparison to mean anything, some answers of the round must be right: a filter
    // that peeked at the labels would then keep them in one run and not in the other.
    const right = a.round.filter((s, i) =>
      task.isCorrect(s.refinement ?? s.response, problems[i].answer!),
    );
    expect(right.length).toBeGreaterThan(0);
    expect(a.round.some((s) => s.attempts.some((t) => t.verdict !== null))).toBe(true);
    expect(b.round.map(view)).toEqual(a.round.map(view));
    const last = (s: typeof a.summary) => s.stages[s.stages.length - 1];
    // And the model trained on the kept set is the same: identical held-out results.
    expect(last(b.summary).direct_acc).toBe(last(a.summary).direct_acc);
    expect(last(b.summary).refined_acc).toBe(last(a.summary).refined_acc);
  });
});
