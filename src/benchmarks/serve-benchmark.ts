// `bench serve`: a bounded load against `serve` on 127.0.0.1 (a child process by default, as a real
// server runs), serving fresh embedded checkpoints: good chat completions, plain and streamed, mixed
// with hostile requests. Reports errors, statuses, latency and the server's RSS before and after.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EmbeddedTrainer, NEW_MODEL_ID } from '../engine/index.js';
import { withFineTuning } from '../server/fine-tuning/index.js';
import { checkpointModels, checkpointResolver } from '../server/served-models.js';
import { type RunningServer, startServer } from '../server/start-server.js';
import { SelfEvolveError } from '../spec/errors.js';
import { goodRequest, HOSTILE, hostileRequest, type Target } from './serve-benchmark-requests.js';

export interface ServeBenchmarkOptions {
  /** Length of the load (default 60). */
  readonly seconds?: number;
  /** RSS is first read this far into the load, latency counted from then (default 30). */
  readonly warmupSeconds?: number;
  /** Requests in flight (default 64). */
  readonly connections?: number;
  /** Run the server in this process (RSS is then client and server together). Default: a child. */
  readonly inProcess?: boolean;
  /** The server's request timeout, which a stalled body waits out (default 3000). */
  readonly requestTimeoutMs?: number;
  /**
   * Cap the child server's V8 heap at this many MB (`--max-old-space-size`). A small cap makes
   * V8 collect early, so RSS shows what is retained rather than garbage not yet collected: a leak
   * then climbs (or crashes the server), a sound server stays flat.
   */
  readonly serverHeapMb?: number;
  readonly onProgress?: (seconds: number, total: number) => void;
}

/** The JSON that `bench serve --json` prints. */
export interface ServeBenchmarkResult {
  readonly server: 'child' | 'in-process';
  /** The child's heap cap in MB, when one was set. */
  readonly server_heap_mb: number | null;
  readonly model: string;
  readonly seconds: number;
  readonly warmup_seconds: number;
  readonly connections: number;
  readonly requests: number;
  readonly requests_per_second: number;
  readonly good: {
    readonly count: number;
    readonly streamed: number;
    /** Good requests that failed: must be 0. */
    readonly errors: number;
    readonly error_samples: readonly string[];
    /** Of good requests after the warm-up. */
    readonly latency_ms: { readonly p50: number; readonly p95: number; readonly max: number };
  };
  readonly hostile: {
    readonly count: number;
    /** Hostile requests not answered with a 4xx (status 0: no answer): must be 0. */
    readonly not_4xx: number;
    readonly by_status: Readonly<Record<string, number>>;
    readonly by_kind: Readonly<Record<string, Readonly<Record<string, number>>>>;
  };
  readonly rss_mb: {
    readonly after_warmup: number;
    readonly after_run: number;
    /** after_run / after_warmup − 1; the target is at most 0.2. */
    readonly growth: number;
    /** Every 5 s of the load: a leak climbs, a warm heap levels off. */
    readonly every_5s: readonly number[];
  };
  readonly load_average_1m: number;
}

const SHAPE = { dModel: 32, nLayers: 2, nHeads: 2, dFF: 64, contextLength: 128 };
const MAX_BODY_BYTES = 64 << 10;
const MODELS = ['bench-0', 'bench-1', 'bench-2'];

/** Fresh checkpoints under `root`, one outside it, and a symlink in the root that points there. */
async function prepare(dir: string): Promise<{ root: string; ft: string }> {
  const root = join(dir, 'checkpoints');
  const outside = join(dir, 'outside');
  mkdirSync(root, { recursive: true });
  const trainer = new EmbeddedTrainer({ outputDir: dir, kernels: 'js' });
  for (const [i, path] of [
    ...MODELS.map((m) => join(root, m)),
    join(outside, 'secret'),
  ].entries()) {
    const ref = { kind: 'embedded', id: NEW_MODEL_ID, meta: { config: SHAPE, seed: i } };
    const engine = await trainer.open(ref, i, []);
    await engine.save(path);
    engine.dispose();
  }
  await trainer.close();
  symlinkSync(join(outside, 'secret'), join(root, 'escape'));
  return { root, ft: join(dir, 'ft') };
}

