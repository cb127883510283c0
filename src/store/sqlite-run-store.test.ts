// The SQLite adapter: the shared RunStore contract, then what only this adapter promises: reopening,
// the v1 → v2 migration, read-only opening (the UI's), and a search index that follows every write.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../spec/run-store.js';
import { runStoreContract } from './run-store-contract.js';
import { SqliteRunStore } from './sqlite-run-store.js';

const dir = mkdtempSync(join(tmpdir(), 'store-'));
let n = 0;
runStoreContract('sqlite', () => new SqliteRunStore(join(dir, `runs-${n++}.db`)));

function sample(stage: string, chunk: number, index: number, text: string): SampleRecord {
  return {
    stage,
    chunk,
    index,
    problemId: `p${index}`,
    prompt: `Solve for x: ${index + 2}*x = 0`,
    response: `${text}\nanswer: 0`,
    feedback: 'verdict: wrong',
    verdict: 'wrong',
    refinement: 'refined zebra\nanswer: 0',
    attempts: [
      {
        text: `${text}\nanswer: 0`,
        feedback: 'the giraffe step\nverdict: wrong',
        verdict: 'wrong',
      },
      { text: 'refined zebra\nanswer: 0', feedback: 'verdict: correct', verdict: 'correct' },
    ],
    kept: true,
    reason: 'refined, self-verdict correct',
    seed: index,
    tokens: 3,
  };
}

/** Rowids whose indexed text matches `query`. */
function search(store: SqliteRunStore, query: string): number[] {
  const rows = store.connection
    .prepare('SELECT rowid FROM samples_fts WHERE samples_fts MATCH ? ORDER BY rowid')
    .all(query) as { rowid: number }[];
  return rows.map((r) => r.rowid);
}

