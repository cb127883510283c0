// The fast adapter of the compute port: AssemblyScript kernels compiled to WebAssembly SIMD
// (build/kernels.wasm, from assembly/), run on the main thread and worker threads that share one
// WebAssembly.Memory. Buffers live in that memory; large ops are split into chunks across all
// threads, small ones run on the main thread. Results are bitwise independent of the thread count.
import { availableParallelism } from 'node:os';
import { SelfEvolveError } from '../../spec/errors.js';
import type { Kernels } from './kernels.js';
import { type WasmInstance, wasmApi } from './wasm-api.js';
import { WasmHeap } from './wasm-heap.js';
import { instantiateKernels, OP, OPS, SCRATCH_TABLE_BYTE } from './wasm-module.js';
import { ThreadPool } from './wasm-threads.js';
import { CLAIMS_BYTE, CTRL, JOINS_BYTE } from './wasm-worker-source.js';

/** The heap starts after the control page. */
const HEAP_BASE = 65536;
const MAX_THREADS = 64;
/**
 * Below these sizes an op runs on the main thread alone: under about 0.2 ms of work, waking a
 * worker and sharing the caches with it costs more than it saves (measured on 2 cores; elementwise
 * ops are bound by memory bandwidth, which a second thread barely adds to).
 */
const PARALLEL_FLOPS = 8_000_000;
const PARALLEL_ELEMENTS = 1 << 18;

/** Options of the WebAssembly adapter. */
export interface WasmKernelsOptions {
  /** Threads including the main one; default: available cores, at most 8. */
  readonly threads?: number;
  /** Upper bound of the WebAssembly memory in MiB (default 2048). */
  readonly maxMemoryMiB?: number;
  /** How long idle threads spin before sleeping, in µs (default 100). */
  readonly spinMicros?: number;
  /** Smallest matmul or attention, in floating-point operations, split across threads. */
  readonly parallelFlops?: number;
  /** Smallest elementwise op, in elements, split across threads. */
  readonly parallelElements?: number;
}

/** Kernels on WebAssembly SIMD and worker threads. Create with `WasmKernels.create()`. */
export class WasmKernels implements Kernels {
  readonly name = 'wasm-simd';
  readonly threads: number;
  private readonly heap: WasmHeap;
  private readonly pool: ThreadPool;
  private readonly exports: Record<string, (...args: number[]) => number>;
  private packOffset = 0;
  private packBytes = 0;
  private scratchBytes = 0;
  private readonly scratchOffsets: number[] = [];
  private readonly minFlops: number;
  private readonly minElements: number;

  private constructor(
    heap: WasmHeap,
    pool: ThreadPool,
    instance: WasmInstance,
    options: WasmKernelsOptions,
  ) {
    this.minFlops = options.parallelFlops ?? PARALLEL_FLOPS;
    this.minElements = options.parallelElements ?? PARALLEL_ELEMENTS;
    this.heap = heap;
    this.pool = pool;
    this.threads = pool.threads;
    this.exports = instance.exports as Record<string, (...args: number[]) => number>;
    this.ensureScratch(this.exports.gemmScratchBytes());
  }

  /** Compiles (once), instantiates and starts the worker threads. */
  static async create(options: WasmKernelsOptions = {}): Promise<WasmKernels> {
    const threads = Math.max(
      1,
      Math.min(MAX_THREADS, options.threads ?? Math.min(8, availableParallelism())),
    );
    const maximum = Math.ceil(((options.maxMemoryMiB ?? 2048) * 2 ** 20) / 65536);
    const memory = new wasmApi.Memory({ initial: 32, maximum, shared: true });
    const { module, instance } = instantiateKernels(memory);
    const pool = await ThreadPool.start({
      module,
      memory,
      instance,
      names: OPS,
      threads,
      spinMicros: options.spinMicros,
    });
    return new WasmKernels(new WasmHeap(memory, HEAP_BASE), pool, instance, options);
  }

  /**
   * Work chunks computed by worker threads (not the main one) since creation: how much of the
   * work was actually split.
   */
  workerChunks(): number {
    const view = this.heap.i32(0, 512);
    let chunks = 0;
    for (let t = 1; t < this.threads; t++) {
      chunks += (view[CLAIMS_BYTE / 4 + t] >>> 0) - (view[JOINS_BYTE / 4 + t] >>> 0);
    }
    return chunks;
  }

  /** Bytes of WebAssembly memory mapped, and in use by live buffers. */
  memoryStats(): { mappedBytes: number; usedBytes: number } {
    return { mappedBytes: this.heap.memoryBytes, usedBytes: this.heap.usedBytes };
  }

  alloc(length: number): Float32Array {
    return this.heap.f32(this.heap.allocBytes(length * 4), length);
  }

  allocInt(length: number): Int32Array {
    return this.heap.i32(this.heap.allocBytes(length * 4), length);
  }

  free(buffer: Float32Array | Int32Array): void {
    this.ptr(buffer);
    this.heap.freeBytes(buffer.byteOffset);
  }

