// Unit tests of the loop's control flow with a scripted model (a function of the request, which
// records its calls), in the style of AI SDK mock models. The real engine runs it in pipeline tests.
import { describe, expect, it } from 'vitest';
import type { CompletionRequest, LanguageModel } from '../spec/language-model.js';
import { defineTask } from '../tasks/declarative-task.js';
import { EquationsTask } from '../tasks/equations/equations-task.js';
import { acceptedAttempt } from './evaluation.js';
import { refineLoop } from './refine-loop.js';
import { selfFilter } from './round-filters.js';
import { evolveSamples } from './self-evolution.js';

function scripted(
  reply: (r: CompletionRequest) => string,
): LanguageModel & { calls: CompletionRequest[] } {
  const calls: CompletionRequest[] = [];
  return {
    id: 'scripted',
    calls,
    async complete(requests) {
      calls.push(...requests);
      return requests.map((r) => ({
        texts: [reply(r)],
        finishReasons: ['stop'],
        usage: { inputTokens: 1, outputTokens: 2 },
      }));
    },
  };
}

const task = new EquationsTask();
const options = {
  refine: 2,
  temperature: 0.5,
  maxTokens: { response: 10, feedback: 20, refinement: 10 },
};

describe('refineLoop', () => {
  it('refines only on an explicit wrong verdict, up to k times, critiquing each refinement', async () => {
    // Prompt "A": first answer 1 judged wrong, refinement 2 judged correct.
    // Prompt "B": judged correct at once. Prompt "C": never a verdict. Prompt "D": always wrong.
    const model = scripted((r) => {
      const p = r.turns[0].text;
      const last = r.turns[r.turns.length - 1].text;
      if (r.next === 'response') return 'answer: 1';
      if (r.next === 'refinement')
        return `answer: ${Number(task.extractAnswer(r.turns[1].text)) + 1}`;
      if (p === 'B' || (p === 'A' && last === 'answer: 2')) return 'verdict: correct';
      if (p === 'C') return 'hmm';
      return 'verdict: wrong';
    });
    const prompts = ['A', 'B', 'C', 'D'].map((prompt, i) => ({ id: prompt, prompt, seed: i }));
    const traces = await refineLoop(model, task, prompts, options);
    expect(traces.map((t) => t.attempts.map((a) => `${a.text}|${a.verdict}`))).toEqual([
      ['answer: 1|wrong', 'answer: 2|correct'],
      ['answer: 1|correct'],
      ['answer: 1|null'],
      ['answer: 1|wrong', 'answer: 2|wrong', 'answer: 3|wrong'],
    ]);
    expect(traces.map((t) => selfFilter(task, t))).toEqual([
      { kept: true, reason: 'refined, self-verdict correct' },
      { kept: true, reason: 'self-verdict correct' },
      { kept: false, reason: 'no self-verdict' },
      { kept: false, reason: 'self-verdict wrong' },
    ]);
    // Feedback is greedy; the refinement sees prompt, previous attempt and its feedback.
    expect(model.calls.filter((c) => c.next === 'feedback').every((c) => c.temperature === 0)).toBe(
      true,
    );
    const refinement = model.calls.find((c) => c.next === 'refinement')!;
    expect(refinement.turns.map((t) => t.section)).toEqual(['prompt', 'response', 'feedback']);
    expect(traces[3].tokens).toBe(2 * 6);
  });

  it('gives each request a seed from its own prompt and step, whatever the batch', async () => {
    const seedsOf = async (ids: string[]) => {
      const model = scripted(() => 'verdict: wrong');
      await refineLoop(
        model,
        task,
        ids.map((id) => ({ id, prompt: id, seed: id.charCodeAt(0) })),
        options,
      );
      return model.calls.filter((c) => c.turns[0].text === 'X').map((c) => `${c.next}:${c.seed}`);
    };
    expect(await seedsOf(['X'])).toEqual(await seedsOf(['Y', 'X', 'Z']));
    expect(new Set(await seedsOf(['X'])).size).toBe(6);
  });
});

