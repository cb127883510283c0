// The API key check: only `Bearer <key>` passes, and every request is compared as two sha256
// digests of equal length, so a key's length does not change what is compared or how long it takes.
import { timingSafeEqual } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ScriptedLanguageModel } from '../testing/scripted-language-model.js';
import { createServerApp } from './server-app.js';

vi.mock('node:crypto', async (original) => {
  const crypto = await original<typeof import('node:crypto')>();
  return { ...crypto, timingSafeEqual: vi.fn(crypto.timingSafeEqual) };
});

const KEY = 'sk-0123456789abcdef';
const app = createServerApp({
  apiKey: KEY,
  models: [{ name: 'm', model: new ScriptedLanguageModel(() => 'ok') }],
});
const compare = vi.mocked(timingSafeEqual);
const status = async (authorization?: string) =>
  (await app.request('/v1/models', { headers: authorization ? { authorization } : {} })).status;

beforeEach(() => {
  compare.mockClear();
});

describe('the API key', () => {
  it('passes as "Bearer <key>" only', async () => {
    expect(await status(`Bearer ${KEY}`)).toBe(200);
    expect(await status(`bearer  ${KEY}`)).toBe(200);
    expect(await status(KEY)).toBe(401);
    expect(await status(`Token ${KEY}`)).toBe(401);
    expect(await status(`Bearer${KEY}`)).toBe(401);
    expect(await status()).toBe(401);
  });

  it.each([
    ['shorter', 'Bearer sk'],
    ['longer', `Bearer ${KEY}${'x'.repeat(100)}`],
    ['as long', `Bearer ${KEY.replace('0', '1')}`],
    ['without the scheme', KEY],
  ])('compares 32-byte digests for a key %s', async (_, authorization) => {
    expect(await status(authorization)).toBe(401);
    expect(compare).toHaveBeenCalledTimes(1);
    const [a, b] = compare.mock.calls[0] as [Buffer, Buffer];
    expect([a.length, b.length]).toEqual([32, 32]);
  });
});
