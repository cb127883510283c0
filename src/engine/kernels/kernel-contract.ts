// The contract every adapter of the compute port must pass, as a vitest suite: run it from an
// adapter's test file with `kernelContract(name, factory)`. The cases live in
// kernel-contract-cases.ts; their tolerances are exported from there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Arena, CASES } from './kernel-contract-cases.js';
import { rowIndependence, rowIndependenceAttention } from './kernel-row-independence.js';
import type { Kernels } from './kernels.js';

export { BWD_ATOL, BWD_RTOL, FWD_ATOL, FWD_RTOL } from './kernel-contract-cases.js';

/**
 * Registers the contract tests for a Kernels adapter. `factory` is called once; the instance is
 * disposed after the suite. Every buffer is obtained from `kernels.alloc`/`allocInt`.
 */
export function kernelContract(name: string, factory: () => Kernels | Promise<Kernels>): void {
  describe(`Kernels contract: ${name}`, () => {
    let k: Kernels;
    beforeAll(async () => {
      k = await factory();
    });
    afterAll(async () => {
      await k?.dispose();
    });
    const each = (title: string, body: (arena: Arena, asView: boolean) => void) => {
      for (const asView of [false, true]) {
        it(`${title}${asView ? ' (views at an unaligned offset)' : ''}`, () => {
          const arena = new Arena(k, asView);
          try {
            body(arena, asView);
          } finally {
            arena.release();
          }
        });
      }
    };

    for (const c of CASES) each(c.title, (arena) => c.run(k, arena));

    it('alloc and allocInt give zeroed buffers of the asked length', () => {
      const a = k.alloc(37);
      const b = k.allocInt(19);
      expect(a).toBeInstanceOf(Float32Array);
      expect(b).toBeInstanceOf(Int32Array);
      expect(a.length).toBe(37);
      expect(b.length).toBe(19);
      expect(a.every((x) => x === 0) && b.every((x) => x === 0)).toBe(true);
      k.free(a);
      k.free(b);
      expect(typeof k.name).toBe('string');
      expect(k.threads).toBeGreaterThanOrEqual(1);
    });

    describe('row independence (batched generation depends on it)', () => {
      it('matmulNT, rmsnorm and swiglu give bit-identical rows alone and in a batch', () => {
        rowIndependence(k);
      });
      it('rope and attentionCached give bit-identical rows alone and in a batch', () => {
        rowIndependenceAttention(k);
      });
    });
  });
}
