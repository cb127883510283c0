// Where a run is: its current stage and step, samples stored against what its config will make,
// elapsed and estimated time, and accuracy so far. Stage records arrive at stage end and chunks
// as they finish, so progress counts stored samples against the sizes in the config.
import type { RunConfig } from '../config/run-config.js';
import { resolveProblemFile } from '../data/datasets.js';
import { readProblemFile } from '../data/problems.js';
import { type RunSummary, stageNames, summarize } from '../self/summary.js';
import type { RunRecord } from '../spec/run-store.js';
import type { SqliteRunStore } from '../store/sqlite-run-store.js';
import { storedConfig } from './run-labels.js';

export interface RunOverview {
  readonly run: RunRecord;
  /** Every stage the config makes, in order (empty when the stored config no longer parses). */
  readonly plan: readonly string[];
  /** The stage running now, or the last one finished. */
  readonly stage: string | null;
  /** e.g. `training base`, `generating round-1`, `evaluating meta`, `finished`. */
  readonly step: string;
  /** Samples stored, and how many the whole run makes (null when unknown). */
  readonly done: number;
  readonly total: number | null;
  readonly fraction: number | null;
  readonly elapsedSeconds: number;
  /** Time left at the rate so far: elapsed × (1 − fraction) / fraction; null when unknown. */
  readonly etaSeconds: number | null;
  /** Seconds since the run last wrote anything (a chunk, a stage, its status). */
  readonly idleSeconds: number;
  /** Accuracy of the last finished stage. */
  readonly accuracy: { stage: string; direct: number; refined: number } | null;
  readonly summary: RunSummary;
  readonly samplesByStage: ReadonlyMap<string, number>;
}

const testSizes = new Map<string, number | null>();

/** Problems in the config's test set: its size, or the file's problems (read once, cached). */
function testSize(config: RunConfig): number | null {
  const spec = config.data.testFile;
  if (spec === undefined) return config.data.test;
  const key = JSON.stringify(spec);
  if (!testSizes.has(key)) {
    try {
      const file = resolveProblemFile(spec, process.cwd(), 'data.testFile');
      testSizes.set(key, readProblemFile(file, { what: 'data.testFile' }).length);
    } catch {
      testSizes.set(key, null);
    }
  }
  return testSizes.get(key) ?? null;
}

/** Samples each sample stage of the config will store (meta, round-t, eval:<stage>). */
export function expectedSamples(config: RunConfig): Map<string, number | null> {
  const out = new Map<string, number | null>();
  const test = testSize(config);
  const prompts = Math.min(config.meta.prompts, config.data.train);
  for (const name of stageNames(config)) {
    if (name === 'meta')
      out.set(name, prompts * config.meta.samples + Math.round(prompts * config.meta.references));
    else if (name.startsWith('round-'))
      out.set(name, config.evolve.prompts * config.evolve.samples);
    out.set(`eval:${name}`, test);
  }
  return out;
}

const seconds = (from: string, to: number) => Math.max(0, (to - Date.parse(from)) / 1000);

/** The overview of `run` as the store holds it at `now`. */
export function runOverview(store: SqliteRunStore, run: RunRecord, now = Date.now()): RunOverview {
  const config = storedConfig(run);
  const counts = new Map(
    (
      store.connection
        .prepare('SELECT stage, count(*) AS n FROM samples WHERE run = ? GROUP BY stage')
        .all(run.name) as { stage: string; n: number }[]
    ).map((r) => [r.stage, r.n]),
  );
  const chunks = new Map(
    (
      store.connection
        .prepare('SELECT stage, count(*) AS n FROM chunks WHERE run = ? GROUP BY stage')
        .all(run.name) as { stage: string; n: number }[]
    ).map((r) => [r.stage, r.n]),
  );
  const finished = new Set(store.stages(run.name).map((s) => s.name));
  const plan = config ? stageNames(config) : [...finished];
  const summary = config
    ? summarize(run.name, config, store)
    : { run: run.name, stages: [], total_seconds: 0 };
  const done = [...counts.values()].reduce((a, b) => a + b, 0);
  const expected = config ? expectedSamples(config) : new Map<string, number | null>();
  let total: number | null = config ? 0 : null;
  let counted = 0;
  for (const [stage, n] of expected) {
    const have = counts.get(stage) ?? 0;
    const owner = stage.startsWith('eval:') ? stage.slice(5) : stage;
    // A finished stage is complete whatever the config's estimate (filtered prompts, references).
    const size = finished.has(owner) ? have : n;
    if (size === null || total === null) total = null;
    else {
      total += size;
      counted += Math.min(have, size);
    }
  }
  const current = plan.find((name) => !finished.has(name)) ?? null;
  const last = summary.stages[summary.stages.length - 1];
  const fraction =
    run.status === 'finished'
      ? 1
      : total
        ? Math.min(0.999, counted / total)
        : total === 0
          ? 0
          : null;
  const elapsedSeconds = seconds(
    run.createdAt,
    run.status === 'running' ? now : Date.parse(run.updatedAt),
  );
  const etaSeconds =
    run.status === 'running' && fraction !== null && fraction > 0
      ? (elapsedSeconds * (1 - fraction)) / fraction
      : null;
  return {
    run,
    plan,
    stage: current ?? last?.name ?? null,
    step: stepOf(run, current, chunks, config ? expectedChunks(config) : new Map()),
    done,
    total,
    fraction,
    elapsedSeconds,
    etaSeconds,
    idleSeconds: seconds(run.updatedAt, now),
    accuracy: last
      ? { stage: last.name, direct: last.direct_acc, refined: last.refined_acc }
      : null,
    summary,
    samplesByStage: counts,
  };
}

/** Chunks each sample stage of the config will store (what runChunked splits it into). */
export function expectedChunks(config: RunConfig): Map<string, number | null> {
  const out = new Map<string, number | null>();
  const test = testSize(config);
  const chunks = (items: number | null, size: number) =>
    items === null ? null : Math.ceil(items / Math.max(1, size));
  const { chunk } = config.generation;
  for (const name of stageNames(config)) {
    if (name === 'meta') {
      const prompts = Math.min(config.meta.prompts, config.data.train);
      out.set(name, chunks(prompts, Math.floor(chunk / config.meta.samples)));
    } else if (name.startsWith('round-'))
      out.set(name, chunks(config.evolve.prompts, Math.floor(chunk / config.evolve.samples)));
    out.set(`eval:${name}`, chunks(test, chunk));
  }
  return out;
}

/**
 * What the run is doing: evaluating once the stage's eval chunks start, generating until its
 * data stage has all its chunks (the last one may be short, so filtered prompts do not matter),
 * then training.
 */
function stepOf(
  run: RunRecord,
  current: string | null,
  chunks: ReadonlyMap<string, number>,
  wanted: ReadonlyMap<string, number | null>,
): string {
  if (run.status === 'finished') return 'finished';
  const verb = run.status === 'failed' ? 'failed while ' : '';
  if (current === null) return run.status === 'failed' ? 'failed' : 'finishing';
  if ((chunks.get(`eval:${current}`) ?? 0) > 0) return `${verb}evaluating ${current}`;
  if (current === 'base') return `${verb}training base`;
  const want = wanted.get(current);
  if (want === null || want === undefined || (chunks.get(current) ?? 0) < want)
    return `${verb}generating ${current}`;
  return `${verb}training ${current}`;
}
