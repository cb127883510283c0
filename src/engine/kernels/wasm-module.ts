// Loads build/kernels.wasm (compiled from assembly/ by `npm run build`) once per process,
// instantiates it on a shared memory, and checks that its control-page layout is the one this
// adapter writes. Also names the exports that run as ops, in the order the worker threads use.
import { readFileSync } from 'node:fs';
import { SelfEvolveError } from '../../spec/errors.js';
import {
  type WasmGlobal,
  type WasmInstance,
  type WasmMemory,
  type WasmModule,
  wasmApi,
} from './wasm-api.js';
import { CLAIMS_BYTE, CTRL } from './wasm-worker-source.js';

/** Exports callable as ops, in op-index order (shared with the workers). */
export const OPS = [
  'gemmPack',
  'gemmCompute',
  'attentionForward',
  'attentionBackward',
  'attentionCached',
  'rmsnormForward',
  'rmsnormBackwardInput',
  'rmsnormBackwardWeight',
  'rope',
  'swigluForward',
  'swigluBackward',
  'embeddingForward',
  'embeddingBackward',
  'crossEntropyForward',
  'crossEntropyBackward',
  'add',
  'scale',
  'sumSquares',
  'adamw',
] as const;
/** Op index by export name. */
export const OP = Object.fromEntries(OPS.map((name, i) => [name, i])) as Record<
  (typeof OPS)[number],
  number
>;

/** Per-thread scratch pointers (u32 each) live at this byte of the control page. */
export const SCRATCH_TABLE_BYTE = 1024;

let compiled: WasmModule | undefined;

/** The compiled kernels module, read once from build/kernels.wasm (built by `npm run build`). */
export function kernelsModule(): WasmModule {
  if (!compiled) {
    const url = new URL('../../../build/kernels.wasm', import.meta.url);
    let bytes: Buffer;
    try {
      bytes = readFileSync(url);
    } catch (cause) {
      throw new SelfEvolveError('kernels_missing', `cannot read ${url.pathname}`, {
        cause,
        hint: 'run `npm run build` to compile the WebAssembly kernels',
      });
    }
    compiled = new wasmApi.Module(bytes);
  }
  return compiled;
}

/** The module instantiated on `memory`, after checking its control-page layout. */
export function instantiateKernels(memory: WasmMemory): {
  module: WasmModule;
  instance: WasmInstance;
} {
  const module = kernelsModule();
  const instance = new wasmApi.Instance(module, { env: { memory } });
  const global = (name: string) => (instance.exports[name] as WasmGlobal).value;
  const layout = ['CTRL_CHUNK', 'CTRL_PACK', 'CTRL_SCRATCH', 'CTRL_CLAIMS'].map(global).join();
  if (layout !== [4 * CTRL.CHUNK, 4 * CTRL.PACK, SCRATCH_TABLE_BYTE, CLAIMS_BYTE].join()) {
    throw new SelfEvolveError('kernels', 'build/kernels.wasm does not match this adapter', {
      hint: 'run `npm run build`',
    });
  }
  return { module, instance };
}
