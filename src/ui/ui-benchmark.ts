// How responsive the episode table is on a big store: writes a synthetic run of about N samples,
// starts `self-evolve ui` in a child process (so its memory is its own), times filtered page
// requests over HTTP and reads the server's peak RSS from /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { deriveSeed, random } from '../self/seeds.js';
import { SelfEvolveError } from '../spec/errors.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { writeSyntheticRun } from './synthetic-runs.js';

export interface UiBenchmarkOptions {
  /** Samples in the synthetic run, about (meta 10%, four rounds 88%, five evaluations 2%). */
  readonly samples: number;
  /** Timed requests after the warm-up. */
  readonly requests: number;
  /** Use this runs folder (and its run `bench`) instead of a fresh temporary one. */
  readonly runsDir?: string;
  readonly onStatus?: (message: string) => void;
}

export interface UiBenchmarkResult {
  readonly samples: number;
  readonly store_mb: number;
  readonly generate_seconds: number | null;
  /** The first episodes request: builds the run's filter facts and labels. */
  readonly first_request_ms: number;
  readonly requests: number;
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly max_ms: number;
  /** VmHWM of the UI server process. */
  readonly peak_rss_mb: number;
  readonly machine: { readonly cpus: number; readonly cpu: string; readonly node: string };
}

/** The filtered pages a person would ask for, drawn with a fixed seed. */
export function benchmarkQueries(n: number, rounds: number, totalPages: number): string[] {
  const next = random(deriveSeed(1, 'ui-benchmark'));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const round = () => `round-${1 + Math.floor(next() * rounds)}`;
  const stage = () => pick([round(), round(), 'meta', `eval:${pick(['base', 'meta', round()])}`]);
  const makers = [
    () => `stage=${round()}&kept=${pick(['kept', 'dropped'])}`,
    () =>
      `stage=${stage()}&verdict=${pick(['right', 'wrong'])}&page=${1 + Math.floor(next() * 20)}`,
    () => `change=${pick(['fixed', 'broke'])}&refined=yes`,
    () => `q=${pick(['step', 'vs', 'no', '"verdict: wrong"'])}&kept=dropped`,
    () => `q=${10 + Math.floor(next() * 90)}&stage=${round()}`,
    () => `refined=${pick(['yes', 'no'])}&page=${1 + Math.floor(next() * totalPages)}`,
    () => `stage=${stage()}&kept=kept&verdict=wrong&change=unchanged`,
  ];
  return Array.from({ length: n }, () => pick(makers)());
}

async function startChild(runsDir: string): Promise<{ url: string; child: ChildProcess }> {
  const bin = fileURLToPath(new URL('../../bin/self-evolve.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [bin, 'ui', '--runs-dir', runsDir, '--port', '0', '--json'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(() => {
    throw new SelfEvolveError('bench', 'the UI server exited before it was ready');
  });
  const ready = (async () => {
    for await (const line of lines) return (JSON.parse(line) as { url: string }).url;
    throw new SelfEvolveError('bench', 'the UI server printed nothing');
  })();
  const url = await Promise.race([ready, exited]);
  exited.catch(() => {});
  return { url, child };
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 1024);
}

async function timed(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(url);
  await res.text();
  if (!res.ok) throw new SelfEvolveError('bench', `${url} answered ${res.status}`);
  return performance.now() - started;
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

/** Runs the benchmark; the temporary store is removed afterwards. */
export async function runUiBenchmark(options: UiBenchmarkOptions): Promise<UiBenchmarkResult> {
  const runsDir = options.runsDir ?? mkdtempSync(join(tmpdir(), 'ui-bench-'));
  const rounds = 4;
  let generateSeconds: number | null = null;
  const storePath = join(runsDir, 'runs.db');
  const store = new SqliteRunStore(storePath);
  let samples: number;
  if (!store.getRun('bench')) {
    options.onStatus?.(`writing a synthetic run of about ${options.samples} samples`);
    const started = performance.now();
    samples = await writeSyntheticRun(store, {
      name: 'bench',
      dir: join(runsDir, 'bench'),
      rounds,
      // Round prompts are drawn apart from the held-out set, so each round has exactly `prompts`.
      metaPrompts: Math.round(options.samples * 0.1),
      prompts: Math.round((options.samples * 0.88) / rounds),
      test: Math.round(options.samples * 0.004),
    });
    generateSeconds = (performance.now() - started) / 1000;
  } else {
    samples = (
      store.connection.prepare("SELECT count(*) AS n FROM samples WHERE run = 'bench'").get() as {
        n: number;
      }
    ).n;
  }
  store.close();
  const { url, child } = await startChild(runsDir);
  try {
    const base = new URL('runs/bench/episodes', url).toString();
    options.onStatus?.('first request (builds the filter facts)');
    const first = await timed(base);
    const queries = benchmarkQueries(options.requests, rounds, Math.floor(samples / 50));
    const times: number[] = [];
    for (const [i, q] of queries.entries()) {
      times.push(await timed(`${base}?${q}`));
      if (i % 50 === 0) options.onStatus?.(`request ${i + 1} of ${queries.length}`);
    }
    times.sort((a, b) => a - b);
    const round1 = (x: number) => Math.round(x * 10) / 10;
    return {
      samples,
      store_mb: Math.round(statSync(storePath).size / 2 ** 20),
      generate_seconds: generateSeconds === null ? null : round1(generateSeconds),
      first_request_ms: Math.round(first),
      requests: times.length,
      p50_ms: round1(quantile(times, 0.5)),
      p95_ms: round1(quantile(times, 0.95)),
      max_ms: round1(times[times.length - 1]),
      peak_rss_mb: peakRssMb(child.pid!),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    };
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
    if (!options.runsDir) rmSync(runsDir, { recursive: true, force: true });
  }
}
