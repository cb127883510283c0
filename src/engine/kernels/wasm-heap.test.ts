// The shared-memory allocator and the worker lifecycle of the WebAssembly adapter: blocks are
// aligned, zeroed and reused, views survive memory growth, misuse gives a clear error, and idle
// workers neither outlive dispose() nor keep a finished program alive.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wasmApi } from './wasm-api.js';
import { WasmHeap } from './wasm-heap.js';
import { WasmKernels } from './wasm-kernels.js';

const newHeap = () =>
  new WasmHeap(new wasmApi.Memory({ initial: 2, maximum: 1024, shared: true }), 65536);

describe('WasmHeap', () => {
  it('hands out 64-byte aligned, zeroed blocks and reuses freed ones, coalesced', () => {
    const heap = newHeap();
    const a = heap.allocBytes(100);
    const b = heap.allocBytes(64);
    const c = heap.allocBytes(10);
    expect([a % 64, b % 64, c % 64]).toEqual([0, 0, 0]);
    expect(b - a).toBe(128);
    heap.f32(b, 16).fill(7);
    heap.freeBytes(b);
    heap.freeBytes(a);
    // a and b merged: a 192-byte request fits where they were, and comes back zeroed
    const d = heap.allocBytes(192);
    expect(d).toBe(a);
    expect(heap.f32(d, 48).every((x) => x === 0)).toBe(true);
    expect(heap.usedBytes).toBe(192 + 64);
    expect(() => heap.freeBytes(d + 64)).toThrow(/no block starts at byte/);
  });

  it('keeps old views valid across memory growth and recognises every buffer', () => {
    const heap = newHeap();
    const first = heap.allocBytes(4000);
    const view = heap.f32(first, 1000);
    view[999] = 42;
    const before = heap.memoryBytes;
    const big = heap.allocBytes(3 * 65536);
    expect(heap.memoryBytes).toBeGreaterThan(before);
    const fresh = heap.f32(first, 1000);
    expect(fresh.buffer).not.toBe(view.buffer);
    expect(fresh[999]).toBe(42);
    view[0] = -1;
    expect(fresh[0]).toBe(-1);
    expect(heap.owns(view) && heap.owns(fresh) && heap.owns(heap.f32(big, 4))).toBe(true);
    expect(heap.owns(new Float32Array(4))).toBe(false);
  });

  it('fails with a clear error when the memory cannot grow', () => {
    const heap = newHeap();
    expect(() => heap.allocBytes(2000 * 65536)).toThrow(/cannot grow to/);
  });
});

describe('WasmKernels lifecycle', () => {
  it('rejects buffers it did not allocate, and ops after dispose()', async () => {
    const k = await WasmKernels.create({ threads: 2 });
    const x = k.alloc(8);
    expect(() => k.scale(new Float32Array(8), 8, 2)).toThrow(/not allocated by them/);
    expect(() => k.free(x.subarray(2))).toThrow(/no block starts at byte/);
    k.scale(x, 8, 2);
    await k.dispose();
    await k.dispose();
    expect(() => k.scale(x, 8, 2)).toThrow(/after dispose/);
  });

  // The built adapter in dist/ (npm test builds it first) in a separate process that never
  // calls dispose(): the unref'd workers must let it exit on its own.
  const dist = fileURLToPath(
    new URL('../../../dist/engine/kernels/wasm-kernels.js', import.meta.url),
  );
  it.skipIf(!existsSync(dist))('lets a program that never disposes exit by itself', () => {
    const script = `
      const { WasmKernels } = await import(${JSON.stringify(dist)});
      const k = await WasmKernels.create({ threads: 2 });
      const n = 1 << 18;
      const x = k.alloc(n).fill(1);
      k.scale(x, n, 3);
      console.log(k.threads, x[n - 1]);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(out.trim()).toBe('2 3');
  });
});
