// Tiny configs for tests (real engine, seconds per run): a 1-layer 32-wide model
// trained just long enough to write the section formats, so verdicts and refinements appear.
import { EQUATIONS_ALPHABET } from '../config/presets.js';
import type { RunConfigInput } from '../config/run-config.js';

/** A whole SELF run in a few seconds on 2 cores. */
export const TINY_CONFIG: RunConfigInput = {
  seed: 3,
  models: {
    student: {
      kind: 'embedded',
      new: {
        config: { dModel: 32, nLayers: 1, nHeads: 2, dFF: 64, contextLength: 256 },
        alphabet: EQUATIONS_ALPHABET,
      },
    },
  },
  task: {
    name: 'equations',
    params: { coefficient: [2, 3], solution: [0, 4], constant: [1, 5], forms: ['ax+b', 'b+ax'] },
  },
  data: { train: 400, test: 12 },
  base: { train: { steps: 250, batchSize: 32, learningRate: 1e-2 } },
  meta: { prompts: 96, train: { steps: 250, batchSize: 32, learningRate: 1e-2 } },
  evolve: {
    rounds: 1,
    prompts: 48,
    refine: 1,
    train: { steps: 10, batchSize: 16, learningRate: 3e-3 },
  },
  eval: { refine: 1 },
  generation: { chunk: 16, maxTokens: { response: 40, feedback: 64, refinement: 40 } },
};
