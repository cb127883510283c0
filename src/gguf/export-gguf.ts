// Exports an embedded checkpoint as a GGUF file for llama.cpp (and so Ollama, LM Studio,
// node-llama-cpp): llama architecture, float32 weights, our tokenizer in the metadata. Our rotary
// embedding rotates adjacent pairs, llama.cpp's "normal" rope for llama, so q and k are written
// as they are (the HF→GGUF converter permutes only because HF uses the half-split layout).
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { type CheckpointData, loadCheckpoint } from '../engine/index.js';
import { parameterLayout } from '../engine/parameters.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { InvalidInputError } from '../spec/errors.js';
import {
  type GgufTensor,
  type GgufValue,
  gguf,
  SELF_EVOLVE_FORMAT,
  SELF_EVOLVE_FORMAT_KEY,
} from './gguf-format.js';
import { tokenizerMetadata } from './gguf-tokenizer.js';
import { encodeGguf } from './gguf-writer.js';

/** Our tensor names → llama.cpp's (`{l}` is the layer). */
const TENSOR_NAMES: Record<string, string> = {
  'tok_embeddings.weight': 'token_embd.weight',
  'norm.weight': 'output_norm.weight',
  'output.weight': 'output.weight',
  'attention.wq.weight': 'attn_q.weight',
  'attention.wk.weight': 'attn_k.weight',
  'attention.wv.weight': 'attn_v.weight',
  'attention.wo.weight': 'attn_output.weight',
  'attention_norm.weight': 'attn_norm.weight',
  'ffn_norm.weight': 'ffn_norm.weight',
  'feed_forward.w1.weight': 'ffn_gate.weight',
  'feed_forward.w3.weight': 'ffn_up.weight',
  'feed_forward.w2.weight': 'ffn_down.weight',
};

/** The llama.cpp name of one of our tensors. */
export function ggufTensorName(name: string): string {
  const layer = /^layers\.(\d+)\.(.+)$/.exec(name);
  const mapped = TENSOR_NAMES[layer ? layer[2] : name];
  if (!mapped) throw new RangeError(`no GGUF name for tensor ${name}`);
  return layer ? `blk.${layer[1]}.${mapped}` : mapped;
}

export interface GgufExportOptions {
  /** `general.name` (default: the checkpoint folder's name). */
  readonly name?: string;
}

/** The GGUF bytes of a checkpoint. */
export function checkpointToGguf(data: CheckpointData, options: GgufExportOptions = {}): Buffer {
  const c = data.config;
  const metadata = new Map<string, GgufValue>([
    ['general.architecture', gguf.str('llama')],
    ['general.name', gguf.str(options.name ?? 'self-evolve')],
    ['general.file_type', gguf.u32(0)], // all F32
    ['general.alignment', gguf.u32(32)],
    ['llama.vocab_size', gguf.u32(c.vocabSize)],
    ['llama.context_length', gguf.u32(c.contextLength)],
    ['llama.embedding_length', gguf.u32(c.dModel)],
    ['llama.block_count', gguf.u32(c.nLayers)],
    ['llama.feed_forward_length', gguf.u32(c.dFF)],
    ['llama.attention.head_count', gguf.u32(c.nHeads)],
    ['llama.attention.head_count_kv', gguf.u32(c.nHeads)],
    ['llama.attention.layer_norm_rms_epsilon', gguf.f32(c.normEps)],
    ['llama.rope.freq_base', gguf.f32(c.ropeBase)],
    ['llama.rope.dimension_count', gguf.u32(c.dModel / c.nHeads)],
    [SELF_EVOLVE_FORMAT_KEY, gguf.str(SELF_EVOLVE_FORMAT)],
    ['self_evolve.tokenizer', gguf.str(data.tokenizer.kind)],
    ...tokenizerMetadata(data.tokenizer),
  ]);
  // Row-major (rows, cols) is ggml [cols, rows]: the dims reverse, the bytes stay as they are.
  const tensors: GgufTensor[] = parameterLayout(c).tensors.map((t) => ({
    name: ggufTensorName(t.name),
    dims: [...t.shape].reverse(),
    data: data.params.subarray(t.offset, t.offset + t.size),
  }));
  return encodeGguf(metadata, tensors);
}

/**
 * Writes checkpoint directory `checkpoint` as the GGUF file `out`, atomically. An existing `out`
 * is replaced only with `force`. Returns the bytes written.
 */
export async function exportGguf(
  checkpoint: string,
  out: string,
  options: GgufExportOptions & { force?: boolean } = {},
): Promise<number> {
  const target = resolve(out);
  if (existsSync(target) && !options.force) {
    throw new InvalidInputError(
      'already exists',
      { file: out },
      { hint: 'choose another --output, or pass --force to replace it' },
    );
  }
  const data = await loadCheckpoint(checkpoint);
  const bytes = checkpointToGguf(data, { name: options.name ?? basename(resolve(checkpoint)) });
  writeFileAtomic(target, bytes, { force: true });
  return bytes.length;
}
