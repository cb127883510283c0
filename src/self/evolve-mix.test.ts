// What a round and D_meta train on besides the kept answers: the kept samples' own critique and
// refinement episodes (evolve.episodes), and the teacher's critiques of reference solutions
// (meta.references). Both optional; off, the training sets are what they were.
import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../spec/run-store.js';
import { EquationsTask, EquationsTeacher } from '../tasks/equations/equations-task.js';
import { ScriptedLanguageModel } from '../testing/scripted-language-model.js';
import { metaExample } from './examples.js';
import { metaSkillSamples } from './meta-skills.js';
import { evolveTrainingSet, selfEpisodes } from './self-evolution.js';

const prompt = 'Solve for x: 2*x + 1 = 7';
const refined: SampleRecord = {
  stage: 'round-1',
  chunk: 0,
  index: 0,
  problemId: 'p',
  prompt,
  response: 'answer: 4',
  refinement: 'answer: 3',
  attempts: [
    { text: 'answer: 4', feedback: 'f0\nverdict: wrong', verdict: 'wrong' },
    { text: 'answer: 3', feedback: 'f1\nverdict: correct', verdict: 'correct' },
  ],
  kept: true,
  reason: 'refined, self-verdict correct',
  seed: 1,
  tokens: 9,
};

describe('evolve.episodes', () => {
  it("adds the accepted attempt's critique and the rejected one's critique with its refinement", () => {
    expect(selfEpisodes(refined)).toEqual([
      metaExample(prompt, 'answer: 3', 'f1\nverdict: correct'),
      metaExample(prompt, 'answer: 4', 'f0\nverdict: wrong', 'answer: 3'),
    ]);
    const dropped = { ...refined, kept: false };
    const off = evolveTrainingSet([refined, dropped], [], { replayMeta: 0, episodes: false });
    const on = evolveTrainingSet([refined, dropped], [], { replayMeta: 0, episodes: true });
    expect(off).toHaveLength(1);
    expect(on).toHaveLength(3);
    expect(on).toEqual(expect.arrayContaining(selfEpisodes(refined)));
  });
});

describe('meta.references', () => {
  it('critiques the reference solution of about that fraction of the problems, as correct', async () => {
    const task = new EquationsTask();
    const problems = task.generate(200, 3);
    const model = new ScriptedLanguageModel(() => 'answer: 99');
    const options = {
      student: model,
      task,
      teacher: new EquationsTeacher(),
      problems,
      chunk: 0,
      offset: 0,
      runSeed: 1,
      samples: 1,
      temperature: 0,
      maxTokens: 8,
      dropUnfixed: true,
    };
    const plain = await metaSkillSamples(options);
    const mixed = await metaSkillSamples({ ...options, references: 0.25 });
    expect(plain).toHaveLength(200);
    const extra = mixed.slice(200);
    expect(extra.length).toBeGreaterThan(30);
    expect(extra.length).toBeLessThan(70);
    for (const s of extra) {
      expect(s.response).toBe(problems.find((p) => p.id === s.problemId)?.solution);
      expect(s.verdict).toBe('correct');
      expect(s.reason).toMatch(/^reference, /);
    }
  });
});
