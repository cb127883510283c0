// Tiny configs for tests (real engine, seconds per run): a 1-layer 32-wide model
// trained just long enough to write the section formats, so verdicts and refinements appear.
import {
  CONSTRAINTS_ALPHABET,
  EQUATIONS_ALPHABET,
  newStudent,
  PRESETS,
} from '../config/presets.js';
import { mergeConfig, type RunConfigInput } from '../config/run-config.js';

/** A whole SELF run in a few seconds on 2 cores. */
export const TINY_CONFIG: RunConfigInput = {
  seed: 3,
  models: {
    student: newStudent(
      { dModel: 32, nLayers: 1, nHeads: 2, dFF: 64, contextLength: 256 },
      EQUATIONS_ALPHABET,
    ),
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

/**
 * The `constraints-quick` preset (the open-ended task, scored critiques) cut down to a run of
 * seconds: a 1-layer model, small data, one round with up to two refinements.
 */
export const TINY_CONSTRAINTS_CONFIG: RunConfigInput = mergeConfig(PRESETS['constraints-quick'], {
  seed: 2,
  models: {
    student: newStudent(
      { dModel: 48, nLayers: 1, nHeads: 2, dFF: 96, contextLength: 320 },
      CONSTRAINTS_ALPHABET,
    ),
  },
  data: { train: 400, test: 24 },
  base: { train: { steps: 250, batchSize: 16, learningRate: 1e-2 } },
  meta: { prompts: 128, train: { steps: 300, batchSize: 16, learningRate: 1e-2 } },
  evolve: {
    rounds: 1,
    prompts: 64,
    refine: 2,
    train: { steps: 10, batchSize: 16, learningRate: 3e-3 },
  },
  eval: { refine: 2 },
  generation: { chunk: 32 },
});
