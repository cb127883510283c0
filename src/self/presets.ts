// Ready-made configs: `demo` (what `npm start` runs, about 15 minutes on 2 cores) and `quick`
// (2-3 minutes, for tests and a first look; weaker results: docs/results.md).
import type { SelfConfigInput } from './config.js';

/** Every character the equations task writes, so a fresh char-level tokenizer covers them all. */
export const EQUATIONS_ALPHABET = ' \n-+*/=:,.0123456789Sabcdefghijklmnopqrstuvwxyz';

const MODEL = {
  kind: 'embedded',
  id: 'new',
  meta: {
    config: { dModel: 128, nLayers: 2, nHeads: 4, dFF: 352, contextLength: 256 },
    alphabet: EQUATIONS_ALPHABET,
  },
};

export const PRESETS: Record<'demo' | 'quick', SelfConfigInput> = {
  demo: {
    model: MODEL,
    data: { train: 3000, test: 300 },
    base: { train: { epochs: 6, batchSize: 32, learningRate: 2e-3 } },
    meta: {
      prompts: 2000,
      samples: 1,
      temperature: 0.5,
      qaMix: 1,
      train: { epochs: 5, batchSize: 32, learningRate: 1e-3 },
    },
    evolve: {
      rounds: 3,
      prompts: 600,
      refine: 1,
      temperature: 0.5,
      replayMeta: 0.3,
      train: { epochs: 1, batchSize: 32, learningRate: 5e-4 },
    },
    eval: { refine: 2 },
  },
  quick: {
    model: MODEL,
    data: { train: 1000, test: 100 },
    base: { train: { epochs: 4, batchSize: 32, learningRate: 3e-3 } },
    meta: {
      prompts: 500,
      temperature: 0.5,
      train: { epochs: 2, batchSize: 32, learningRate: 2e-3 },
    },
    evolve: {
      rounds: 2,
      prompts: 150,
      temperature: 0.5,
      replayMeta: 0.3,
      train: { epochs: 1, batchSize: 32, learningRate: 1e-3 },
    },
    eval: { refine: 2 },
  },
};
