// Which failures are retried and for how long, with errors thrown by real HTTP calls.
import { describe, expect, it } from 'vitest';
import { startFaultProxy } from '../testing/fault-proxy.js';
import { createOpenAICompatibleModel } from './openai-compatible.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableError,
  isRetryableStatus,
  retryAfterMs,
  retryDelayMs,
} from './retry-policy.js';

const request = { turns: [{ section: 'prompt' as const, text: 'x' }], next: 'response' as const };

async function errorFrom(rates: object, retryAfter?: string): Promise<unknown> {
  // The proxy's upstream is a closed port: only injected faults answer.
  const proxy = await startFaultProxy({ upstream: 'http://127.0.0.1:9', rates, retryAfter });
  try {
    const model = createOpenAICompatibleModel({ baseURL: `${proxy.origin}/v1`, model: 'm' });
    return await model.complete([request]).catch((e: unknown) => e);
  } finally {
    await proxy.close();
  }
}

describe('retry policy', () => {
  it('retries 408/409/429/5xx and nothing else among statuses', () => {
    expect([408, 409, 429, 500, 502, 503, 599].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 422].some(isRetryableStatus)).toBe(false);
  });

  it('reads Retry-After in seconds from a real 429 and waits that long', async () => {
    const error = await errorFrom({ rateLimited: 1 }, '2');
    expect(isRetryableError(error)).toBe(true);
    expect(retryAfterMs(error)).toBe(2000);
    expect(retryDelayMs(0, error, DEFAULT_RETRY_POLICY, () => 0)).toBe(2000);
    expect(retryDelayMs(0, error, { ...DEFAULT_RETRY_POLICY, maxRetryAfterMs: 500 })).toBe(500);
  });

  it('reads Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    const error = await errorFrom({ rateLimited: 1 }, at);
    const ms = retryAfterMs(error) ?? -1;
    expect(ms).toBeGreaterThan(25_000);
    expect(ms).toBeLessThanOrEqual(30_000);
  });

  it('treats 500s and connection failures as transient', async () => {
    expect(isRetryableError(await errorFrom({ serverError: 1 }))).toBe(true);
    // Nothing listens on port 9: the proxy answers 502, a retryable gateway error.
    expect(isRetryableError(await errorFrom({}))).toBe(true);
    const refused = await createOpenAICompatibleModel({
      baseURL: 'http://127.0.0.1:9/v1',
      model: 'm',
    })
      .complete([request])
      .catch((e: unknown) => e);
    expect(isRetryableError(refused)).toBe(true);
  });

  it('backs off with full jitter below a doubling ceiling', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelayMs(0, new Error('x'), policy, () => 0.999)).toBe(99);
    expect(retryDelayMs(2, new Error('x'), policy, () => 0.5)).toBe(200);
    expect(retryDelayMs(10, new Error('x'), policy, () => 0.999)).toBe(999);
  });
});
