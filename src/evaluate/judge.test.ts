// Judged evaluation as a library: judges behind a real OpenAI-compatible server on 127.0.0.1,
// reached through the one model factory (the AI SDK provider). The hosted LLM judge is the one
// thing faked: scripted judges (fair, position-biased, mute, a scorer) answer behind the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../runtime/model-factory.js';
import { type RunningServer, startServer } from '../server/start-server.js';
import type { Judge } from '../spec/judge.js';
import type { Problem } from '../spec/task.js';
import { createTask } from '../tasks/task-registry.js';
import { answerInSlot, scriptedJudges } from '../testing/scripted-judges.js';
import { modelJudge, programmaticJudge, taskGrade } from './judge.js';
import { parsePairwiseVerdict, parseRubricScore } from './judge-verdicts.js';
import { judgePairwise } from './pairwise.js';
import { scoreWithRubric } from './rubric.js';
import { wilsonInterval } from './win-rate.js';

const slot = answerInSlot;
const { fair, biased, mute, scorer } = scriptedJudges();

let server: RunningServer;
const judges: Record<string, Judge> = {};

beforeAll(async () => {
  const models = { fair, biased, mute, scorer };
  server = await startServer({
    port: 0,
    models: Object.entries(models).map(([name, model]) => ({ name, model })),
  });
  for (const name of Object.keys(models)) {
    const model = await createModel({
      kind: 'openai-compatible',
      baseURL: server.baseURL,
      model: name,
    });
    judges[name] = modelJudge(model);
  }
});
afterAll(() => server.close());

const problem = (i: number): Problem => ({ id: `p${i}`, prompt: `Question ${i}?` });
// Wins on p0 and p3, a loss on p1, a tie on p2 (both good).
const pairs = [
  { problem: problem(0), answer: 'GOOD 0', baseline: 'bad 0' },
  { problem: problem(1), answer: 'bad 1', baseline: 'GOOD 1' },
  { problem: problem(2), answer: 'GOOD 2', baseline: 'GOOD 2b' },
  { problem: problem(3), answer: 'GOOD 3', baseline: 'bad 3' },
];

describe('judgePairwise', () => {
  it('judges each pair in both orders and counts wins, ties and losses', async () => {
    const before = fair.requests.length;
    const report = await judgePairwise({ judge: judges.fair, pairs });
    // The server saw both orders of every pair: the model's answer as A, then as B.
    const seen = fair.requests.slice(before).map((r) => r.turns[0].text);
    expect(seen).toHaveLength(8);
    pairs.forEach((p, i) => {
      expect([slot(seen[2 * i], 'A'), slot(seen[2 * i], 'B')]).toEqual([p.answer, p.baseline]);
      expect([slot(seen[2 * i + 1], 'A'), slot(seen[2 * i + 1], 'B')]).toEqual([
        p.baseline,
        p.answer,
      ]);
    });
    expect(report).toMatchObject({ pairs: 4, wins: 2, ties: 1, losses: 1, unparseable: 0 });
    expect(report.judgements.map((j) => j.outcome)).toEqual(['win', 'loss', 'tie', 'win']);
    expect(report.inconsistent).toBe(0);
    expect(report.win_rate).toBe(0.625);
    // Wilson 95% interval for 0.625 over 4 (computed independently).
    expect(report.ci95?.low).toBeCloseTo(0.219427, 5);
    expect(report.ci95?.high).toBeCloseTo(0.908101, 5);
    expect(report.ci95?.method).toBe('wilson');
  });

  it('turns a judge that always says "A" into all ties', async () => {
    const report = await judgePairwise({ judge: judges.biased, pairs });
    expect(report).toMatchObject({ wins: 0, ties: 4, losses: 0, unparseable: 0, inconsistent: 4 });
    expect(report.win_rate).toBe(0.5);
  });

  it('counts answers that name neither answer as unparseable, never as a verdict', async () => {
    const report = await judgePairwise({ judge: judges.mute, pairs });
    expect(report).toMatchObject({ wins: 0, ties: 0, losses: 0, unparseable: 4 });
    expect(report.unparseable_answers).toBe(8);
    expect(report.win_rate).toBeNull();
    expect(report.ci95).toBeNull();
    expect(report.judgements[0].orders[0].unparseable).toContain('Verdict');
  });
});

