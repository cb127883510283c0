// Ready-made configs: `demo` (what `npm start` runs, about 15 minutes on 2 cores with its SFT
// twins trained beside its stages) and `quick` (about 2 minutes: a smaller model on easier
// equations, sized so the method's effect shows; the tests assert it; docs/results.md). `none` is
// the schema's defaults alone. `constraints-quick` is the quick run of the open-ended
// `constraints` task (scored critiques, docs/tasks.md).
import type { RunConfigInput } from './run-config.js';

/** Every character the equations task writes, so a fresh char-level tokenizer covers them all. */
export const EQUATIONS_ALPHABET = ' \n-+*/=:,.0123456789Sabcdefghijklmnopqrstuvwxyz';

/** Every character the `constraints` task writes (its prompts hold capitals; `uppercase` answers too). */
export const CONSTRAINTS_ALPHABET =
  ' \n-,.:/0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A fresh embedded student of shape `config`, with a char tokenizer over `alphabet`. */
export function newStudent(
  config: { dModel: number; nLayers: number; nHeads: number; dFF: number; contextLength: number },
  alphabet: string,
) {
  return { kind: 'embedded', new: { config, alphabet } } as const;
}

/** The demo's student: a fresh 0.4M-parameter embedded model with the task's alphabet. */
const STUDENT = newStudent(
  { dModel: 128, nLayers: 2, nHeads: 4, dFF: 352, contextLength: 320 },
  EQUATIONS_ALPHABET,
);

/** The quick preset's student: the same architecture at d_model 64 (about 0.1M parameters). */
const QUICK_STUDENT = newStudent(
  { dModel: 64, nLayers: 2, nHeads: 4, dFF: 176, contextLength: 256 },
  EQUATIONS_ALPHABET,
);

/** The quick preset's equations: a ∈ [2, 4], x ∈ [0, 9], b ∈ [1, 9], so c ≤ 45. */
const QUICK_EQUATIONS = { coefficient: [2, 4], solution: [0, 9], constant: [1, 9], right: [0, 45] };

// Batch 4 everywhere: at the same tokens per second as batch 32, eight times the optimizer steps,
// which is what the column critique needs to be learnt (docs/results.md, "What made it work").
/** The presets' names, as `--preset` takes them. */
export const PRESET_NAMES = ['demo', 'quick', 'none', 'constraints-quick'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const PRESETS: Record<PresetName, RunConfigInput> = {
  none: {},
  demo: {
    models: { student: STUDENT },
    data: { train: 3000, test: 300 },
    base: { train: { epochs: 5, batchSize: 4, learningRate: 7e-4 } },
    meta: {
      prompts: 2000,
      samples: 1,
      temperature: 0.5,
      qaMix: 1,
      train: { epochs: 12, batchSize: 4, learningRate: 7e-4 },
    },
    evolve: {
      rounds: 3,
      prompts: 2000,
      from: 'previous',
      refine: 1,
      temperature: 0.5,
      replayMeta: 0.6,
      train: { epochs: 2, batchSize: 4, learningRate: 3e-4 },
    },
    // The compute-matched SFT row beside SELF's (docs/results.md): the fair comparison first.
    controls: { sft: true },
    eval: { refine: 2 },
  },
  // Small enough to show the effect in about 2 minutes (docs/results.md, "The quick preset"): a
  // 0.1M-parameter student on equations with one-digit coefficients and solutions, whose checks
  // need only the multiples up to 4*9 and sums up to 45.
  quick: {
    models: { student: QUICK_STUDENT },
    task: { name: 'equations', params: QUICK_EQUATIONS },
    data: { train: 1000, test: 200 },
    base: { train: { epochs: 3, batchSize: 4, learningRate: 2e-3 } },
    meta: {
      prompts: 800,
      samples: 2,
      temperature: 0.5,
      qaMix: 1,
      references: 0.5,
      train: { epochs: 10, batchSize: 4, learningRate: 2e-3 },
    },
    evolve: {
      rounds: 2,
      prompts: 800,
      from: 'previous',
      refine: 1,
      temperature: 0.5,
      replayMeta: 0.3,
      train: { epochs: 2, batchSize: 4, learningRate: 5e-4 },
    },
    eval: { refine: 2 },
  },
  // About 2 minutes on 2 cores: a smaller model, short sections (a prompt is ~75 characters, a
  // critique at most ~130), a score line instead of a verdict.
  'constraints-quick': {
    task: { name: 'constraints' },
    models: {
      student: newStudent(
        { dModel: 96, nLayers: 2, nHeads: 4, dFF: 256, contextLength: 320 },
        CONSTRAINTS_ALPHABET,
      ),
    },
    data: { train: 1500, test: 100 },
    base: { train: { epochs: 5, batchSize: 4, learningRate: 1e-3 } },
    meta: {
      prompts: 600,
      temperature: 0.7,
      // The base model meets all five constraints rarely: critiques of reference answers teach
      // the full score (without them the model never gave 5/5 and rounds kept nothing).
      references: 0.5,
      train: { epochs: 4, batchSize: 4, learningRate: 1e-3 },
    },
    evolve: {
      rounds: 2,
      prompts: 200,
      from: 'previous',
      temperature: 0.7,
      replayMeta: 0.3,
      train: { epochs: 1, batchSize: 4, learningRate: 3e-4 },
    },
    eval: { refine: 2 },
    generation: { maxTokens: { response: 32, feedback: 100, refinement: 32 } },
  },
};
