// The call wrapper over real HTTP: an OpenAI-compatible client (AI SDK) talking to `serve`,
// through a proxy that injects 429s, 500s, slow and truncated responses. The served model is a
// scripted stand-in; the cache is a real SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../server/start-server.js';
import { BudgetExceededError, ProviderError } from '../spec/errors.js';
import type { CompletionRequest } from '../spec/language-model.js';
import { startFaultProxy } from '../testing/fault-proxy.js';
import { ScriptedLanguageModel } from '../testing/scripted-language-model.js';
import { FixedLatencyBenchmarkModel } from './fixed-latency-benchmark-model.js';
import { GuardedLanguageModel } from './guarded-language-model.js';
import { createOpenAICompatibleModel } from './openai-compatible.js';
import { ResponseCache } from './response-cache.js';
import { UsageLedger } from './usage-ledger.js';

const scripted = new ScriptedLanguageModel(
  (r, s) => `echo ${r.turns[0].text} #${s} seed=${r.seed}`,
);
const slowModel = new FixedLatencyBenchmarkModel(40);
let server: RunningServer;
let dir: string;

beforeAll(async () => {
  server = await startServer({
    port: 0,
    models: [
      { name: 'echo', model: scripted },
      { name: 'slow', model: slowModel },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'guard-'));
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const requests = (n: number): CompletionRequest[] =>
  Array.from({ length: n }, (_, i) => ({
    turns: [{ section: 'prompt', text: `q${i}` }],
    next: 'response',
    seed: i,
  }));

const fast = { baseDelayMs: 1, maxDelayMs: 5 };

describe('GuardedLanguageModel', () => {
  it('survives 429/500/slow/truncated responses with the same results, counting retries', async () => {
    const proxy = await startFaultProxy({
      upstream: server.baseURL.replace(/\/v1$/, ''),
      rates: { rateLimited: 0.15, serverError: 0.15, slow: 0.05, truncated: 0.1 },
      seed: 3,
      slowMs: 2000,
    });
    try {
      const make = (baseURL: string) =>
        new GuardedLanguageModel(createOpenAICompatibleModel({ baseURL, model: 'echo' }), {
          concurrency: 4,
          timeoutMs: 500,
          retry: { ...fast, maxRetries: 20 },
        });
      const clean = await make(server.baseURL).complete(requests(40));
      const guarded = make(`${proxy.origin}/v1`);
      const faulty = await guarded.complete(requests(40));
      expect(faulty).toEqual(clean);
      const faults =
        proxy.counts.rateLimited +
        proxy.counts.serverError +
        proxy.counts.slow +
        proxy.counts.truncated;
      expect(faults).toBeGreaterThan(5);
      expect(proxy.counts.truncated).toBeGreaterThan(0);
      expect(guarded.ledger.usage().retries).toBe(faults);
      expect(guarded.ledger.usage().calls).toBe(40);
    } finally {
      await proxy.close();
    }
  });

  it('fails at once on a 4xx that retrying cannot fix', async () => {
    const guarded = new GuardedLanguageModel(
      createOpenAICompatibleModel({ baseURL: server.baseURL, model: 'no-such-model' }),
      { retry: fast },
    );
    const error = await guarded.complete(requests(1)).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.statusCode).toBe(404);
    expect(error.message).toMatch(/after 1 attempt:/);
    expect(guarded.ledger.usage()).toMatchObject({ retries: 0, failures: 1 });
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    const guarded = new GuardedLanguageModel(
      createOpenAICompatibleModel({ baseURL: server.baseURL, model: 'slow' }),
      { concurrency: 3 },
    );
    slowModel.peakInFlight = 0;
    await guarded.complete(requests(12));
    expect(slowModel.peakInFlight).toBe(3);
  });

  it('accounts tokens per stage and caches by request across sessions', async () => {
    const file = join(dir, 'run.sqlite');
    const base = createOpenAICompatibleModel({ baseURL: server.baseURL, model: 'echo' });
    const cache = new ResponseCache(file);
    const guarded = new GuardedLanguageModel(base, { cache });
    const meta = await guarded.withStage('meta').complete(requests(3));
    await guarded.withStage('round-1').complete(requests(5).slice(3));
    expect(guarded.ledger.usage('meta').calls).toBe(3);
    expect(guarded.ledger.usage('round-1').calls).toBe(2);
    expect(guarded.ledger.usage('meta').outputTokens).toBeGreaterThan(0);
    cache.close();

    // A resumed session: same file, new objects. Nothing is paid twice.
    const before = scripted.requests.length;
    const reopened = new ResponseCache(file);
    const again = new GuardedLanguageModel(base, { cache: reopened }).withStage('meta');
    expect(await again.complete(requests(3))).toEqual(meta);
    expect(scripted.requests.length).toBe(before);
    expect(again.ledger.usage('meta')).toMatchObject({ calls: 0, cachedCalls: 3 });
    // A different request field is a different key.
    await again.complete([{ ...requests(1)[0], temperature: 0.5 }]);
    expect(scripted.requests.length).toBe(before + 1);
    expect(reopened.totals().entries).toBe(6);
    reopened.close();
  });

  it('stops cleanly at the token budget, and a resumed run keeps counting', async () => {
    const file = join(dir, 'budget.sqlite');
    const base = createOpenAICompatibleModel({ baseURL: server.baseURL, model: 'echo' });
    const cache = new ResponseCache(file);
    const guarded = new GuardedLanguageModel(base, {
      cache,
      concurrency: 1,
      ledger: new UsageLedger({ maxTokens: 20 }),
    });
    const error = await guarded.complete(requests(10)).catch((e) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    const paid = cache.totals();
    expect(paid.entries).toBeGreaterThan(0);
    expect(paid.entries).toBeLessThan(10);
    expect(paid.inputTokens + paid.outputTokens).toBeGreaterThanOrEqual(20);

    const totals = cache.totals();
    const resumed = new GuardedLanguageModel(base, {
      cache,
      ledger: new UsageLedger(
        { maxTokens: 20 },
        { tokens: totals.inputTokens + totals.outputTokens, costUsd: totals.costUsd },
      ),
    });
    // What was paid for comes back from the cache; the first new call hits the cap.
    expect(await resumed.complete(requests(paid.entries))).toHaveLength(paid.entries);
    await expect(resumed.complete(requests(paid.entries + 1))).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
    cache.close();
  });
});
