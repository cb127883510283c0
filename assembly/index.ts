// Entry of the WebAssembly kernels (build/kernels.wasm): every export the TypeScript adapter
// (src/engine/kernels/wasm-kernels.ts) and its worker threads call.

export { attentionBackward, attentionForward, attentionScratchBytes } from './attention';
export { attentionCached } from './attention-cached';
export { adamw, add, scale, sumSquares } from './elementwise';
export { gemmCompute, gemmPack, gemmScratchBytes } from './gemm';
export {
  crossEntropyBackward,
  crossEntropyForward,
  embeddingBackward,
  embeddingForward,
  rmsnormBackwardInput,
  rmsnormBackwardWeight,
  rmsnormForward,
  rope,
  swigluBackward,
  swigluForward,
} from './layers';
export { CTRL_CHUNK, CTRL_CLAIMS, CTRL_PACK, CTRL_SCRATCH, setThread } from './runtime';
