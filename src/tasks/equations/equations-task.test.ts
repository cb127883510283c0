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
  it('accepts a correct solution by substitution', async () => {
    const r = await teacher.review(problem, '7*x = 54 - 12 = 42\nx = 42 / 7 = 6\nanswer: 6');
    expect(r).toEqual({ feedback: 'check: 7*6 + 12 = 42 + 12 = 54, matches\nverdict: correct' });
  });

  it.each([
    ['7*x = 54 - 12 = 43\nx = 43 / 7 = 6\nanswer: 6', 'correct', undefined],
    [
      '7*x = 54 - 12 = 42\nx = 42 / 7 = 5\nanswer: 5',
      'wrong',
      'step 2 is wrong: 7*5 = 35, not 42.',
    ],
    [
      '7*x = 54 - 12 = 43\nx = 43 / 7 = 5\nanswer: 5',
      'wrong',
      'step 1 is wrong: 43 + 12 = 55, not 54.',
    ],
    [
      '7*x = 54 + 12 = 66\nx = 66 / 7 = 9\nanswer: 9',
      'wrong',
      'step 1 is wrong: it should be 54 - 12.',
    ],
    [
      '7*x = 54 - 12 = 42\nx = 42 / 6 = 7\nanswer: 7',
      'wrong',
      'step 2 is wrong: it should divide by 7.',
    ],
    [
      '7*x = 54 - 12 = 42\nx = 42 / 7 = 6\nanswer: 5',
      'wrong',
      'the answer line does not match step 2.',
    ],
  ])('names the first wrong step of %j', async (response, verdict, step) => {
    const r = await teacher.review(problem, response);
    expect(task.parseVerdict(r.feedback)).toBe(verdict);
    if (step) expect(r.feedback.split('\n')[1]).toBe(step);
    if (verdict === 'wrong') expect(task.isCorrect(r.refinement!, '6')).toBe(true);
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
