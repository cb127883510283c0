// Preference pairs come only from samples the model itself judged: first answer rejected by its
// feedback, refinement accepted (kept).
import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../spec/run-store.js';
import { roundPreferences } from './preference-pairs.js';

const sample = (over: Partial<SampleRecord>): SampleRecord => ({
  stage: 'round-1',
  chunk: 0,
  index: 0,
  problemId: 'p',
  prompt: 'Solve for x: 2*x = 6',
  response: 'answer: 4',
  attempts: [],
  kept: true,
  reason: '',
  seed: 1,
  tokens: 3,
  ...over,
});

describe('roundPreferences', () => {
  it('pairs the accepted refinement over the rejected first answer, and nothing else', () => {
    const samples = [
      sample({ verdict: 'wrong', refinement: 'answer: 3' }),
      sample({ verdict: 'wrong', refinement: 'answer: 5', kept: false }),
      sample({ verdict: 'correct' }),
      sample({ verdict: 'wrong' }),
    ];
    expect(roundPreferences(samples)).toEqual([
      {
        turns: [{ section: 'prompt', text: 'Solve for x: 2*x = 6' }],
        next: 'response',
        chosen: 'answer: 3',
        rejected: 'answer: 4',
      },
    ]);
  });
});
