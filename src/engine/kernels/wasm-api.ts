// Types for the few WebAssembly JS API calls the kernels make. Node's runtime has the global
// `WebAssembly`, but this project compiles without the DOM library that declares it.

/** A WebAssembly.Memory (shared: its buffer is a SharedArrayBuffer). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** A compiled WebAssembly.Module: opaque, and cloneable to worker threads. */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** A WebAssembly.Instance. */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

/** An exported WebAssembly.Global. */
export interface WasmGlobal {
  readonly value: number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

/** The global WebAssembly object, typed. */
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
