// The open-ended `constraints` task (scored critiques) through the whole pipeline: its quick
// preset cut down to seconds, the real engine and a real SQLite store, the student behind a double
// that turns some of its critiques' score lines out of range or removes them. Asserts what the
// pipeline promises for scores: parsed and counted, the threshold filter, the refinement stop
// rule, and bad score lines counted per stage, never taken as a verdict.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../config/run-config.js';
import { EmbeddedTrainer } from '../engine/index.js';
import type { EvalMetrics, KeptMetrics } from '../evaluate/metrics.js';
import { summaryTables } from '../report/html-report.js';
import { formatTable } from '../report/table.js';
import { studentRef } from '../runtime/model-factory.js';
import type { Attempt } from '../spec/run-store.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { createTask } from '../tasks/task-registry.js';
import { type RewriteRecord, RewritingLanguageModel } from '../testing/rewriting-language-model.js';
import { TINY_CONSTRAINTS_CONFIG } from '../testing/test-configs.js';
import { runPipeline } from './pipeline.js';

const config = parseRunConfig(TINY_CONSTRAINTS_CONFIG);
const { task, teacher } = createTask('constraints');
const { threshold } = task.score!.scale;

/**
 * Of every 6 critiques, one gets an out-of-range score line and one loses its score line; one
 * gets a full score and one a low score, so that a tiny model's round both keeps and refines
 * something; the others stay the model's own.
 */
function tamper(text: string, _request: unknown, call: number): string {
  const body = text.replace(/score:[^\n]*/gi, '').trimEnd();
  const line = ['score: 2/5', 'score: 9/5', undefined, '(no score)', 'score: 5/5', undefined][
    call % 6
  ];
  return line === undefined ? text : `${body}\n${line}`;
}

