// Bad input never passes silently: corrupt, truncated or mismatched checkpoints, an invalid config,
// an empty training set and an overlong prompt each give a one-line error naming what and where,
// and a failed save leaves the previous checkpoint as it was.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, ContextLengthError, InvalidInputError } from '../spec/errors.js';
import { Engine } from './engine.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { Tokenizer } from './tokenizer.js';

const SHAPE = { dModel: 8, nLayers: 1, nHeads: 2, dFF: 12, contextLength: 16 };

describe('checkpoints and bad input', () => {
  let root: string;
  let good: string;
  let engine: Engine;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ckpt-test-'));
    engine = Engine.create({ config: SHAPE, tokenizer: Tokenizer.char('abc xyz'), seed: 1 });
    good = join(root, 'good');
    await engine.save(good);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A copy of the good checkpoint with some files changed. */
  const copyWith = (name: string, changes: Record<string, (bytes: Buffer) => Buffer | string>) => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(good)) {
      const bytes = readFileSync(join(good, f));
      writeFileSync(join(dir, f), changes[f] ? changes[f](bytes) : bytes);
    }
    return dir;
  };
  const expectCheckpointError = async (dir: string, file: string, pattern: RegExp) => {
    const error = await Engine.load(dir).catch((e) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.path).toBe(join(dir, file));
    expect(error.message).toMatch(pattern);
    expect(error.message).not.toContain('\n');
  };

  it('rejects a truncated, bit-flipped or mismatched weights file, naming it', async () => {
    await expectCheckpointError(
      copyWith('trunc', { 'model.safetensors': (b) => b.subarray(0, b.length - 7) }),
      'model.safetensors',
      /checksum/,
    );
    await expectCheckpointError(
      copyWith('flip', {
        'model.safetensors': (b) => {
          const c = Buffer.from(b);
          c[c.length - 3] ^= 0x40;
          return c;
        },
      }),
      'model.safetensors',
      /corrupt/,
    );
    const cfg = JSON.parse(readFileSync(join(good, 'config.json'), 'utf8'));
    // Without a checksum to compare, the safetensors reader itself finds the truncation.
    const noSum = JSON.stringify({ ...cfg, weights: {} });
    await expectCheckpointError(
      copyWith('trunc-nosum', {
        'config.json': () => noSum,
        'model.safetensors': (b) => b.subarray(0, b.length - 8),
      }),
      'model.safetensors',
      /truncated/,
    );
    const other = { ...cfg, weights: {}, model: { ...cfg.model, dFF: 16 } };
    await expectCheckpointError(
      copyWith('mismatch', { 'config.json': () => JSON.stringify(other) }),
      'model.safetensors',
      /shape \[12,8\], the config needs \[16,8\]/,
    );
    await expectCheckpointError(
      copyWith('badcfg', {
        'config.json': () => JSON.stringify({ ...cfg, model: { ...cfg.model, nHeads: 3 } }),
      }),
      'config.json',
      /field "nHeads": must divide dModel/,
    );
    await expectCheckpointError(
      copyWith('json', { 'config.json': () => '{"format": ' }),
      'config.json',
      /not a valid JSON/,
    );
    await expectCheckpointError(
      copyWith('tok', { 'tokenizer.json': () => JSON.stringify(Tokenizer.char('ab').toJSON()) }),
      'tokenizer.json',
      /tokens but config.json says vocabSize/,
    );
    await expectCheckpointError(
      copyWith('ver', { 'config.json': () => JSON.stringify({ ...cfg, version: 99 }) }),
      'config.json',
      /version 99/,
    );
    const missing = await Engine.load(join(root, 'nope')).catch((e) => e);
    expect(missing).toBeInstanceOf(CheckpointError);
  });

  it('the safetensors reader finds truncation, bad headers and gaps', () => {
    const bytes = encodeSafetensors([
      { name: 'a', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    ]);
    expect(Array.from(decodeSafetensors(bytes, 'x').tensors.get('a')!.data)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'f.safetensors')).toThrow(
      /f.safetensors: truncated/,
    );
    expect(() => decodeSafetensors(bytes.subarray(0, 5), 'f')).toThrow(/truncated/);
    const bad = Buffer.from(bytes);
    bad.writeBigUInt64LE(1n << 40n, 0);
    expect(() => decodeSafetensors(bad, 'f')).toThrow(/header length/);
    const extra = Buffer.concat([bytes, Buffer.alloc(4)]);
    expect(() => decodeSafetensors(extra, 'f')).toThrow(/4 bytes after the last tensor/);
    expect(bytes.readBigUInt64LE(0) % 8n).toBe(0n);
  });

  it('never replaces a good checkpoint: no overwrite without the flag, and a failed save changes nothing', async () => {
    const before = readFileSync(join(good, 'model.safetensors'));
    const other = Engine.create({ config: SHAPE, tokenizer: Tokenizer.char('abc xyz'), seed: 2 });
    await expect(other.save(good)).rejects.toThrow(/already exists/);
    const broken = Object.create(other) as Engine;
    Object.defineProperty(broken, 'tokenizer', {
      value: {
        toJSON: () => {
          throw new Error('disk full');
        },
      },
    });
    await expect(broken.save(good, { overwrite: true })).rejects.toThrow(/disk full/);
    expect(readFileSync(join(good, 'model.safetensors')).equals(before)).toBe(true);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
    await other.save(good, { overwrite: true });
    expect(readFileSync(join(good, 'model.safetensors')).equals(before)).toBe(false);
    await engine.save(good, { overwrite: true });
  });

  it('invalid config, empty training set, divergence and overlong prompts give one-line errors', async () => {
    const bad = (config: object) => () => Engine.create({ config: { ...SHAPE, ...config } });
    expect(bad({ nHeads: 3 })).toThrow(/field "nHeads": must divide dModel/);
    expect(bad({ dModel: -4 })).toThrow(/field "dModel": must be a positive integer/);
    expect(bad({ contextLength: 1.5 })).toThrow(InvalidInputError);
    expect(bad({ layers: 2 })).toThrow(/field "layers": unknown field/);
    await expect(engine.train([])).rejects.toThrow(/the training set is empty/);
    const promptOnly = { turns: [{ section: 'prompt' as const, text: 'abc', train: false }] };
    await expect(engine.train([promptOnly])).rejects.toThrow(/no example has a token to learn/);
    const long = { turns: [{ section: 'response' as const, text: 'abc'.repeat(9), train: true }] };
    await expect(engine.train([long])).rejects.toThrow(
      /examples\[0\]".*longer than the model's context/,
    );
    await expect(engine.train([long], { batchSize: 0 })).rejects.toThrow(
      /hyperparameters.batchSize/,
    );
    const broken = Engine.create({ config: SHAPE, tokenizer: Tokenizer.char('abc xyz'), seed: 1 });
    broken.model.weights.finalNorm[0] = Number.NaN;
    const example = { turns: [{ section: 'response' as const, text: 'abc', train: true }] };
    await expect(broken.train([example])).rejects.toThrow(
      /training diverged: the loss is NaN at step 1/,
    );
    const error = await engine
      .generate([{ prompt: 'a' }, { prompt: 'abc'.repeat(6) }])
      .catch((e) => e);
    expect(error).toBeInstanceOf(ContextLengthError);
    expect(error.message).toMatch(
      /prompt of request 1 is 18 tokens, longer than the model's context of 16/,
    );
  });
});
