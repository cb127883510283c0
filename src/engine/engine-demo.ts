// The engine demo: a toy sequence task (reverse a word) learned from scratch by a small model,
// then answered greedily on words it never saw, and sampled with a temperature.
import type { SftExample } from '../spec/trainer.js';
import { Engine } from './engine.js';
import { encodePrompt } from './episode.js';
import type { Kernels } from './kernels/kernels.js';
import { Rng } from './rng.js';
import { Tokenizer } from './tokenizer.js';
import type { StepProgress } from './train.js';

export interface EngineDemoOptions {
  readonly kernels: Kernels;
  readonly seed?: number;
  /** Training steps (default 600). */
  readonly steps?: number;
  readonly onStep?: (progress: StepProgress) => void;
}

export interface EngineDemoResult {
  readonly task: string;
  readonly params: number;
  readonly steps: number;
  readonly lossFirst: number;
  readonly lossLast: number;
  readonly trainSeconds: number;
  readonly tokensPerSecond: number;
  /** Exact greedy answers on held-out words. */
  readonly accuracy: number;
  readonly tested: number;
  readonly examples: readonly { prompt: string; expected: string; output: string }[];
  readonly sampled: { readonly prompt: string; readonly texts: readonly string[] };
  /** The trained engine, for saving; the caller disposes it. */
  readonly engine: Engine;
}

const LETTERS = 'abcdefghij';

/** Distinct random words of 3-7 letters, deterministic for the seed. */
function words(count: number, rng: Rng, exclude: Set<string>): string[] {
  const out = new Set<string>();
  while (out.size < count) {
    const length = 3 + rng.int(5);
    const w = Array.from({ length }, () => LETTERS[rng.int(LETTERS.length)]).join('');
    if (!exclude.has(w)) out.add(w);
  }
  return [...out];
}

const reverse = (w: string) => [...w].reverse().join('');

/** Trains on 2,000 words and tests on 200 others. */
export async function runEngineDemo(options: EngineDemoOptions): Promise<EngineDemoResult> {
  const seed = options.seed ?? 1;
  const rng = new Rng(seed, 77);
  const train = words(2000, rng, new Set());
  const test = words(200, rng, new Set(train));
  const examples: SftExample[] = train.map((w) => ({
    turns: [
      { section: 'prompt', text: w, train: false },
      { section: 'response', text: reverse(w), train: true },
    ],
  }));
  const engine = Engine.create({
    config: { dModel: 64, nLayers: 2, nHeads: 4, dFF: 176, contextLength: 24 },
    tokenizer: Tokenizer.char(LETTERS),
    seed,
    kernels: options.kernels,
  });
  const steps = options.steps ?? 600;
  const result = await engine.train(
    examples,
    { steps, batchSize: 32, learningRate: 3e-3, warmupSteps: 30, seed },
    { onStep: options.onStep },
  );
  const ask = (w: string) =>
    encodePrompt(engine.tokenizer, [{ section: 'prompt', text: w }], 'response');
  const answers = await engine.generate(test.map((w) => ({ prompt: ask(w), maxTokens: 12 })));
  const outputs = answers.map((a) => a[0].text);
  const correct = outputs.filter((o, i) => o === reverse(test[i])).length;
  const sampledPrompt = test[0];
  const [sampled] = await engine.generate([
    { prompt: ask(sampledPrompt), temperature: 1, n: 4, seed, maxTokens: 12 },
  ]);
  return {
    task: 'reverse a word of 3-7 letters',
    params: engine.model.parameterCount,
    steps,
    lossFirst: result.losses[0],
    lossLast: result.losses.at(-1)!,
    trainSeconds: result.seconds,
    tokensPerSecond: result.tokensPerSecond,
    accuracy: correct / test.length,
    tested: test.length,
    examples: test
      .slice(0, 6)
      .map((w, i) => ({ prompt: w, expected: reverse(w), output: outputs[i] })),
    sampled: { prompt: sampledPrompt, texts: sampled.map((s) => s.text) },
    engine,
  };
}
