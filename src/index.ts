// The programmatic API of self-evolve.

export * from './benchmarks/index.js';
export * from './config/models.js';
export * from './engine/index.js';
export { benchKernels, type KernelBenchResult } from './engine/kernels/bench-kernels.js';
export type { CreateKernelsOptions } from './engine/kernels/create-kernels.js';
export {
  type OpProfile,
  type ProfiledKernels,
  profileKernels,
} from './engine/kernels/profiled-kernels.js';
export { WasmKernels, type WasmKernelsOptions } from './engine/kernels/wasm-kernels.js';
export * from './gguf/index.js';
export * from './providers/index.js';
export * from './providers/llama-cpp/index.js';
export { createServerApp, type ServedModel } from './server/server-app.js';
export { type RunningServer, startServer } from './server/start-server.js';
export * from './spec/index.js';
export * from './trainers/index.js';
