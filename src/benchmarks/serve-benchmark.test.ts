// `bench serve` for a few seconds, in process: the report has its shape, good requests get no
// error and every hostile kind gets a 4xx. Speed and memory targets are the benchmark command's.
import { describe, expect, it } from 'vitest';
import { missedTargets, runServeBenchmark } from './serve-benchmark.js';
import { HOSTILE } from './serve-benchmark-requests.js';

describe('bench serve', () => {
  it('answers good requests without error and every hostile one with a 4xx', async () => {
    const result = await runServeBenchmark({
      seconds: 4,
      warmupSeconds: 1,
      connections: 8,
      requestTimeoutMs: 500,
      inProcess: true,
    });
    expect(result).toMatchObject({ server: 'in-process', connections: 8, warmup_seconds: 1 });
    expect(result.good.count).toBeGreaterThan(20);
    expect(result.good.streamed).toBeGreaterThan(0);
    expect(result.good.errors).toBe(0);
    expect(result.good.error_samples).toEqual([]);
    expect(result.requests).toBe(result.good.count + result.hostile.count);
    expect(result.hostile.not_4xx).toBe(0);
    // Every kind was sent, and each got the 4xx it should.
    expect(Object.keys(result.hostile.by_kind).sort()).toEqual(Object.keys(HOSTILE).sort());
    const statuses = (kind: string) => Object.keys(result.hostile.by_kind[kind]);
    expect(statuses('oversized_body')).toEqual(['413']);
    expect(statuses('wrong_key')).toEqual(['401']);
    expect(statuses('symlinked_model')).toEqual(['404']);
    expect(statuses('huge_steps')).toEqual(['400']);
    expect(statuses('stalled_body')).toEqual(['408']);
    const { p50, p95, max } = result.good.latency_ms;
    expect(0 < p50 && p50 <= p95 && p95 <= max).toBe(true);
    expect(result.rss_mb.after_run).toBeGreaterThan(0);
    // The targets are the command's to judge; here only that they are read from the result.
    expect(missedTargets({ ...result, good: { ...result.good, errors: 1 } })).toContain(
      '1 good requests failed',
    );
  }, 60_000);
});