interface Server {
  readonly baseURL: string;
  /** The server's resident memory now, in MB. */
  rssMb(): number;
  close(): Promise<void>;
}

async function inProcessServer(root: string, ft: string, key: string, timeout: number) {
  const loaded = checkpointModels({ maxLoaded: 2 });
  const dynamic = checkpointResolver(root, undefined, { models: loaded });
  const server: RunningServer = await startServer({
    port: 0,
    models: [],
    apiKey: key,
    maxBodyBytes: MAX_BODY_BYTES,
    requestTimeoutMs: timeout,
    ...withFineTuning(
      ft,
      { resolve: dynamic.resolve, resolvedNames: dynamic.names, onClose: loaded.close },
      { checkpoints: root, loaded },
    ),
  });
  const rssMb = () => process.memoryUsage().rss / 2 ** 20;
  return { baseURL: server.baseURL, rssMb, close: () => server.close() };
}

async function childServer(
  root: string,
  ft: string,
  key: string,
  timeout: number,
  heapMb?: number,
) {
  const bin = fileURLToPath(new URL('../../bin/self-evolve.js', import.meta.url));
  const args = [
    ...['serve', '--checkpoints', root, '--fine-tuning', ft, '--api-key-env', 'SERVE_BENCH_KEY'],
    ...['--max-body-bytes', String(MAX_BODY_BYTES), '--max-loaded-models', '2'],
    ...['--request-timeout-ms', String(timeout), '--port', '0', '--json'],
  ];
  const node = heapMb ? [`--max-old-space-size=${heapMb}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...node, bin, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SERVE_BENCH_KEY: key },
  });
  const exited = once(child, 'exit').then(() => {
    throw new SelfEvolveError('bench', 'the benchmark server exited before it was ready');
  });
  const ready = (async () => {
    for await (const line of createInterface({ input: child.stdout! })) {
      return (JSON.parse(line) as { baseURL: string }).baseURL;
    }
    throw new SelfEvolveError('bench', 'the benchmark server printed nothing');
  })();
  const baseURL = await Promise.race([ready, exited]);
  exited.catch(() => {});
  return {
    baseURL,
    rssMb: () => rssOf(child.pid!),
    close: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** A process's resident memory in MB, from /proc (Linux). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

async function uploadTrainingFile(baseURL: string, key: string): Promise<string> {
  const form = new FormData();
  form.set('purpose', 'fine-tune');
  form.set('file', new Blob([`${JSON.stringify({ prompt: '1+1', response: '2' })}\n`]), 'b.jsonl');
  const r = await fetch(`${baseURL}/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
    body: form,
  });
  if (r.status !== 200) throw new SelfEvolveError('bench', `upload failed: ${await r.text()}`);
  return ((await r.json()) as { id: string }).id;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0;
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** Runs the benchmark; the server and its files are gone before it returns. */
export async function runServeBenchmark(
  options: ServeBenchmarkOptions = {},
): Promise<ServeBenchmarkResult> {
  const seconds = options.seconds ?? 60;
  const warmupSeconds = Math.min(options.warmupSeconds ?? 30, seconds);
  const connections = options.connections ?? 64;
  const timeout = options.requestTimeoutMs ?? 3000;
  const dir = mkdtempSync(join(tmpdir(), 'bench-serve-'));
  const key = `sk-bench-${Math.random().toString(36).slice(2)}`;
  let server: Server | undefined;
  try {
    const { root, ft } = await prepare(dir);
    server = options.inProcess
      ? await inProcessServer(root, ft, key, timeout)
      : await childServer(root, ft, key, timeout, options.serverHeapMb);
    const target: Target = {
      baseURL: server.baseURL,
      key,
      maxBodyBytes: MAX_BODY_BYTES,
      models: MODELS,
      symlinked: 'escape',
      trainingFile: await uploadTrainingFile(server.baseURL, key),
    };
    const kinds = Object.keys(HOSTILE);
    const good = { count: 0, streamed: 0, errors: 0, samples: [] as string[] };
    const latencies: number[] = [];
    const hostile = { count: 0, notFourxx: 0, byStatus: {} as Record<string, number> };
    const byKind: Record<string, Record<string, number>> = {};
    let stalled = 0;
    let next = 0;
    let goodNo = 0;
    let rssAfterWarmup = Number.NaN;
    const every5s: number[] = [];
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    const ticker = setInterval(() => {
      if (Number.isNaN(rssAfterWarmup) && elapsed() >= warmupSeconds) {
        rssAfterWarmup = server!.rssMb();
      }
      if (elapsed() >= 5 * (every5s.length + 1)) every5s.push(round(server!.rssMb()));
      options.onProgress?.(Math.min(seconds, Math.floor(elapsed())), seconds);
    }, 250);
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (elapsed() < seconds) {
          const i = next++;
          if (i % 4 !== 3) {
            const stream = goodNo++ % 2 === 0;
            const t0 = performance.now();
            const outcome = await goodRequest(target, i, stream);
            if (elapsed() >= warmupSeconds) latencies.push(performance.now() - t0);
            good.count++;
            if (stream) good.streamed++;
            if (outcome.problem) {
              good.errors++;
              if (good.samples.length < 5)
                good.samples.push(`${outcome.status}: ${outcome.problem}`);
            }
            continue;
          }
          let kind = kinds[(i >> 2) % kinds.length];
          // At most two stalled bodies at once: each holds a connection for the request timeout.
          if (kind === 'stalled_body' && stalled >= 2) kind = 'random_model';
          if (kind === 'stalled_body') stalled++;
          const status = await hostileRequest(target, kind, i);
          if (kind === 'stalled_body') stalled--;
          hostile.count++;
          if (status < 400 || status > 499) hostile.notFourxx++;
          hostile.byStatus[status] = (hostile.byStatus[status] ?? 0) + 1;
          byKind[kind] ??= {};
          byKind[kind][status] = (byKind[kind][status] ?? 0) + 1;
        }
      }),
    );
    clearInterval(ticker);
    const total = elapsed();
    const rssAfterRun = server.rssMb();
    if (Number.isNaN(rssAfterWarmup)) rssAfterWarmup = rssAfterRun;
    latencies.sort((a, b) => a - b);
    return {
      server: options.inProcess ? 'in-process' : 'child',
      server_heap_mb: (!options.inProcess && options.serverHeapMb) || null,
      model: `embedded, fresh (dModel ${SHAPE.dModel}, ${SHAPE.nLayers} layers, context ${SHAPE.contextLength}), ${MODELS.length} checkpoints, at most 2 loaded`,
      seconds: round(total),
      warmup_seconds: warmupSeconds,
      connections,
      requests: good.count + hostile.count,
      requests_per_second: round((good.count + hostile.count) / total),
      good: {
        count: good.count,
        streamed: good.streamed,
        errors: good.errors,
        error_samples: good.samples,
        latency_ms: {
          p50: round(percentile(latencies, 0.5)),
          p95: round(percentile(latencies, 0.95)),
          max: round(latencies.at(-1) ?? 0),
        },
      },
      hostile: {
        count: hostile.count,
        not_4xx: hostile.notFourxx,
        by_status: hostile.byStatus,
        by_kind: byKind,
      },
      rss_mb: {
        after_warmup: round(rssAfterWarmup),
        after_run: round(rssAfterRun),
        growth: round(rssAfterRun / rssAfterWarmup - 1, 3),
        every_5s: every5s,
      },
      load_average_1m: round(loadavg()[0], 2),
    };
  } finally {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What missed its target in a result: good errors, hostile answers that were not 4xx, RSS. */
export function missedTargets(result: ServeBenchmarkResult): string[] {
  const missed: string[] = [];
  if (result.good.errors > 0) missed.push(`${result.good.errors} good requests failed`);
  if (result.hostile.not_4xx > 0)
    missed.push(`${result.hostile.not_4xx} hostile requests got no 4xx`);
  if (result.rss_mb.growth > 0.2) {
    missed.push(
      `RSS grew ${Math.round(result.rss_mb.growth * 100)}% after the warm-up (target 20%)`,
    );
  }
  return missed;
}