  async dispose(): Promise<void> {
    await this.pool.dispose();
  }

  matmulNT(
    out: Float32Array,
    a: Float32Array,
    b: Float32Array,
    M: number,
    N: number,
    K: number,
    accumulate: boolean,
  ): void {
    this.gemm(out, a, b, M, N, K, false, true, accumulate);
  }

  matmulNN(
    out: Float32Array,
    a: Float32Array,
    b: Float32Array,
    M: number,
    N: number,
    K: number,
    accumulate: boolean,
  ): void {
    this.gemm(out, a, b, M, N, K, false, false, accumulate);
  }

  matmulTN(
    out: Float32Array,
    a: Float32Array,
    b: Float32Array,
    M: number,
    N: number,
    K: number,
    accumulate: boolean,
  ): void {
    this.gemm(out, a, b, M, N, K, true, false, accumulate);
  }

  add(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
    this.run(OP.add, [this.ptr(out), this.ptr(a), this.ptr(b), n], n >= this.minElements);
  }

  scale(x: Float32Array, n: number, s: number): void {
    this.run(OP.scale, [this.ptr(x), n, s], n >= this.minElements);
  }

  sumSquares(x: Float32Array, n: number): number {
    return this.run(OP.sumSquares, [this.ptr(x), n], false);
  }

  embeddingForward(
    out: Float32Array,
    tokens: Int32Array,
    table: Float32Array,
    rows: number,
    C: number,
  ): void {
    const args = [this.ptr(out), this.ptr(tokens), this.ptr(table), rows, C];
    this.run(OP.embeddingForward, args, rows * C >= this.minElements);
  }

  embeddingBackward(
    dtable: Float32Array,
    dout: Float32Array,
    tokens: Int32Array,
    rows: number,
    C: number,
  ): void {
    const args = [this.ptr(dtable), this.ptr(dout), this.ptr(tokens), rows, C];
    this.run(OP.embeddingBackward, args, rows * C >= this.minElements && C > 16);
  }

  rmsnormForward(
    out: Float32Array,
    rstd: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    rows: number,
    C: number,
    eps: number,
  ): void {
    const args = [this.ptr(out), this.ptr(rstd), this.ptr(x), this.ptr(weight), rows, C, eps];
    this.run(OP.rmsnormForward, args, rows * C >= this.minElements);
  }

  rmsnormBackward(
    dx: Float32Array,
    dweight: Float32Array,
    dout: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    rstd: Float32Array,
    rows: number,
    C: number,
  ): void {
    const [pdout, px, prstd] = [this.ptr(dout), this.ptr(x), this.ptr(rstd)];
    const parallel = rows * C >= this.minElements;
    const input = [this.ptr(dx), pdout, px, this.ptr(weight), prstd, rows, C];
    this.run(OP.rmsnormBackwardInput, input, parallel);
    const wargs = [this.ptr(dweight), pdout, px, prstd, rows, C];
    this.run(OP.rmsnormBackwardWeight, wargs, parallel && C > 16);
  }

  rope(
    x: Float32Array,
    rows: number,
    stride: number,
    H: number,
    Dh: number,
    positions: Int32Array,
    cos: Float32Array,
    sin: Float32Array,
    inverse: boolean,
  ): void {
    const p = [this.ptr(x), rows, stride, H, Dh, this.ptr(positions), this.ptr(cos), this.ptr(sin)];
    this.run(OP.rope, [...p, inverse ? 1 : 0], rows * H * Dh >= this.minElements);
  }

  attentionForward(
    out: Float32Array,
    probs: Float32Array,
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    B: number,
    T: number,
    H: number,
    Dh: number,
    stride: number,
  ): void {
    const p = [this.ptr(out), this.ptr(probs), this.ptr(q), this.ptr(k), this.ptr(v)];
    this.ensureScratch(this.exports.attentionScratchBytes(T, Dh));
    const parallel = B * H > 1 && 2 * B * H * T * T * Dh >= this.minFlops;
    this.run(OP.attentionForward, [...p, B, T, H, Dh, stride], parallel);
  }

  attentionBackward(
    dq: Float32Array,
    dk: Float32Array,
    dv: Float32Array,
    dout: Float32Array,
    probs: Float32Array,
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    B: number,
    T: number,
    H: number,
    Dh: number,
    stride: number,
    _scratch: Float32Array,
  ): void {
    // Each thread stages a head and its (T,T) dS in its own scratch, which stays in cache.
    this.ensureScratch(this.exports.attentionScratchBytes(T, Dh));
    const grads = [this.ptr(dq), this.ptr(dk), this.ptr(dv), this.ptr(dout), this.ptr(probs)];
    const inputs = [this.ptr(q), this.ptr(k), this.ptr(v)];
    const parallel = B * H > 1 && 2 * B * H * T * T * Dh >= this.minFlops;
    this.run(OP.attentionBackward, [...grads, ...inputs, B, T, H, Dh, stride], parallel);
  }

