// The GGUF writer against our reader, the checkpoint export (metadata, tensor layout, tokenizer
// merges), and bad input: damaged files, refusing to overwrite, nothing half-written.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine, SPECIAL_TOKENS, Tokenizer } from '../engine/index.js';
import { CheckpointError, InvalidInputError } from '../spec/errors.js';
import { exportGguf, ggufTensorName } from './export-gguf.js';
import { gguf, SELF_EVOLVE_FORMAT } from './gguf-format.js';
import { decodeGguf } from './gguf-reader.js';
import { byteEncode, tokenizerMetadata } from './gguf-tokenizer.js';
import { encodeGguf } from './gguf-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'gguf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GGUF writer', () => {
  it('round-trips metadata of every kind and aligned float32 tensors', () => {
    const metadata = new Map([
      ['general.architecture', gguf.str('llama')],
      ['a.u32', gguf.u32(7)],
      ['a.i32', gguf.i32(-3)],
      ['a.f32', gguf.f32(0.5)],
      ['a.bool', gguf.bool(true)],
      ['a.strs', gguf.strs(['x', 'é', ''])],
      ['a.i32s', gguf.i32s([1, -2])],
      ['a.f32s', gguf.f32s([0.25])],
    ]);
    const tensors = [
      { name: 't.a', dims: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      { name: 't.b', dims: [5], data: Float32Array.from([-1, 0, 1, 2, 3]) },
    ];
    const bytes = encodeGguf(metadata, tensors);
    const file = decodeGguf(bytes, 'mem');
    expect(file.version).toBe(3);
    expect(Object.fromEntries(file.metadata)).toEqual({
      'general.architecture': 'llama',
      'a.u32': 7,
      'a.i32': -3,
      'a.f32': 0.5,
      'a.bool': true,
      'a.strs': ['x', 'é', ''],
      'a.i32s': [1, -2],
      'a.f32s': [0.25],
    });
    expect(file.tensors.map((t) => [t.name, t.dims, [...t.data!]])).toEqual(
      tensors.map((t) => [t.name, t.dims, [...t.data]]),
    );
    expect(bytes.length % 32).toBe(0);
  });

  it('reports a damaged file as a CheckpointError naming it', () => {
    const bytes = encodeGguf(new Map([['k', gguf.str('v')]]), [
      { name: 't', dims: [4], data: new Float32Array(4) },
    ]);
    expect(() => decodeGguf(Buffer.from('nope'), 'x.gguf')).toThrow(/x.gguf: .*"GGUF"/);
    expect(() => decodeGguf(bytes.subarray(0, 40), 'x.gguf')).toThrow(CheckpointError);
    expect(() => decodeGguf(bytes.subarray(0, bytes.length - 40), 'x.gguf')).toThrow(
      /past the end/,
    );
  });
});

describe('tokenizer metadata', () => {
  it('writes a char vocabulary as byte-level BPE with merges inside multi-byte characters', () => {
    const meta = tokenizerMetadata(Tokenizer.char('a é€'));
    const tokens = meta.get('tokenizer.ggml.tokens')!.value as string[];
    expect(tokens.slice(0, 7)).toEqual([...SPECIAL_TOKENS]);
    expect(tokens.slice(7)).toEqual([byteEncode(' '), 'a', byteEncode('é'), byteEncode('€')]);
    expect(tokens[7]).toBe('Ġ');
    const [e1, e2] = [...byteEncode('é')];
    const [c1, c2, c3] = [...byteEncode('€')];
    expect(meta.get('tokenizer.ggml.merges')!.value).toEqual([
      `${e1} ${e2}`,
      `${c1} ${c2}`,
      `${c1}${c2} ${c3}`,
    ]);
    expect(meta.get('tokenizer.ggml.token_type')!.value).toEqual([3, 3, 3, 3, 3, 3, 2, 1, 1, 1, 1]);
  });

  it('writes a byte vocabulary as the 256 GPT-2 byte tokens, no merges', () => {
    const meta = tokenizerMetadata(Tokenizer.byte());
    const tokens = meta.get('tokenizer.ggml.tokens')!.value as string[];
    expect(tokens.length).toBe(263);
    expect(new Set(tokens).size).toBe(263);
    expect(tokens[7 + 0x41]).toBe('A');
    expect(meta.get('tokenizer.ggml.merges')!.value).toEqual([]);
  });
});

describe('exportGguf', () => {
  it('exports a checkpoint with llama metadata and every tensor under its llama.cpp name', async () => {
    const engine = Engine.create({
      tokenizer: Tokenizer.char('xyz'),
      config: {
        dModel: 8,
        nLayers: 2,
        nHeads: 2,
        dFF: 12,
        contextLength: 32,
        tiedEmbeddings: true,
      },
      seed: 3,
    });
    const ckpt = join(dir, 'tied');
    await engine.save(ckpt);
    const out = join(dir, 'tied.gguf');
    await exportGguf(ckpt, out);
    const file = decodeGguf(readFileSync(out), out);
    expect(file.metadata.get('general.architecture')).toBe('llama');
    expect(file.metadata.get('general.name')).toBe('tied');
    expect(file.metadata.get('llama.embedding_length')).toBe(8);
    expect(file.metadata.get('llama.rope.dimension_count')).toBe(4);
    expect(file.metadata.get('llama.context_length')).toBe(32);
    expect(file.metadata.get('self_evolve.format')).toBe(SELF_EVOLVE_FORMAT);
    const names = file.tensors.map((t) => t.name);
    expect(names).not.toContain('output.weight'); // tied: llama.cpp reuses token_embd
    expect(names).toContain('blk.1.ffn_gate.weight');
    const wq = file.tensors.find((t) => t.name === 'blk.0.attn_q.weight')!;
    expect(wq.dims).toEqual([8, 8]);
    const embd = file.tensors.find((t) => t.name === 'token_embd.weight')!;
    expect(embd.dims).toEqual([8, 10]); // [n_embd, n_vocab] in ggml order
    expect([...embd.data!]).toEqual([...engine.model.weights.tokEmbedding]);
    engine.dispose();
  });

  it('refuses to replace a file without force and never leaves a temporary file', async () => {
    const engine = Engine.create({
      tokenizer: Tokenizer.char('ab'),
      config: { dModel: 8, nLayers: 1, nHeads: 2, dFF: 8, contextLength: 16 },
    });
    const ckpt = join(dir, 'small');
    await engine.save(ckpt);
    engine.dispose();
    const out = join(dir, 'taken.gguf');
    writeFileSync(out, 'mine');
    await expect(exportGguf(ckpt, out)).rejects.toThrow(InvalidInputError);
    expect(readFileSync(out, 'utf8')).toBe('mine');
    await exportGguf(ckpt, out, { force: true });
    expect(readFileSync(out).subarray(0, 4).toString()).toBe('GGUF');
    await expect(exportGguf(join(dir, 'missing'), join(dir, 'm.gguf'))).rejects.toThrow(
      CheckpointError,
    );
    expect(existsSync(join(dir, 'm.gguf'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('names every engine tensor', () => {
    expect(ggufTensorName('layers.3.attention.wk.weight')).toBe('blk.3.attn_k.weight');
    expect(() => ggufTensorName('layers.0.unknown.weight')).toThrow(RangeError);
  });
});
