import { describe, expect, it } from 'vitest';
import { DEFAULT_EQUATION_PARAMS, generateEquations, parseEquation } from './equation.js';
import { EquationsTask, EquationsTeacher } from './equations-task.js';
import { parseSolution, workedSolution } from './solution.js';

const task = new EquationsTask();
const teacher = new EquationsTeacher();
const problem = { id: 'p', prompt: 'Solve for x: 7*x + 12 = 54', answer: '6' };

describe('equations generator', () => {
  it('is seedable and every problem reads back with its integer solution', () => {
    const a = task.generate(200, 5);
    expect(task.generate(200, 5)).toEqual(a);
    expect(task.generate(200, 6)).not.toEqual(a);
    for (const p of a) {
      const eq = parseEquation(p.prompt);
      expect(eq?.x).toBe(Number(p.answer));
      expect(task.isCorrect(p.solution!, p.answer!)).toBe(true);
    }
    const forms = new Set(generateEquations(200, 1, DEFAULT_EQUATION_PARAMS).map((e) => e.form));
    expect(forms.size).toBe(3);
  });

  it('writes the documented solution template', () => {
    expect(workedSolution(parseEquation(problem.prompt)!)).toBe(
      '7*x = 54 - 12 = 42\nx = 42 / 7 = 6\nanswer: 6',
    );
    expect(workedSolution(parseEquation('Solve for x: 3*x - 5 = -11')!)).toBe(
      '3*x = -11 + 5 = -6\nx = -6 / 3 = -2\nanswer: -2',
    );
    expect(workedSolution(parseEquation('Solve for x: 4 + 2*x = 10')!)).toBe(
      '2*x = 10 - 4 = 6\nx = 6 / 2 = 3\nanswer: 3',
    );
  });
});

describe('answer extraction and verdicts', () => {
  it('reads the last answer line and compares integers', () => {
    expect(task.extractAnswer('x = 1\nanswer: 5\nanswer: -7')).toBe('-7');
    expect(task.extractAnswer('no answer here')).toBeUndefined();
    expect(task.isCorrect('answer: 06', '6')).toBe(true);
    expect(task.isCorrect('answer: 5', '6')).toBe(false);
  });

  it('parses the verdict line', () => {
    expect(task.parseVerdict('check: ...\nverdict: wrong')).toBe('wrong');
    expect(task.parseVerdict('verdict: Correct')).toBe('correct');
    expect(task.parseVerdict('check: 1 = 1')).toBeUndefined();
  });
});

describe('the programmatic teacher', () => {
  it('accepts a correct solution, checking each step forward', async () => {
    const r = await teacher.review(problem, '7*x = 54 - 12 = 42\nx = 42 / 7 = 6\nanswer: 6');
    expect(r).toEqual({
      feedback: 'step 2: 7*6 = 42, ok\nstep 1: 42 + 12 = 54, ok\nverdict: correct',
    });
  });

  it.each([
    [
      '7*x = 54 - 12 = 42\nx = 42 / 7 = 5\nanswer: 5',
      'step 2: 7*5 = 35, not 42\nstep 1: 42 + 12 = 54, ok',
    ],
    [
      '7*x = 54 - 12 = 49\nx = 49 / 7 = 7\nanswer: 7',
      'step 2: 7*7 = 49, ok\nstep 1: 49 + 12 = 61, not 54',
    ],
    [
      '7*x = 54 + 12 = 66\nx = 66 / 7 = 9\nanswer: 9',
      'step 2: 7*9 = 63, not 66\nstep 1: should be 7*x = 54 - 12',
    ],
    [
      '7*x = 54 - 12 = 42\nx = 42 / 6 = 7\nanswer: 7',
      'step 2: should divide by 7\nstep 1: 42 + 12 = 54, ok',
    ],
    [
      '7*x = 54 - 12 = 42\nx = 42 / 7 = 6\nanswer: 5',
      'step 2: 7*6 = 42, ok\nstep 1: 42 + 12 = 54, ok\nanswer does not match step 2',
    ],
    [
      '7*x = 54 - 12 = 42\nx = 48 / 7 = 7\nanswer: 7',
      'step 2: 7*7 = 49, not 48\nstep 1: 42 + 12 = 54, ok\nstep 2 should divide 42',
    ],
  ])('checks every step of %j', async (response, checks) => {
    const r = await teacher.review(problem, response);
    expect(r.feedback).toBe(`${checks}\nverdict: wrong`);
    expect(task.parseVerdict(r.feedback)).toBe('wrong');
    expect(task.isCorrect(r.refinement!, '6')).toBe(true);
  });

  it('checks the subtraction of a*x - b = c by undoing it', async () => {
    const r = await teacher.review(
      { id: 'q', prompt: 'Solve for x: 3*x - 5 = 10' },
      '3*x = 10 + 5 = 16\nx = 16 / 3 = 6\nanswer: 6',
    );
    expect(r.feedback).toBe(
      'step 2: 3*6 = 18, not 16\nstep 1: 16 - 5 = 11, not 10\nverdict: wrong',
    );
  });

  it('rejects a response without an answer line', async () => {
    const r = await teacher.review(problem, 'x is big');
    expect(r.feedback).toBe('no answer line.\nverdict: wrong');
  });

  it('reads every step of its own template', () => {
    expect(parseSolution('7*x = 54 - 12 = 42\nx = 42 / 7 = 6\nanswer: 6')).toEqual({
      isolate: { a: 7, left: 54, op: '-', right: 12, result: 42 },
      divide: { dividend: 42, divisor: 7, result: 6 },
      answer: 6,
    });
  });
});