describe('scored critiques through the pipeline (constraints task, real engine and store)', () => {
  it('parses, counts, filters at the threshold and stops refining by the score', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scored-'));
    const store = new SqliteRunStore(join(dir, 'runs.db'));
    const run = 'scored';
    store.createRun({ name: run, config, seed: config.seed, dir: join(dir, run) });
    const trainer = new EmbeddedTrainer({ outputDir: join(dir, run, 'models'), overwrite: true });
    const log = { calls: 0, rewrites: [] as RewriteRecord[] };
    const summary = await runPipeline({
      run,
      settings: config,
      ports: {
        store,
        trainer,
        loader: {
          load: async (ref) =>
            new RewritingLanguageModel(await trainer.load(ref), 'feedback', tamper, log),
        },
        task,
        teacher: teacher!,
        start: studentRef(config.models.student),
      },
    });
    const round = store.samples(run, 'round-1');
    const stages = ['meta', 'round-1', 'eval:base', 'eval:meta', 'eval:round-1'];
    const all = stages.flatMap((s) => store.samples(run, s));
    const records = new Map(store.stages(run).map((r) => [r.name, r.metrics]));
    const metrics = (name: string) =>
      records.get(name) as { eval: EvalMetrics; data?: KeptMetrics };
    store.close();
    await trainer.close();

    // Scores parsed: every stored critique's score is what the task reads from its text, and the
    // stage metrics count exactly those.
    const critiques = (samples: typeof all) =>
      samples.flatMap((s) => s.attempts.filter((a) => a.feedback !== undefined));
    for (const a of critiques(all)) {
      const reading = task.score!.parseScore(a.feedback!);
      expect(a.score ?? null).toBe(reading.problem === undefined ? reading.score : null);
      expect(a.scoreProblem).toBe(reading.problem);
      if (a.scoreProblem !== undefined) expect(a.verdict).toBeNull();
    }
    const count = (samples: typeof all, what: (a: Attempt) => boolean) =>
      critiques(samples).filter(what).length;
    const r1 = metrics('round-1').data!.scores!;
    expect(r1.scored).toBe(count(round, (a) => typeof a.score === 'number'));
    expect(r1.scored).toBeGreaterThan(0);
    expect(r1.out_of_range).toBe(count(round, (a) => a.scoreProblem === 'out-of-range'));
    expect(r1.missing).toBe(count(round, (a) => a.scoreProblem === 'missing'));
    expect(Object.values(r1.histogram).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(
      round.length,
    );

    // Bad score lines: every rewrite of the double is in the store as such, and counted.
    const outOfRange = log.rewrites.filter((r) => r.after.endsWith('score: 9/5'));
    const missing = log.rewrites.filter((r) => r.after.endsWith('(no score)'));
    expect(log.rewrites.some((r) => r.after.endsWith('score: 5/5'))).toBe(true);
    expect(outOfRange.length).toBeGreaterThan(0);
    expect(missing.length).toBeGreaterThan(0);
    const stored = critiques(all);
    for (const [rewrites, problem] of [
      [outOfRange, 'out-of-range'],
      [missing, 'missing'],
    ] as const) {
      for (const r of rewrites)
        expect(stored.some((a) => a.feedback === r.after && a.scoreProblem === problem)).toBe(true);
    }
    const summed = (k: 'out_of_range' | 'missing') =>
      summary.stages.reduce((n, s) => n + (s.scores?.eval[k] ?? 0) + (s.scores?.data?.[k] ?? 0), 0);
    // The meta stage's critiques are the teacher's (never rewritten); the others are the double's.
    expect(summed('out_of_range')).toBe(count(all, (a) => a.scoreProblem === 'out-of-range'));
    expect(summed('out_of_range')).toBeGreaterThanOrEqual(outOfRange.length);
    expect(summed('missing')).toBeGreaterThanOrEqual(missing.length);
    expect(formatTable(summary)).toMatch(/out of range/);
    expect(String(summaryTables(summary))).toContain('<h2>Scores</h2>');

    // The threshold filter: kept samples scored at or above it; dropped ones below or unreadable.
    const last = (s: (typeof round)[number]) => s.attempts[s.attempts.length - 1];
    const kept = round.filter((s) => s.kept);
    const dropped = round.filter((s) => !s.kept);
    expect(kept.length).toBeGreaterThan(0);
    expect(dropped.length).toBeGreaterThan(0);
    for (const s of kept) expect(last(s).score).toBeGreaterThanOrEqual(threshold);
    for (const s of dropped) {
      const score = last(s).score;
      if (typeof score === 'number') expect(score).toBeLessThan(threshold);
    }
    expect(dropped.some((s) => last(s).scoreProblem !== undefined)).toBe(true);
    expect(metrics('round-1').data!.kept).toBe(kept.length);

    // The stop rule: refined while below the threshold and improving, up to k; stopped otherwise.
    const better = (a: readonly Attempt[], i: number) =>
      i === 0 || (a[i].score as number) > (a[i - 1].score as number);
    let stalled = 0;
    for (const s of round) {
      const n = s.attempts.length;
      for (let i = 0; i < n - 1; i++) {
        expect(s.attempts[i].verdict).toBe('wrong');
        expect(better(s.attempts, i)).toBe(true);
      }
      const end = s.attempts[n - 1];
      const mayContinue = end.verdict === 'wrong' && better(s.attempts, n - 1);
      if (n - 1 < config.evolve.refine) expect(mayContinue).toBe(false);
      if (end.verdict === 'wrong' && !mayContinue) stalled++;
    }
    expect(round.some((s) => s.attempts.length > 1)).toBe(true);
    expect(stalled).toBeGreaterThan(0);

    // Reference grades reported beside the self-scores.
    const evalScores = metrics('round-1').eval.scores!;
    expect(evalScores.reference_direct).toBeGreaterThanOrEqual(0);
    expect(evalScores.reference_refined).toBeGreaterThanOrEqual(0);
    expect(r1.keep_precision === null || r1.keep_precision >= 0).toBe(true);
    console.log(
      `scored pipeline: ${round.length} round samples, ${kept.length} kept, ${stalled} stopped by no improvement, ` +
        `${outOfRange.length} out-of-range and ${missing.length} missing score lines written by the double`,
    );
  }, 120_000);
});
