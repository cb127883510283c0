// The engine end to end on a tiny model: memorisation, KV-cache equivalence, batch independence of
// sampling, determinism, and the checkpoint round trip.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SftExample } from '../spec/trainer.js';
import { Engine } from './engine.js';
import { encodePrompt } from './episode.js';
import { forward } from './model.js';
import { END, Tokenizer } from './tokenizer.js';
import { TrainActivations } from './train-activations.js';

const PAIRS = [
  ['2+3', '5 five'],
  ['7-4', '3 three'],
  ['1+1', '2 two'],
  ['9-9', '0 zero'],
  ['4+4', '8 eight'],
  ['6-5', '1 one'],
];
const EXAMPLES: SftExample[] = PAIRS.map(([p, r]) => ({
  turns: [
    { section: 'prompt', text: p, train: false },
    { section: 'response', text: r, train: true },
  ],
}));
const SHAPE = { dModel: 32, nLayers: 2, nHeads: 2, dFF: 64, contextLength: 24 };
const SETTINGS = { steps: 150, batchSize: 6, learningRate: 1e-2, warmupSteps: 10, seed: 1 };

function tokenizer(): Tokenizer {
  return Tokenizer.char(PAIRS.flat().join(''));
}

/** Greedy decoding without a cache: the full training forward over the whole sequence per token. */
function greedyWithoutCache(engine: Engine, prompt: number[], maxTokens: number): number[] {
  const acts = new TrainActivations(
    engine.model.kernels,
    engine.config,
    1,
    engine.config.contextLength,
  );
  const seq = [...prompt];
  const V = engine.config.vocabSize;
  for (let i = 0; i < maxTokens && seq.length <= engine.config.contextLength; i++) {
    seq.forEach((id, t) => {
      acts.tokens[t] = id;
    });
    forward(engine.model, acts, 1, seq.length);
    const row = acts.logits.subarray((seq.length - 1) * V, seq.length * V);
    let best = 0;
    for (let j = 1; j < V; j++) if (row[j] > row[best]) best = j;
    if (best === END) break;
    seq.push(best);
  }
  acts.free();
  return seq.slice(prompt.length);
}

describe('engine', () => {
  let engine: Engine;
  let losses: readonly number[];
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'engine-test-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    engine = Engine.create({ config: SHAPE, tokenizer: tokenizer(), seed: 3 });
    losses = (await engine.train(EXAMPLES, SETTINGS)).losses;
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('memorises a tiny dataset: loss below 0.01 and exact greedy answers', async () => {
    expect(losses.at(-1)).toBeLessThan(0.01);
    expect(losses[0]).toBeGreaterThan(1);
    const prompts = PAIRS.map(([p]) => ({
      prompt: encodePrompt(engine.tokenizer, [{ section: 'prompt', text: p }], 'response'),
    }));
    const out = await engine.generate(prompts);
    expect(out.map((s) => s[0].text)).toEqual(PAIRS.map(([, r]) => r));
    expect(out.every((s) => s[0].finishReason === 'stop')).toBe(true);
  });

  it('generates with the KV cache exactly the tokens of generation without it (greedy)', async () => {
    const prompts = ['2+3', '9-', '6-5 ', '11', '8'].map((p) =>
      encodePrompt(engine.tokenizer, [{ section: 'prompt', text: p }], 'response'),
    );
    const cached = await engine.generate(
      prompts.map((prompt) => ({ prompt, maxTokens: 12, stopTokens: [END] })),
    );
    prompts.forEach((prompt, i) => {
      expect(cached[i][0].tokens).toEqual(greedyWithoutCache(engine, prompt, 12));
    });
  });

  it("a sample's text does not depend on the other prompts in the batch or on prefill chunking", async () => {
    const ask = (text: string, seed: number) => ({
      prompt: text,
      temperature: 1.2,
      topK: 20,
      topP: 0.95,
      n: 3,
      seed,
      maxTokens: 10,
    });
    const alone = await engine.generate([ask('4+4', 9)]);
    const together = await engine.generate([ask('7-4', 1), ask('4+4', 9), ask('1+', 2)]);
    expect(together[1]).toEqual(alone[0]);
    expect(new Set(together.flat().map((s) => s.text)).size).toBeGreaterThan(1);
    const { Generator } = await import('./generate.js');
    const small = new Generator(engine.model, engine.tokenizer, { slots: 2, maxRows: 3 });
    const chunked = await small.generate(
      [ask('7-4', 1), ask('4+4', 9)].map((r) => ({
        ...r,
        prompt: engine.tokenizer.encode(r.prompt),
      })),
    );
    small.free();
    expect(chunked[1]).toEqual(alone[0]);
    expect(chunked[0]).toEqual(together[0]);
  });

  it('same seed gives the same weights; another seed does not', async () => {
    const again = Engine.create({ config: SHAPE, tokenizer: tokenizer(), seed: 3 });
    await again.train(EXAMPLES, SETTINGS);
    expect(
      Buffer.from(again.model.params.buffer).equals(Buffer.from(engine.model.params.buffer)),
    ).toBe(true);
    const other = Engine.create({ config: SHAPE, tokenizer: tokenizer(), seed: 3 });
    await other.train(EXAMPLES, { ...SETTINGS, steps: 5, seed: 2 });
    const same = Engine.create({ config: SHAPE, tokenizer: tokenizer(), seed: 3 });
    await same.train(EXAMPLES, { ...SETTINGS, steps: 5 });
    expect(Array.from(other.model.params)).not.toEqual(Array.from(same.model.params));
  });

  it('saves and loads bit-exactly, and generates the same after loading', async () => {
    const dir = join(tempDir(), 'ckpt');
    await engine.save(dir);
    const loaded = await Engine.load(dir);
    expect(loaded.config).toEqual(engine.config);
    expect(loaded.tokenizer.toJSON()).toEqual(engine.tokenizer.toJSON());
    expect(
      Buffer.from(loaded.model.params.buffer).equals(Buffer.from(engine.model.params.buffer)),
    ).toBe(true);
    const ask = [{ prompt: '1+1', temperature: 0.8, n: 2, seed: 4, maxTokens: 8 }];
    expect(await loaded.generate(ask)).toEqual(await engine.generate(ask));
  });

  it('ends a sample at a stop string, at maxTokens, and at the end of the context', async () => {
    const prompt = encodePrompt(engine.tokenizer, [{ section: 'prompt', text: '4+4' }], 'response');
    const [[stopped], [limited]] = await engine.generate([
      { prompt, stop: [' ei'] },
      { prompt, maxTokens: 2 },
    ]);
    expect(stopped).toMatchObject({ text: '8', finishReason: 'stop' });
    expect(limited).toMatchObject({ text: '8 ', finishReason: 'length' });
    const long = Array.from({ length: 23 }, () => engine.tokenizer.encode('1')[0]);
    const [[full]] = await engine.generate([{ prompt: long, stopTokens: [] }]);
    expect(full.tokens.length).toBe(2);
    expect(full.finishReason).toBe('length');
  });
});
