// The adapter factory: explicit choices, the environment's steering of `auto`, bad values.
import { afterEach, describe, expect, it } from 'vitest';
import { createKernels, parseKernelsChoice } from './create-kernels.js';

describe('createKernels', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env.SELF_EVOLVE_KERNELS = saved.SELF_EVOLVE_KERNELS;
    process.env.SELF_EVOLVE_THREADS = saved.SELF_EVOLVE_THREADS;
    if (saved.SELF_EVOLVE_KERNELS === undefined) delete process.env.SELF_EVOLVE_KERNELS;
    if (saved.SELF_EVOLVE_THREADS === undefined) delete process.env.SELF_EVOLVE_THREADS;
  });

  it('gives js, wasm, and wasm for auto here; threads as asked', async () => {
    const js = await createKernels('js');
    expect([js.name, js.threads]).toEqual(['js', 1]);
    const wasm = await createKernels('wasm', { threads: 2 });
    expect([wasm.name, wasm.threads]).toEqual(['wasm-simd', 2]);
    await wasm.dispose();
    delete process.env.SELF_EVOLVE_KERNELS;
    const auto = await createKernels('auto', { threads: 1 });
    expect(auto.name).toBe('wasm-simd');
    await auto.dispose();
  });

  it('lets SELF_EVOLVE_KERNELS and SELF_EVOLVE_THREADS steer auto, not explicit choices', async () => {
    process.env.SELF_EVOLVE_KERNELS = 'js';
    expect((await createKernels()).name).toBe('js');
    const explicit = await createKernels('wasm', { threads: 1 });
    expect(explicit.name).toBe('wasm-simd');
    await explicit.dispose();
    process.env.SELF_EVOLVE_KERNELS = 'wasm';
    process.env.SELF_EVOLVE_THREADS = '2';
    const steered = await createKernels();
    expect([steered.name, steered.threads]).toEqual(['wasm-simd', 2]);
    await steered.dispose();
  });

  it('rejects bad choices naming where they came from', async () => {
    expect(() => parseKernelsChoice('gpu')).toThrow(/--kernels.*must be one of js, wasm, auto/);
    process.env.SELF_EVOLVE_KERNELS = 'fast';
    await expect(createKernels()).rejects.toThrow(/SELF_EVOLVE_KERNELS/);
    process.env.SELF_EVOLVE_KERNELS = 'wasm';
    process.env.SELF_EVOLVE_THREADS = 'two';
    await expect(createKernels()).rejects.toThrow(/SELF_EVOLVE_THREADS.*integer/);
  });

  it('prints per-op totals on dispose under SELF_EVOLVE_KERNELS_PROFILE', async () => {
    process.env.SELF_EVOLVE_KERNELS = 'js';
    process.env.SELF_EVOLVE_KERNELS_PROFILE = '1';
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof write;
    try {
      const k = await createKernels();
      const x = k.alloc(4).fill(1);
      k.add(x, x, x, 4);
      await k.dispose();
    } finally {
      process.stderr.write = write;
      delete process.env.SELF_EVOLVE_KERNELS_PROFILE;
    }
    expect(written.join('')).toMatch(
      /kernels js, 1 thread\(s\): +[0-9.]+ s in ops\n {2}add +[0-9.]+ s {2}1 calls/,
    );
  });

  it('wraps the adapter with per-op timing when asked', async () => {
    const k = await createKernels('js', { profile: true });
    const x = k.alloc(8).fill(2);
    k.scale(x, 8, 3);
    k.scale(x, 8, 3);
    const profile = (k as unknown as { profile(): { op: string; calls: number }[] }).profile();
    expect(profile.map((p) => [p.op, p.calls])).toEqual([['scale', 2]]);
    expect(x[0]).toBe(18);
  });
});
