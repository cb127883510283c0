// `self-evolve eval --judge`: judged evaluation end to end through the CLI. The student, the
// baseline model and the judges answer behind a real OpenAI-compatible server on 127.0.0.1; the
// hosted LLM judge is the one thing faked (scripted judges, src/testing/scripted-judges.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedTrainer, NEW_MODEL_ID } from '../../engine/index.js';
import { openRunStore } from '../../runtime/run-session.js';
import { type RunningServer, startServer } from '../../server/start-server.js';
import { answerInSlot, scriptedJudges } from '../../testing/scripted-judges.js';
import { ScriptedLanguageModel } from '../../testing/scripted-language-model.js';
import { TINY_CONFIG } from '../../testing/test-configs.js';
import { runCli } from '../cli-harness.js';

const judges = scriptedJudges();
// Good answers to q0 and q2; on equations, "x = 3" (right for e0, wrong for e1).
const student = new ScriptedLanguageModel((r) => {
  const prompt = r.turns[0].text;
  if (prompt.startsWith('Solve')) return 'x = 3\nAnswer: 3';
  return /Question [02]/.test(prompt) ? `GOOD answer to ${prompt}` : `bad answer to ${prompt}`;
});
const other = new ScriptedLanguageModel(() => 'GOOD other answer');

let server: RunningServer;
let deadURL: string;
const dir = mkdtempSync(join(tmpdir(), 'eval-judge-'));
const at = (name: string) => join(dir, name);
const write = (name: string, lines: unknown[] | string) => {
  writeFileSync(
    at(name),
    typeof lines === 'string' ? lines : lines.map((l) => JSON.stringify(l)).join('\n'),
  );
  return at(name);
};

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