describe('scoreWithRubric', () => {
  it('reports the mean and the distribution, and counts off-scale scores as unparseable', async () => {
    const items = [
      { problem: problem(0), answer: 'GOOD' },
      { problem: problem(1), answer: 'bad' },
      { problem: problem(2), answer: 'GOOD too' },
      { problem: problem(3), answer: 'ODD' },
    ];
    const report = await scoreWithRubric({ judge: judges.scorer, items, rubric: 'Be right.' });
    expect(report).toMatchObject({ n: 4, scored: 3, unparseable: 1 });
    expect(report.mean).toBeCloseTo(19 / 3, 10);
    expect(report.distribution).toMatchObject({ '1': 0, '3': 1, '8': 2, '10': 0 });
    expect(report.judgements[3].unparseable).toContain('outside the scale 1-10');
    // The rubric and the scale reached the judge.
    const last = scorer.requests[scorer.requests.length - 1].turns[0].text;
    expect(last).toContain('[Rubric]\nBe right.');
    expect(last).toContain('from 1 (worst) to 10 (best)');
  });
});

describe('programmaticJudge', () => {
  const { task } = createTask('equations');
  const judge = programmaticJudge(taskGrade(task), { id: 'equations' });
  const eq = { id: 'e', prompt: 'Solve for x: 2*x + 1 = 7', answer: '3' };

  it('decides by the grade and answers in the templates format', async () => {
    const right = 'x = 3\nAnswer: 3';
    const wrong = 'x = 4\nAnswer: 4';
    expect(task.isCorrect(right, '3')).toBe(true);
    const report = await judgePairwise({
      judge,
      pairs: [
        { problem: eq, answer: right, baseline: wrong },
        { problem: eq, answer: wrong, baseline: right },
        { problem: eq, answer: right, baseline: right },
      ],
    });
    expect(report.judgements.map((j) => j.outcome)).toEqual(['win', 'loss', 'tie']);
    const rubric = await scoreWithRubric({
      judge,
      items: [
        { problem: eq, answer: right },
        { problem: eq, answer: wrong },
      ],
      rubric: 'right answer',
      scale: { min: 0, max: 4 },
    });
    expect(rubric.judgements.map((j) => j.score)).toEqual([4, 0]);
  });

  it('gives no verdict where it cannot grade (no reference answer): unparseable', async () => {
    const report = await judgePairwise({
      judge,
      pairs: [{ problem: { id: 'u', prompt: eq.prompt }, answer: 'x = 3', baseline: 'x = 4' }],
    });
    expect(report).toMatchObject({ unparseable: 1, unparseable_answers: 2, win_rate: null });
  });

  it('grades a scored task by its graded score, so the better of two wrong answers wins', async () => {
    const { task: words } = createTask('constraints');
    const graded = programmaticJudge(taskGrade(words), { id: 'constraints' });
    const [problem] = words.generate?.(1, 3) ?? [];
    const right = words.formatAnswer?.(problem.answer ?? '') ?? '';
    const grade = (text: string) => words.score?.grade?.(problem, text) ?? Number.NaN;
    // The right answer less its last word: four of five constraints (the count broken).
    const near = right.replace(/[^A-Za-z]+[A-Za-z]+$/, '');
    expect(grade(right)).toBe(1);
    expect(grade(near)).toBe(0.8);
    expect(grade('Zq')).toBeLessThan(0.8);
    expect(words.isCorrect(near, problem.answer ?? '')).toBe(false);
    const report = await judgePairwise({
      judge: graded,
      pairs: [
        { problem, answer: near, baseline: 'Zq' },
        { problem, answer: near, baseline: right },
        { problem, answer: near, baseline: near },
      ],
    });
    expect(report.judgements.map((j) => j.outcome)).toEqual(['win', 'loss', 'tie']);
  });
});

describe('the strict readers', () => {
  it('read only a final verdict or score line', () => {
    expect(parsePairwiseVerdict('Reasons.\n**Verdict: B**')).toEqual({ value: 'B' });
    expect(parsePairwiseVerdict('verdict: TIE.')).toEqual({ value: 'tie' });
    for (const text of ['Verdict: A or B', 'I prefer A.', 'Verdict: A\nOn reflection, B.', ''])
      expect(parsePairwiseVerdict(text)).toHaveProperty('unparseable');
    const scale = { min: 1, max: 10 };
    expect(parseRubricScore('ok\nScore: 7/10', scale)).toEqual({ value: 7 });
    for (const text of ['Score: 7.5', 'Score: 0', 'Score: 7/5', 'seven'])
      expect(parseRubricScore(text, scale)).toHaveProperty('unparseable');
  });

  it('Wilson: the interval of a proportion', () => {
    const ci = wilsonInterval(1, 3);
    expect(ci?.low).toBeCloseTo(0.438503, 5);
    expect(ci?.high).toBe(1);
    expect(wilsonInterval(0.5, 0)).toBeNull();
  });
});
