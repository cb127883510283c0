// `bench pipeline`: the SELF generation step (answer → self-feedback → refinement, self-filter)
// over HTTP against `serve` running the fixed-latency benchmark model, streaming prompts from a
// JSONL file in chunks. Measures call throughput against the ideal concurrency / latency, and RSS.
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FixedLatencyBenchmarkModel } from '../providers/fixed-latency-benchmark-model.js';
import { GuardedLanguageModel } from '../providers/guarded-language-model.js';
import { createOpenAICompatibleModel } from '../providers/openai-compatible.js';
import type { SeededPrompt } from '../self/refine-loop.js';
import { evolveSamples } from '../self/self-evolution.js';
import { fixedLatencyBenchmark } from '../server/served-models.js';
import { startServer } from '../server/start-server.js';
import { InvalidInputError } from '../spec/errors.js';
import { BenchmarkTask } from './benchmark-task.js';

export interface PipelineBenchmarkOptions {
  /**
   * A running `serve --fixed-latency-benchmark <ms>` (e.g. `http://127.0.0.1:8000/v1`); when
   * absent, one is started in this process. `latencyMs` must match the server's.
   */
  readonly baseURL?: string;
  /** JSONL with a `prompt` field per line; when absent, `prompts` synthetic lines are written. */
  readonly file?: string;
  readonly prompts?: number;
  readonly latencyMs?: number;
  readonly concurrency?: number;
  /** Refinements allowed per prompt (the benchmark model always accepts, so 0 or more is alike). */
  readonly refine?: number;
  /** Where to write the samples (JSONL); default a temp file, removed afterwards. */
  readonly out?: string;
  readonly onProgress?: (done: number, total?: number) => void;
  /**
   * Then run the peer: the same number of calls as bare `fetch` POSTs from 64 loops (no AI SDK, no
   * pipeline) against the same server, to show what the machine allows under the current load.
   */
  readonly peer?: boolean;
}

/** The JSON that `bench pipeline --json` prints. */
export interface PipelineBenchmarkResult {
  readonly model: string;
  /** `in-process`, or the base URL of the server used. */
  readonly server: string;
  readonly prompts: number;
  readonly calls: number;
  readonly kept: number;
  readonly retries: number;
  readonly concurrency: number;
  readonly latency_ms: number;
  readonly seconds: number;
  readonly calls_per_second: number;
  /** concurrency / latency: what a perfect client would reach. */
  readonly ideal_calls_per_second: number;
  readonly efficiency: number;
  /** Most requests the served model saw at once (in-process server only). */
  readonly peak_in_flight: number | null;
  readonly peak_rss_mb: number;
  /** CPU time of this process per call: what the client side costs. */
  readonly client_cpu_ms_per_call: number;
  /** The machine's load when the run ended: throughput needs spare CPU, so read it with this. */
  readonly load_average_1m: number;
  /** With `peer`: bare-fetch calls per second against the same server, and ours as a ratio. */
  readonly peer_calls_per_second?: number;
  readonly ratio_vs_peer?: number;
}

/** `calls` bare chat-completion POSTs, `concurrency` at a time; resolves to calls per second. */
async function bareFetchPeer(baseURL: string, model: string, calls: number, concurrency: number) {
  const body = JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Problem 1: peer call' }],
  });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) {
        const r = await fetch(`${baseURL}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await r.json();
      }
    }),
  );
  return calls / ((performance.now() - started) / 1000);
}

/** Streams SeededPrompt chunks of `size` from a JSONL file. */
async function* promptChunks(file: string, size: number): AsyncGenerator<SeededPrompt[]> {
  const lines = createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let chunk: SeededPrompt[] = [];
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    let prompt: unknown;
    try {
      prompt = (JSON.parse(line) as { prompt?: unknown }).prompt;
    } catch (error) {
      throw new InvalidInputError(`not valid JSON: ${(error as Error).message}`, {
        file,
        line: lineNo,
      });
    }
    if (typeof prompt !== 'string') {
      throw new InvalidInputError('expected a string', { file, line: lineNo, field: 'prompt' });
    }
    chunk.push({ id: `line-${lineNo}`, prompt, seed: lineNo });
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

function syntheticPrompts(dir: string, n: number): string {
  const file = join(dir, 'prompts.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      JSON.stringify({
        prompt: `Problem ${i}: a train travels ${i % 97} km in ${1 + (i % 7)} hours. Find its speed.`,
      }),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Runs the benchmark; everything is torn down before it returns. */
export async function runPipelineBenchmark(
  options: PipelineBenchmarkOptions = {},
): Promise<PipelineBenchmarkResult> {
  const latencyMs = options.latencyMs ?? 200;
  const concurrency = options.concurrency ?? 64;
  const dir = mkdtempSync(join(tmpdir(), 'bench-pipeline-'));
  const served = fixedLatencyBenchmark(latencyMs);
  const server = options.baseURL ? undefined : await startServer({ port: 0, models: [served] });
  const baseURL = options.baseURL ?? server?.baseURL ?? '';
  try {
    const file = options.file ?? syntheticPrompts(dir, options.prompts ?? 5000);
    const model = new GuardedLanguageModel(
      createOpenAICompatibleModel({
        baseURL,
        model: served.name,
        nativeEpisodes: true,
      }),
      { concurrency },
    );
    const out = createWriteStream(options.out ?? join(dir, 'samples.jsonl'));
    const task = new BenchmarkTask('gsm8k');
    const loop = {
      refine: options.refine ?? 1,
      temperature: 0,
      maxTokens: { response: 256, feedback: 256, refinement: 256 },
    };
    let prompts = 0;
    let kept = 0;
    let chunkNo = 0;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    // Two chunks in flight, so one chunk's last calls overlap the next chunk's first ones.
    const inFlight = new Set<Promise<void>>();
    for await (const chunk of promptChunks(file, concurrency)) {
      const job = evolveSamples({
        model,
        task,
        stage: 'bench',
        chunk: chunkNo++,
        prompts: chunk,
        loop,
      }).then(async (samples) => {
        for (const s of samples) {
          if (s.kept) kept++;
          if (!out.write(`${JSON.stringify(s)}\n`)) await once(out, 'drain');
        }
        prompts += samples.length;
        options.onProgress?.(prompts, options.file ? undefined : options.prompts);
      });
      inFlight.add(job);
      job.finally(() => inFlight.delete(job));
      if (inFlight.size >= 2) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    out.end();
    await once(out, 'finish');
    const usage = model.ledger.usage();
    const ideal = concurrency / (latencyMs / 1000);
    const peer = options.peer
      ? await bareFetchPeer(baseURL, served.name, usage.calls, concurrency)
      : undefined;
    return {
      model: served.name,
      server: server ? 'in-process' : baseURL,
      prompts,
      calls: usage.calls,
      kept,
      retries: usage.retries,
      concurrency,
      latency_ms: latencyMs,
      seconds: round(seconds),
      calls_per_second: round(usage.calls / seconds),
      ideal_calls_per_second: round(ideal),
      efficiency: round(usage.calls / seconds / ideal),
      peak_in_flight: server ? (served.model as FixedLatencyBenchmarkModel).peakInFlight : null,
      peak_rss_mb: round(process.resourceUsage().maxRSS / 1024),
      client_cpu_ms_per_call: round((cpu.user + cpu.system) / 1000 / Math.max(1, usage.calls)),
      load_average_1m: round(loadavg()[0]),
      ...(peer === undefined
        ? {}
        : {
            peer_calls_per_second: round(peer),
            ratio_vs_peer: round(usage.calls / seconds / peer),
          }),
    };
  } finally {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