beforeAll(async () => {
  const models = { student, other, ...judges };
  server = await startServer({
    port: 0,
    models: Object.entries(models).map(([name, model]) => ({ name, model })),
  });
  deadURL = `http://127.0.0.1:${await closedPort()}/v1`;
  const http = (model: string) => ({ kind: 'openai-compatible', baseURL: server.baseURL, model });
  write(
    'judge.json',
    JSON.stringify({
      task: { name: 'equations' },
      models: {
        student: http('student'),
        other: http('other'),
        fair: http('fair'),
        biased: http('biased'),
        mute: http('mute'),
        scorer: http('scorer'),
        grader: { kind: 'checker' },
        dead: { kind: 'openai-compatible', baseURL: deadURL, model: 'x' },
      },
    }),
  );
  // Prompts without reference answers: a judge needs none.
  write(
    'questions.jsonl',
    [0, 1, 2, 3].map((i) => ({ id: `q${i}`, prompt: `Question ${i}?` })),
  );
  // The baseline: a win on q0, a loss on q1, a tie on q2 (both good) and q3 (both bad; by prompt).
  write('baseline.jsonl', [
    { id: 'q0', answer: 'bad b0' },
    { id: 'q1', answer: 'GOOD b1' },
    { id: 'q2', answer: 'GOOD b2' },
    { prompt: 'Question 3?', answer: 'bad b3' },
  ]);
  write('rubric.txt', 'A good answer is correct and complete.');
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const base = ['eval', '--model', 'student', '--config', at('judge.json'), '--refine', '0'];

/** Runs eval with --json; it must succeed. */
async function evalJson(args: string[]) {
  const r = await runCli([...args, '--json']);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out);
}
const onQuestions = [...base, '--data', at('questions.jsonl')];

describe('eval --judge, pairwise', () => {
  it('judges both orders, counts win/tie/loss with a Wilson interval, and caches every judgement', async () => {
    const args = [...onQuestions, '--judge', 'fair', '--baseline-file', at('baseline.jsonl')];
    const before = judges.fair.requests.length;
    const report = await evalJson(args);
    expect(report).toMatchObject({
      judge: 'fair',
      baseline: `file:${at('baseline.jsonl')}`,
      pairwise: { pairs: 4, wins: 1, ties: 2, losses: 1, unparseable: 0, win_rate: 0.5 },
    });
    expect(report.pairwise.ci95.method).toBe('wilson');
    expect(report.pairwise.ci95.low).toBeCloseTo(0.150039, 5);
    expect(report.pairwise.ci95.high).toBeCloseTo(0.849961, 5);
    // Both orders reached the judge's server: the student's answer as A, then as B.
    const asked = judges.fair.requests.slice(before).map((r) => r.turns[0].text);
    expect(asked).toHaveLength(8);
    expect(answerInSlot(asked[0], 'A')).toBe('GOOD answer to Question 0?');
    expect(answerInSlot(asked[1], 'B')).toBe('GOOD answer to Question 0?');
    expect(answerInSlot(asked[1], 'A')).toBe('bad b0');

    // The same evaluation again: every judgement (and answer) comes from the cache.
    const judged = judges.fair.requests.length;
    const answered = student.requests.length;
    expect((await evalJson(args)).pairwise).toEqual(report.pairwise);
    expect(judges.fair.requests.length).toBe(judged);
    expect(student.requests.length).toBe(answered);

    // --no-cache asks the judge again.
    await evalJson([...args, '--no-cache']);
    expect(judges.fair.requests.length).toBe(judged + 8);
  });

  it('makes a judge that always says "A" come out all ties (a baseline model, as a table)', async () => {
    const r = await runCli([...onQuestions, '--judge', 'biased', '--baseline-model', 'other']);
    expect(r.code, r.err).toBe(0);
    expect(other.requests.length).toBeGreaterThan(0);
    expect(r.out).toMatch(/wins\s+0\s+0\.0%/);
    expect(r.out).toMatch(/ties\s+4\s+100\.0%/);
    expect(r.out).toMatch(
      /win rate 50\.0% \(95% CI 15\.0%-85\.0%, Wilson\)\n4 of 4 decided pairs judged differently/,
    );
  });

  it('counts a judge answer naming neither answer as unparseable', async () => {
    const args = [...onQuestions, '--judge', 'mute', '--baseline-file', at('baseline.jsonl')];
    const out = at('mute-judgements.jsonl');
    const report = await evalJson([...args, '--judgements', out]);
    expect(report.pairwise).toMatchObject({
      wins: 0,
      ties: 0,
      losses: 0,
      unparseable: 4,
      unparseable_answers: 8,
      win_rate: null,
      ci95: null,
    });
    // Each judgement is written out with what the judge said and why it did not count.
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      kind: 'pairwise',
      id: 'q0',
      answer: 'GOOD answer to Question 0?',
      baseline: 'bad b0',
      outcome: 'unparseable',
    });
    expect(lines[0].orders[1]).toMatchObject({
      first: 'baseline',
      text: 'Both answers have merit; I cannot choose.',
      verdict: null,
    });
    expect(lines[0].orders[1].unparseable).toMatch(/no final "Verdict: A"/);
    // An existing judgements file is replaced only with --force, and refused before any call.
    const asked = judges.mute.requests.length;
    const again = await runCli([...args, '--judgements', out, '--no-cache']);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/mute-judgements\.jsonl: already exists/);
    expect(judges.mute.requests.length).toBe(asked);
    await evalJson([...args, '--judgements', out, '--force']);
  });

  it('reads the pairwise template from a file', async () => {
    const template = write(
      'pairwise.txt',
      'CUSTOM JUDGE on {prompt}\n[Answer A]\n{answer_a}\n[End of answer A]\n[Answer B]\n{answer_b}\n[End of answer B]\nEnd with "Verdict: A", "Verdict: B" or "Verdict: tie".',
    );
    const before = judges.fair.requests.length;
    const report = await evalJson([
      ...onQuestions,
      ...['--judge', 'fair', '--baseline-file', at('baseline.jsonl')],
      ...['--pairwise-template', template],
    ]);
    expect(judges.fair.requests[before].turns[0].text).toMatch(/^CUSTOM JUDGE on Question 0\?/);
    expect(report.pairwise).toMatchObject({ wins: 1, ties: 2, losses: 1 });
  });

  it('judges programmatically with a checker entry: the task decides against the reference', async () => {
    const problems = write('equations.jsonl', [
      { id: 'e0', prompt: 'Solve for x: 2*x + 1 = 7', answer: '3' },
      { id: 'e1', prompt: 'Solve for x: 2*x + 1 = 11', answer: '5' },
    ]);
    const baseline = write('eq-baseline.jsonl', [
      { id: 'e0', answer: 'x = 4\nAnswer: 4' },
      { id: 'e1', answer: 'x = 5\nAnswer: 5' },
    ]);
    const report = await evalJson([
      ...[...base, '--data', problems, '--judge', 'grader', '--baseline-file', baseline],
    ]);
    expect(report).toMatchObject({
      direct_acc: 0.5,
      judge_id: 'programmatic:equations',
      pairwise: { wins: 1, losses: 1, ties: 0 },
    });
  });
});

describe('eval --judge, rubric', () => {
  it('reports the mean and distribution of the scores', async () => {
    const args = [...onQuestions, '--judge', 'scorer', '--rubric', at('rubric.txt')];
    expect((await evalJson(args)).rubric).toMatchObject({
      n: 4,
      scored: 4,
      unparseable: 0,
      mean: 5.5,
      scale: { min: 1, max: 10 },
      distribution: { '3': 2, '8': 2, '1': 0 },
    });
    const table = await runCli(args);
    expect(table.out).toMatch(/mean 5\.50 over 4 answers · 0 of 4 judge answers unparseable/);
    expect(table.out).toMatch(/^8\s+2$/m);
  });

  it('counts a score off the declared scale as unparseable', async () => {
    const args = [...onQuestions, '--judge', 'scorer', '--rubric', at('rubric.txt')];
    // 8 is off a 1-5 scale; 3 is on it.
    expect((await evalJson([...args, '--scale', '1-5'])).rubric).toMatchObject({
      scored: 2,
      unparseable: 2,
      mean: 3,
    });
  });
});

