// The response cache in the run store's own SQLite file, beside the store's tables.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { RESPONSE_CACHE_TABLE, ResponseCache, requestKey } from './response-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const request = {
  turns: [{ section: 'prompt' as const, text: 'q' }],
  next: 'response' as const,
  seed: 1,
};
const completion = {
  texts: ['a'],
  finishReasons: ['stop' as const],
  usage: { inputTokens: 3, outputTokens: 1 },
};

describe('ResponseCache', () => {
  it('lives in the run store file and survives reopening', () => {
    const store = new SqliteRunStore(join(dir, 'runs.db'));
    const cache = new ResponseCache(store.path);
    const key = requestKey('m', 'f', request);
    cache.put(key, 'm', request, completion, 0.5);
    store.createRun({ name: 'r', config: {}, seed: 1, dir });
    cache.close();
    store.close();

    const db = new Database(join(dir, 'runs.db'), { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    expect(tables.map((t) => t.name)).toContain(RESPONSE_CACHE_TABLE);
    expect(tables.length).toBeGreaterThan(1);
    db.close();

    const again = new ResponseCache(join(dir, 'runs.db'));
    expect(again.get(key)).toEqual(completion);
    expect(again.totals()).toEqual({ entries: 1, inputTokens: 3, outputTokens: 1, costUsd: 0.5 });
    again.close();
  });

  it('keys on every request field and on the model fingerprint, not on key order', () => {
    const a = requestKey('m', 'f', request);
    expect(
      requestKey('m', 'f', {
        next: 'response',
        seed: 1,
        turns: [{ text: 'q', section: 'prompt' }],
      }),
    ).toBe(a);
    expect(requestKey('m', 'f', { ...request, seed: 2 })).not.toBe(a);
    expect(requestKey('m', 'g', request)).not.toBe(a);
    expect(requestKey('n', 'f', request)).not.toBe(a);
  });
});
