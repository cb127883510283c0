// The contract every RunStore adapter must meet, as a reusable Vitest suite: an adapter's test
// calls `runStoreContract(name, () => newStore())`.
import { describe, expect, it } from 'vitest';
import type { RunStore, SampleRecord } from '../spec/run-store.js';

function sample(stage: string, chunk: number, index: number): SampleRecord {
  return {
    stage,
    chunk,
    index,
    problemId: `p${chunk}-${index}`,
    prompt: `Solve for x: ${index}*x = 0`,
    response: 'x = 0\nanswer: 0',
    feedback: 'check: ok\nverdict: correct',
    verdict: 'correct',
    attempts: [{ text: 'x = 0\nanswer: 0', feedback: 'verdict: correct', verdict: 'correct' }],
    kept: index % 2 === 0,
    reason: index % 2 === 0 ? 'self-verdict correct' : 'self-verdict wrong',
    seed: 1000 + index,
    tokens: 12,
  };
}

/** Runs the RunStore contract against stores made by `make`. */
export function runStoreContract(name: string, make: () => RunStore): void {
  describe(`RunStore contract: ${name}`, () => {
    it('creates, lists and refuses to overwrite a run without force', () => {
      const store = make();
      store.createRun({ name: 'a', config: { x: 1 }, seed: 7, dir: '/tmp/a' });
      expect(store.getRun('a')).toMatchObject({
        name: 'a',
        seed: 7,
        status: 'running',
        config: { x: 1 },
      });
      expect(() => store.createRun({ name: 'a', config: {}, seed: 1, dir: '/tmp/a' })).toThrow(
        /already exists/,
      );
      store.putChunk('a', 'meta', 0, [sample('meta', 0, 0)]);
      store.createRun({ name: 'a', config: { x: 2 }, seed: 8, dir: '/tmp/a' }, { force: true });
      expect(store.getRun('a')?.seed).toBe(8);
      expect(store.samples('a')).toEqual([]);
      expect(store.listRuns().map((r) => r.name)).toEqual(['a']);
      store.setStatus('a', 'finished');
      expect(store.getRun('a')?.status).toBe('finished');
      store.setConfig('a', { x: 3, budget: { maxTokens: 9 } });
      expect(store.getRun('a')?.config).toEqual({ x: 3, budget: { maxTokens: 9 } });
      expect(store.getRun('a')?.seed).toBe(8);
      store.close();
    });

    it('stores a chunk whole, in order, and rejects the same chunk twice', () => {
      const store = make();
      store.createRun({ name: 'r', config: {}, seed: 1, dir: '/tmp/r' });
      const chunk1 = [sample('round-1', 1, 0), sample('round-1', 1, 1)];
      const chunk0 = [sample('round-1', 0, 0), sample('round-1', 0, 1)];
      store.putChunk('r', 'round-1', 1, chunk1);
      store.putChunk('r', 'round-1', 0, chunk0);
      expect([...store.chunks('r', 'round-1')].sort()).toEqual([0, 1]);
      expect(store.samples('r', 'round-1')).toEqual([...chunk0, ...chunk1]);
      // A duplicate chunk fails and leaves nothing half-written.
      expect(() => store.putChunk('r', 'round-1', 0, [sample('round-1', 0, 5)])).toThrow();
      expect(store.samples('r', 'round-1')).toHaveLength(4);
      // A chunk whose second sample is a duplicate key is rolled back entirely.
      expect(() =>
        store.putChunk('r', 'round-1', 2, [sample('round-1', 2, 0), sample('round-1', 2, 0)]),
      ).toThrow();
      expect(store.chunks('r', 'round-1').has(2)).toBe(false);
      expect(store.samples('r', 'round-1')).toHaveLength(4);
      store.clearStage('r', 'round-1');
      expect(store.samples('r')).toEqual([]);
      store.close();
    });

    it('keeps a whole trace, null verdicts and missing refinements as written', () => {
      const store = make();
      store.createRun({ name: 't', config: {}, seed: 1, dir: '/tmp/t' });
      const traced: SampleRecord = {
        ...sample('round-1', 0, 0),
        verdict: null,
        refinement: 'x = 1\nanswer: 1',
        attempts: [
          { text: 'x = 0\nanswer: 0', feedback: 'no verdict here', verdict: null },
          { text: 'x = 1\nanswer: 1', feedback: 'verdict: correct', verdict: 'correct' },
        ],
      };
      const bare: SampleRecord = { ...sample('round-1', 0, 1), feedback: undefined };
      store.putChunk('t', 'round-1', 0, [traced, bare]);
      const [a, b] = store.samples('t', 'round-1');
      expect(a).toEqual(traced);
      expect(b.feedback).toBeUndefined();
      expect(b.refinement).toBeUndefined();
      store.close();
    });

    it('clears one stage or deletes one run and leaves the others alone', () => {
      const store = make();
      for (const run of ['one', 'two']) {
        store.createRun({ name: run, config: {}, seed: 1, dir: `/tmp/${run}` });
        store.putChunk(run, 'meta', 0, [sample('meta', 0, 0)]);
        store.putChunk(run, 'round-1', 0, [sample('round-1', 0, 0), sample('round-1', 0, 1)]);
      }
      store.clearStage('one', 'round-1');
      expect(store.samples('one').map((s) => s.stage)).toEqual(['meta']);
      expect(store.chunks('one', 'round-1').size).toBe(0);
      expect(store.samples('two')).toHaveLength(3);
      // A cleared chunk can be written again (what a changed stage config does).
      store.putChunk('one', 'round-1', 0, [sample('round-1', 0, 0)]);
      expect(store.samples('one', 'round-1')).toHaveLength(1);
      store.deleteRun('two');
      expect(store.samples('two')).toEqual([]);
      expect(store.listRuns().map((r) => r.name)).toEqual(['one']);
      expect(store.samples('one')).toHaveLength(2);
      store.close();
    });

    it('records models with lineage and stage metrics', () => {
      const store = make();
      store.createRun({ name: 'm', config: {}, seed: 1, dir: '/tmp/m' });
      const ref = { kind: 'embedded', id: '/tmp/m/models/meta', parent: 'base' };
      store.putModel('m', { name: 'meta', ref, parent: 'base', createdAt: '2026-01-01T00:00:00Z' });
      expect(store.getModel('m', 'meta')).toEqual({
        name: 'meta',
        ref,
        parent: 'base',
        createdAt: '2026-01-01T00:00:00Z',
      });
      expect(store.getModel('m', 'round-1')).toBeUndefined();
      store.putStage('m', {
        name: 'meta',
        metrics: { direct_acc: 0.5 },
        seconds: 3,
        finishedAt: 't',
      });
      expect(store.getStage('m', 'meta')?.metrics).toEqual({ direct_acc: 0.5 });
      expect(store.stages('m')).toHaveLength(1);
      store.deleteRun('m');
      expect(store.getRun('m')).toBeUndefined();
      expect(store.models('m')).toEqual([]);
      store.close();
    });
  });
}