describe('self-consistency vote', () => {
  it('keeps one accepted answer per prompt that enough samples agree on', async () => {
    const answers = [1, 2, 1, 3, 5, 6, 7, 8];
    let n = 0;
    const model = scripted((r) =>
      r.next === 'response' ? `answer: ${answers[n++]}` : 'verdict: correct',
    );
    const prompts = ['A', 'B'].map((prompt, i) => ({ id: prompt, prompt, seed: i }));
    const samples = await evolveSamples({
      model,
      task,
      stage: 'round-1',
      chunk: 0,
      prompts,
      loop: { ...options, refine: 0 },
      vote: { samples: 4, agree: 2 },
    });
    expect(samples.map((s) => `${s.problemId}:${s.response}:${s.kept}`)).toEqual([
      'A:answer: 1:true',
      'A:answer: 2:false',
      'A:answer: 1:false',
      'A:answer: 3:false',
      'B:answer: 5:false',
      'B:answer: 6:false',
      'B:answer: 7:false',
      'B:answer: 8:false',
    ]);
    expect(samples[2].reason).toBe('another sample of this prompt was kept');
    expect(samples[1].reason).toBe('only 1 of 4 samples agree');
    expect(new Set(samples.map((s) => s.seed)).size).toBe(8);
  });
});

describe('refineLoop with scored critiques', () => {
  // Scores out of 10, kept at 7. Each prompt lists the score its critique gives attempt n.
  const scored = defineTask({
    name: 'scored',
    answer: { kind: 'regex', pattern: 'answer: (\\d+)' },
    score: { pattern: 'Score: (-?\\d+)', max: 10, threshold: 7 },
  });
  const scores: Record<string, (string | number)[]> = {
    rising: [2, 5, 9],
    stalls: [2, 4, 4, 8],
    falls: [6, 3, 9],
    reaches: [7],
    high: [12],
    none: ['no score here'],
  };
  const model = scripted((r) => {
    // The attempt under review (feedback) or being refined: always the response turn.
    const n = Number(/answer: (\d+)/.exec(r.turns[1]?.text ?? '')?.[1] ?? -1);
    if (r.next === 'response') return 'answer: 0';
    if (r.next === 'refinement') return `answer: ${n + 1}`;
    const s = scores[r.turns[0].text][n];
    return typeof s === 'number' ? `looks so-so.\nScore: ${s}/10` : s;
  });
  const prompts = Object.keys(scores).map((prompt, i) => ({ id: prompt, prompt, seed: i }));

  it('stops at the threshold or when the score stops improving, reading bad lines as no verdict', async () => {
    const traces = await refineLoop(model, scored, prompts, { ...options, refine: 5 });
    const view = (t: (typeof traces)[number]) =>
      t.attempts.map((a) => `${a.score ?? a.scoreProblem}|${a.verdict}`);
    expect(traces.map(view)).toEqual([
      ['2|wrong', '5|wrong', '9|correct'],
      ['2|wrong', '4|wrong', '4|wrong'],
      ['6|wrong', '3|wrong'],
      ['7|correct'],
      ['out-of-range|null'],
      ['missing|null'],
    ]);
    expect(traces.map((t) => selfFilter(scored, t))).toEqual([
      { kept: true, reason: 'refined, self-verdict correct' },
      { kept: false, reason: 'self-score 4 below the threshold' },
      { kept: false, reason: 'self-score 3 below the threshold' },
      { kept: true, reason: 'self-verdict correct' },
      { kept: false, reason: 'self-score out-of-range' },
      { kept: false, reason: 'self-score missing' },
    ]);
    // Online refinement answers with the best-scored attempt, the earliest of equals.
    expect(traces.map(acceptedAttempt)).toEqual([2, 1, 0, 0, 0, 0]);
  });
});