/** A store written by the v1 schema (before ids and search), as older versions left it. */
function writeV1Store(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE runs (name TEXT PRIMARY KEY, status TEXT NOT NULL, config TEXT NOT NULL,
      seed INTEGER NOT NULL, dir TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE chunks (run TEXT NOT NULL, stage TEXT NOT NULL, chunk INTEGER NOT NULL,
      created_at TEXT NOT NULL, PRIMARY KEY (run, stage, chunk));
    CREATE TABLE samples (run TEXT NOT NULL, stage TEXT NOT NULL, chunk INTEGER NOT NULL,
      idx INTEGER NOT NULL, problem_id TEXT NOT NULL, prompt TEXT NOT NULL, response TEXT NOT NULL,
      feedback TEXT, verdict TEXT, refinement TEXT, attempts TEXT NOT NULL, kept INTEGER NOT NULL,
      reason TEXT NOT NULL, seed INTEGER NOT NULL, tokens INTEGER NOT NULL,
      PRIMARY KEY (run, stage, chunk, idx));
    CREATE TABLE models (run TEXT NOT NULL, name TEXT NOT NULL, ref TEXT NOT NULL, parent TEXT,
      created_at TEXT NOT NULL, PRIMARY KEY (run, name));
    CREATE TABLE stages (run TEXT NOT NULL, name TEXT NOT NULL, metrics TEXT NOT NULL,
      seconds REAL NOT NULL, finished_at TEXT NOT NULL, PRIMARY KEY (run, name));
    INSERT INTO runs VALUES ('old', 'finished', '{}', 1, '/tmp/old', 't0', 't1');
    INSERT INTO chunks VALUES ('old', 'round-1', 0, 't0');
    PRAGMA user_version = 1;`);
  const insert = db.prepare(
    'INSERT INTO samples (rowid, run, stage, chunk, idx, problem_id, prompt, response, feedback, verdict, refinement, attempts, kept, reason, seed, tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  [7, 9].forEach((rowid, i) => {
    const s = sample('round-1', 0, i, i === 0 ? 'walrus' : 'okapi');
    insert.run(
      rowid,
      'old',
      s.stage,
      0,
      i,
      s.problemId,
      s.prompt,
      s.response,
      s.feedback,
      s.verdict,
      s.refinement,
      JSON.stringify(s.attempts),
      1,
      s.reason,
      s.seed,
      s.tokens,
    );
  });
  db.close();
}

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('SqliteRunStore', () => {
  it('keeps data across reopening the file', () => {
    const path = join(dir, 'reopen.db');
    const a = new SqliteRunStore(path);
    a.createRun({ name: 'x', config: { k: 'v' }, seed: 3, dir: '/tmp/x' });
    a.close();
    const b = new SqliteRunStore(path);
    expect(b.getRun('x')?.config).toEqual({ k: 'v' });
    b.close();
  });

  it('says which file is not a database', () => {
    const path = join(dir, 'not-a-db.db');
    writeFileSync(path, 'hello, this is not sqlite at all, just text '.repeat(40));
    expect(() => new SqliteRunStore(path)).toThrow(/not-a-db\.db: cannot open the run store/);
  });

  it('migrates a v1 store to v2, keeping rowids as ids and indexing every sample', () => {
    const path = join(dir, 'v1.db');
    writeV1Store(path);
    const store = new SqliteRunStore(path);
    expect(store.schemaVersion).toBe(2);
    expect(store.samples('old').map((s) => s.response)).toEqual([
      'walrus\nanswer: 0',
      'okapi\nanswer: 0',
    ]);
    const ids = store.connection.prepare('SELECT id FROM samples ORDER BY id').all();
    expect(ids).toEqual([{ id: 7 }, { id: 9 }]);
    expect(search(store, 'walrus')).toEqual([7]);
    expect(search(store, 'giraffe')).toEqual([7, 9]);
    // Ids keep growing past the migrated ones, and new samples are indexed as they are written.
    store.putChunk('old', 'round-1', 1, [sample('round-1', 1, 0, 'capybara')]);
    expect(search(store, 'capybara')).toEqual([10]);
    store.close();
    // Opening again does not migrate twice (the index would hold every sample twice).
    const again = new SqliteRunStore(path);
    expect(search(again, 'giraffe')).toEqual([7, 9, 10]);
    again.close();
  });

  it('opens read-only without writing the file, and refuses writes', () => {
    const path = join(dir, 'v1-readonly.db');
    writeV1Store(path);
    const before = digest(path);
    const store = new SqliteRunStore(path, { readonly: true });
    expect(store.schemaVersion).toBe(1);
    expect(store.samples('old')).toHaveLength(2);
    expect(() => store.setStatus('old', 'failed')).toThrow(/open read-only/);
    expect(() => store.putChunk('old', 'round-1', 5, [])).toThrow(/open read-only/);
    expect(() => store.connection.prepare("DELETE FROM runs WHERE name = 'old'").run()).toThrow(
      /readonly/,
    );
    store.close();
    expect(digest(path)).toBe(before);
    expect(() => new SqliteRunStore(join(dir, 'missing.db'), { readonly: true })).toThrow(
      /missing\.db: cannot open the run store/,
    );
    const empty = join(dir, 'empty.db');
    new Database(empty).close();
    expect(() => new SqliteRunStore(empty, { readonly: true })).toThrow(
      /not a self-evolve run store/,
    );
  });

  it('a read-only reader sees each chunk as it commits, in the search index too', () => {
    const path = join(dir, 'live.db');
    const writer = new SqliteRunStore(path);
    writer.createRun({ name: 'live', config: {}, seed: 1, dir: '/tmp/live' });
    const reader = new SqliteRunStore(path, { readonly: true });
    expect(search(reader, 'narwhal')).toEqual([]);
    writer.putChunk('live', 'round-1', 0, [sample('round-1', 0, 0, 'narwhal')]);
    expect(reader.samples('live')).toHaveLength(1);
    expect(search(reader, 'narwhal')).toHaveLength(1);
    expect(search(reader, 'prompt:narwhal')).toEqual([]);
    expect(search(reader, 'zebra')).toHaveLength(1);
    writer.clearStage('live', 'round-1');
    expect(search(reader, 'narwhal')).toEqual([]);
    writer.putChunk('live', 'round-1', 0, [sample('round-1', 0, 0, 'narwhal')]);
    writer.deleteRun('live');
    expect(search(reader, 'narwhal')).toEqual([]);
    expect(search(reader, 'zebra')).toEqual([]);
    reader.close();
    writer.close();
  });
});
