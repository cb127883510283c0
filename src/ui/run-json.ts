// A run's overview as JSON (the UI's /api routes), and the few example episodes report.html shows.
import type { SampleRecord } from '../spec/run-store.js';
import { type SampleRow, type SqliteRunStore, toSample } from '../store/sqlite-run-store.js';
import type { RunOverview } from './run-overview.js';

/** The overview's fields for scripts; with `detailed`, the summary and samples by stage too. */
export function runJson(o: RunOverview, detailed = false) {
  return {
    name: o.run.name,
    status: o.run.status,
    seed: o.run.seed,
    created: o.run.createdAt,
    updated: o.run.updatedAt,
    stage: o.stage,
    step: o.step,
    samples_done: o.done,
    samples_total: o.total,
    progress: o.fraction,
    elapsed_seconds: Math.round(o.elapsedSeconds),
    eta_seconds: o.etaSeconds === null ? null : Math.round(o.etaSeconds),
    accuracy: o.accuracy,
    ...(detailed
      ? { plan: o.plan, summary: o.summary, samples_by_stage: Object.fromEntries(o.samplesByStage) }
      : {}),
  };
}

/**
 * Examples for report.html, as the CLI's report picks them (refined-and-kept, then dropped) but
 * read with LIMIT instead of loading the stage.
 */
export function reportExamples(store: SqliteRunStore, run: string, stage: string): SampleRecord[] {
  const pick = (where: string, n: number) =>
    (
      store.connection
        .prepare(
          `SELECT * FROM samples WHERE run = ? AND stage = ? AND ${where} ORDER BY chunk, idx LIMIT ?`,
        )
        .all(run, stage, n) as SampleRow[]
    ).map(toSample);
  return [...pick('kept = 1 AND json_array_length(attempts) > 1', 3), ...pick('kept = 0', 2)];
}