  attentionCached(
    out: Float32Array,
    q: Float32Array,
    qStride: number,
    kCache: Float32Array,
    vCache: Float32Array,
    slots: Int32Array,
    positions: Int32Array,
    rows: number,
    H: number,
    Dh: number,
    maxT: number,
    scratch: Float32Array,
  ): void {
    const p = [this.ptr(out), this.ptr(q), qStride, this.ptr(kCache), this.ptr(vCache)];
    const rest = [this.ptr(slots), this.ptr(positions), rows, H, Dh, maxT, this.ptr(scratch)];
    this.run(OP.attentionCached, [...p, ...rest], 2 * rows * H * maxT * Dh >= this.minFlops);
  }

  swigluForward(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
    this.run(OP.swigluForward, [this.ptr(out), this.ptr(a), this.ptr(b), n], n >= this.minElements);
  }

  swigluBackward(
    da: Float32Array,
    db: Float32Array,
    dout: Float32Array,
    a: Float32Array,
    b: Float32Array,
    n: number,
  ): void {
    const p = [this.ptr(da), this.ptr(db), this.ptr(dout), this.ptr(a), this.ptr(b)];
    this.run(OP.swigluBackward, [...p, n], n >= this.minElements);
  }

  crossEntropyForward(
    losses: Float32Array,
    probs: Float32Array,
    logits: Float32Array,
    targets: Int32Array,
    rows: number,
    V: number,
  ): void {
    const p = [this.ptr(losses), this.ptr(probs), this.ptr(logits), this.ptr(targets)];
    this.run(OP.crossEntropyForward, [...p, rows, V], rows * V >= this.minElements);
  }

  crossEntropyBackward(
    dlogits: Float32Array,
    probs: Float32Array,
    targets: Int32Array,
    weights: Float32Array,
    rows: number,
    V: number,
  ): void {
    const p = [this.ptr(dlogits), this.ptr(probs), this.ptr(targets), this.ptr(weights)];
    this.run(OP.crossEntropyBackward, [...p, rows, V], rows * V >= this.minElements);
  }

  adamw(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    step: number,
  ): void {
    const p = [this.ptr(param), this.ptr(grad), this.ptr(m), this.ptr(v), n];
    const corrections = [1 / (1 - beta1 ** step), 1 / (1 - beta2 ** step)];
    const args = [...p, lr, beta1, beta2, eps, weightDecay, ...corrections];
    this.run(OP.adamw, args, n >= this.minElements);
  }

  /** out(M,N) (+)= op(a)·op(b): pack B into panels, then compute, each split across threads. */
  private gemm(
    out: Float32Array,
    a: Float32Array,
    b: Float32Array,
    M: number,
    N: number,
    K: number,
    aT: boolean,
    bT: boolean,
    accumulate: boolean,
  ): void {
    const [po, pa, pb] = [this.ptr(out), this.ptr(a), this.ptr(b)];
    if (M === 0 || N === 0) return;
    if (K === 0) {
      if (!accumulate) out.fill(0, 0, M * N);
      return;
    }
    this.ensurePack(Math.ceil(N / 8) * 8 * K * 4);
    const parallel = 2 * M * N * K >= this.minFlops;
    this.run(OP.gemmPack, [pb, N, K, bT ? 1 : 0], parallel && N * K >= this.minElements);
    this.run(OP.gemmCompute, [po, pa, M, N, K, aT ? 1 : 0, accumulate ? 1 : 0], parallel);
  }

  private run(op: number, args: number[], parallel: boolean): number {
    return this.pool.run(op, args, parallel);
  }

  /** The wasm address of a buffer from this heap (a view's byte offset). */
  private ptr(view: Float32Array | Int32Array): number {
    if (!this.heap.owns(view)) {
      throw new SelfEvolveError(
        'kernels_buffer',
        'a buffer passed to the wasm-simd kernels was not allocated by them',
        { hint: 'allocate every buffer with kernels.alloc/allocInt of the same instance' },
      );
    }
    return view.byteOffset;
  }

  private ensurePack(bytes: number): void {
    if (bytes <= this.packBytes) return;
    if (this.packBytes > 0) this.heap.freeBytes(this.packOffset);
    this.packBytes = Math.max(bytes, 2 * this.packBytes);
    this.packOffset = this.heap.allocBytes(this.packBytes);
    this.pool.setControl(CTRL.PACK, this.packOffset);
  }

  /** Gives every thread its own scratch area of at least `bytes` (separate cache lines). */
  private ensureScratch(bytes: number): void {
    if (bytes <= this.scratchBytes) return;
    for (const offset of this.scratchOffsets) this.heap.freeBytes(offset);
    this.scratchOffsets.length = 0;
    this.scratchBytes = bytes;
    for (let t = 0; t < this.threads; t++) {
      const offset = this.heap.allocBytes(bytes);
      this.scratchOffsets.push(offset);
      this.pool.setControl(SCRATCH_TABLE_BYTE / 4 + t, offset);
    }
  }
}
