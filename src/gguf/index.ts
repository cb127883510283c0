// GGUF export for llama.cpp: writer, reader, tokenizer metadata.
export {
  checkpointToGguf,
  exportGguf,
  type GgufExportOptions,
  ggufTensorName,
} from './export-gguf.js';
export {
  type GgufFile,
  type GgufTensor,
  type GgufValue,
  gguf,
  SELF_EVOLVE_FORMAT,
  SELF_EVOLVE_FORMAT_KEY,
} from './gguf-format.js';
export { decodeGguf } from './gguf-reader.js';
export { BYTE_TO_UNICODE, byteEncode, CHAT_TEMPLATE, tokenizerMetadata } from './gguf-tokenizer.js';
export { encodeGguf } from './gguf-writer.js';
