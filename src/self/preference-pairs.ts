// Preference pairs from a self-evolution round, for trainers that do preference tuning (DPO): the
// refinement chosen over the first answer, where the model's own feedback rejected that answer and
// accepted the refinement. Built from the same stored samples as the SFT data; no labels involved.
import type { SampleRecord } from '../spec/run-store.js';
import type { PreferencePair } from '../spec/trainer.js';

/** The round's (refinement ≻ first answer) pairs, in sample order. */
export function roundPreferences(samples: readonly SampleRecord[]): PreferencePair[] {
  return samples
    .filter((s) => s.kept && s.verdict === 'wrong' && s.refinement !== undefined)
    .map((s) => ({
      turns: [{ section: 'prompt', text: s.prompt }],
      next: 'response',
      chosen: s.refinement!,
      rejected: s.response,
    }));
}
