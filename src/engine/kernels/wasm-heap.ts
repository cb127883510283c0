// The allocator of the WebAssembly kernels: hands out 64-byte-aligned blocks of one shared
// WebAssembly.Memory. Growing a shared memory never moves it, so views made before a growth stay
// valid for the life of the heap; only the buffer object changes, and the heap remembers each one.
import { SelfEvolveError } from '../../spec/errors.js';
import type { WasmMemory } from './wasm-api.js';

const PAGE = 65536;
const ALIGN = 64;
/** Bytes kept mapped past the highest block: kernels may read (never write) 32 bytes past an input. */
const SLACK = 64;

/** A free block: [offset, offset + size). */
interface Block {
  offset: number;
  size: number;
}

/** First-fit allocator over a shared memory, starting at `base` (below it: the control page). */
export class WasmHeap {
  readonly memory: WasmMemory;
  private readonly buffers = new Set<ArrayBufferLike>();
  private readonly live = new Map<number, number>();
  /** Free blocks below `top`, sorted by offset, never adjacent (coalesced). */
  private readonly freeList: Block[] = [];
  private top: number;
  private current: SharedArrayBuffer;

  constructor(memory: WasmMemory, base: number) {
    this.memory = memory;
    this.top = base;
    this.current = memory.buffer as SharedArrayBuffer;
    this.buffers.add(this.current);
  }

  /** Bytes in use by live blocks. */
  get usedBytes(): number {
    let sum = 0;
    for (const size of this.live.values()) sum += size;
    return sum;
  }

  /** The current size of the memory in bytes. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Allocates `bytes` (rounded up to 64), zeroed; returns the byte offset in the memory. */
  allocBytes(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let offset = -1;
    for (let i = 0; i < this.freeList.length; i++) {
      const block = this.freeList[i];
      if (block.size < size) continue;
      offset = block.offset;
      if (block.size === size) this.freeList.splice(i, 1);
      else {
        block.offset += size;
        block.size -= size;
      }
      break;
    }
    if (offset < 0) {
      offset = this.top;
      this.ensureMapped(offset + size + SLACK);
      this.top += size;
    }
    this.live.set(offset, size);
    new Uint8Array(this.current, offset, size).fill(0);
    return offset;
  }

  /** Frees a block returned by allocBytes. */
  freeBytes(offset: number): void {
    const size = this.live.get(offset);
    if (size === undefined) {
      throw new SelfEvolveError(
        'kernels',
        `free: no block starts at byte ${offset} (pass the whole buffer from alloc, not a view)`,
      );
    }
    this.live.delete(offset);
    this.insertFree({ offset, size });
  }

  /** A float32 view of `length` floats at `offset`. */
  f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.current, offset, length);
  }

  /** An int32 view of `length` ints at `offset`. */
  i32(offset: number, length: number): Int32Array {
    return new Int32Array(this.current, offset, length);
  }

  /** Whether a view lies in this heap's memory (any buffer object it has had). */
  owns(view: ArrayBufferView): boolean {
    return this.buffers.has(view.buffer);
  }

  /** Whether `offset` starts a live block, and its size. */
  sizeOf(offset: number): number | undefined {
    return this.live.get(offset);
  }

  private insertFree(block: Block): void {
    const list = this.freeList;
    let i = 0;
    while (i < list.length && list[i].offset < block.offset) i++;
    list.splice(i, 0, block);
    // merge with the next, then the previous neighbour
    if (i + 1 < list.length && block.offset + block.size === list[i + 1].offset) {
      block.size += list[i + 1].size;
      list.splice(i + 1, 1);
    }
    if (i > 0 && list[i - 1].offset + list[i - 1].size === block.offset) {
      list[i - 1].size += block.size;
      list.splice(i, 1);
      i--;
    }
    // a free block ending at the top lowers the top instead
    const last = list[list.length - 1];
    if (last && last.offset + last.size === this.top) {
      this.top = last.offset;
      list.pop();
    }
  }

  private ensureMapped(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    try {
      this.memory.grow(pages);
    } catch (cause) {
      throw new SelfEvolveError(
        'kernels_memory',
        `WebAssembly memory cannot grow to ${Math.ceil(end / 2 ** 20)} MiB`,
        { cause, hint: 'use a smaller model or batch, or raise maxMemoryMiB of createKernels' },
      );
    }
    this.current = this.memory.buffer as SharedArrayBuffer;
    this.buffers.add(this.current);
  }
}