describe('eval --judge with a run: another stage as the baseline', () => {
  const runs = at('runs');
  beforeAll(async () => {
    const store = openRunStore(runs);
    const runDir = join(runs, 'r');
    store.createRun({ name: 'r', config: TINY_CONFIG, seed: 3, dir: runDir });
    const engine = new EmbeddedTrainer({ outputDir: runDir, kernels: 'js' });
    const shape = { config: { dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, contextLength: 96 } };
    for (const [i, name] of ['base', 'meta'].entries()) {
      const m = await engine.open({ kind: 'embedded', id: NEW_MODEL_ID, meta: shape }, i + 1, []);
      await m.save(join(runDir, 'models', name));
      m.dispose();
      store.putModel('r', {
        name,
        ref: { kind: 'embedded', id: join(runDir, 'models', name) },
        createdAt: new Date().toISOString(),
      });
    }
    await engine.close();
    store.close();
  });
  const onRun = (...more: string[]) => [
    ...['eval', '--run', 'r', '--runs-dir', runs, '--config', at('judge.json')],
    ...['--n', '2', '--refine', '0', '--judge', 'fair', ...more],
  ];

  it("judges a stage's answers against another stage's", async () => {
    const before = judges.fair.requests.length;
    const report = await evalJson(onRun('--stage', 'meta', '--baseline-stage', 'base'));
    expect(report).toMatchObject({
      stage: 'meta',
      baseline: 'stage:base',
      pairwise: { pairs: 2 },
    });
    expect(judges.fair.requests.length).toBe(before + 4);
  });

  it('refuses an unknown baseline stage before any work', async () => {
    const before = judges.fair.requests.length;
    const r = await runCli(onRun('--baseline-stage', 'round-9'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/field "--baseline-stage": run "r" has no model "round-9"/);
    expect(r.err).toMatch(/models: base, meta/);
    expect(judges.fair.requests.length).toBe(before);
  });
});

describe('eval --judge, bad input: a clear error before any work', () => {
  const nothingAsked = async (args: string[], code: number, message: RegExp) => {
    const calls = student.requests.length + judges.fair.requests.length;
    const r = await runCli(args);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(student.requests.length + judges.fair.requests.length).toBe(calls);
  };

  it('a baseline file with a missing field (file:line field)', async () => {
    const bad = write('bad-baseline.jsonl', [{ id: 'q0', answer: 'x' }, { id: 'q1' }]);
    await nothingAsked(
      [...onQuestions, '--judge', 'fair', '--baseline-file', bad],
      2,
      /bad-baseline\.jsonl:2 field "answer": is missing/,
    );
    const noId = write('no-id.jsonl', [{ answer: 'x' }]);
    await nothingAsked(
      [...onQuestions, '--judge', 'fair', '--baseline-file', noId],
      2,
      /no-id\.jsonl:1 field "id": needs an "id"/,
    );
  });

  it('a baseline file without an answer for a problem', async () => {
    const short = write('short.jsonl', [{ id: 'q0', answer: 'x' }]);
    await nothingAsked(
      [...onQuestions, '--judge', 'fair', '--baseline-file', short],
      2,
      /short\.jsonl: has no answer for problem "q1"/,
    );
  });

  it('an unreachable judge', async () => {
    await nothingAsked(
      [...onQuestions, '--judge', 'dead', '--baseline-file', at('baseline.jsonl')],
      1,
      new RegExp(
        `cannot reach the judge at ${deadURL.replace(/[./]/g, '\\$&')} \\(connection refused`,
      ),
    );
  });

  it('a judge the config does not name, a judge flag without --judge, no baseline or rubric, a bad template, a bad scale', async () => {
    const judged = [...onQuestions, '--baseline-file', at('baseline.jsonl')];
    await nothingAsked([...judged, '--judge', 'nope'], 2, /field "--judge": no model named "nope"/);
    await nothingAsked(
      [...onQuestions, '--rubric', at('rubric.txt')],
      2,
      /field "--rubric": needs --judge/,
    );
    await nothingAsked(
      [...onQuestions, '--judge', 'fair'],
      2,
      /needs a baseline to compare with or a rubric/,
    );
    const template = write('bad-template.txt', '{answer_a} {answer_c}');
    await nothingAsked(
      [...judged, '--judge', 'fair', '--pairwise-template', template],
      2,
      /bad-template\.txt: unknown placeholder \{answer_c\}/,
    );
    await nothingAsked(
      [...onQuestions, '--judge', 'fair', '--rubric', at('rubric.txt'), '--scale', '10-1'],
      2,
      /field "--scale": must be "min-max"/,
    );
  });
});
