// The episode index follows a store that is being written: new chunks, a cleared stage and a
// replaced run show up in filters, counts and searches (cached ones too) without a restart.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../spec/run-store.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { parseFilters } from './episode-filters.js';
import { EpisodeIndex, stageOrder } from './episode-index.js';

function sample(stage: string, index: number, word: string, kept: boolean): SampleRecord {
  return {
    stage,
    chunk: 0,
    index,
    problemId: `p${index}`,
    prompt: `Solve for x: ${index}*x = 0`,
    response: `${word} answer: 0`,
    verdict: 'correct',
    attempts: [{ text: `${word} answer: 0`, feedback: 'verdict: correct', verdict: 'correct' }],
    kept,
    reason: kept ? 'self-verdict correct' : 'self-verdict wrong',
    seed: index,
    tokens: 1,
  };
}

const chunk = (stage: string, c: number, word: string, n = 4) =>
  Array.from({ length: n }, (_, i) => ({ ...sample(stage, i, word, i % 2 === 0), chunk: c }));

describe('EpisodeIndex on a run in progress', () => {
  it('sees new chunks, cleared stages and replaced runs, in searches too', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'episodes-')), 'runs.db');
    const writer = new SqliteRunStore(path);
    writer.createRun({ name: 'r', config: {}, seed: 1, dir: '/tmp/r' });
    writer.putChunk('r', 'round-1', 0, chunk('round-1', 0, 'alpaca'));
    const reader = new SqliteRunStore(path, { readonly: true });
    const index = new EpisodeIndex(reader, () => ({ ok: false, reason: 'no labels here' }), 0);
    const total = (query: Record<string, string>) => index.page('r', parseFilters(query)).total;
    expect(total({})).toBe(4);
    expect(total({ q: 'alpaca' })).toBe(4);
    expect(total({ q: 'bison' })).toBe(0);
    writer.putChunk('r', 'round-1', 1, chunk('round-1', 1, 'bison'));
    writer.putChunk('r', 'eval:meta', 0, chunk('eval:meta', 0, 'bison', 3));
    // The cached search for "bison" is topped up with what was written since.
    expect(total({ q: 'bison' })).toBe(7);
    expect(total({ q: 'bison', stage: 'round-1', kept: 'kept' })).toBe(2);
    const page = index.page('r', parseFilters({ size: '25' }));
    expect(page.rows.map((r) => r.facts.stage)).toEqual([
      ...Array(3).fill('eval:meta'),
      ...Array(8).fill('round-1'),
    ]);
    expect(page.stages).toEqual([
      { stage: 'eval:meta', count: 3 },
      { stage: 'round-1', count: 8 },
    ]);
    writer.clearStage('r', 'round-1');
    expect(total({})).toBe(3);
    expect(total({ q: 'alpaca' })).toBe(0);
    writer.createRun({ name: 'r', config: {}, seed: 2, dir: '/tmp/r' }, { force: true });
    writer.putChunk('r', 'round-1', 0, chunk('round-1', 0, 'camel', 2));
    expect(total({})).toBe(2);
    expect(total({ q: 'bison' })).toBe(0);
    expect(total({ q: 'camel' })).toBe(2);
    const one = index.episode('r', { stage: 'round-1', chunk: 0, idx: 1 }, parseFilters({}));
    expect(one?.row.sample.response).toBe('camel answer: 0');
    expect(one?.prev?.idx).toBe(0);
    expect(one?.next).toBeUndefined();
    reader.close();
    writer.close();
  });

  it('orders stages as the pipeline runs them', () => {
    const names = [
      'round-10',
      'eval:round-2',
      'meta',
      'eval:base',
      'round-2',
      'eval:meta',
      'other',
    ];
    expect(names.sort((a, b) => stageOrder(a) - stageOrder(b))).toEqual([
      'eval:base',
      'meta',
      'eval:meta',
      'round-2',
      'eval:round-2',
      'round-10',
      'other',
    ]);
  });
});
