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
    expect(a.every((p) => parseEquation(p.prompt)!.c >= 0)).toBe(true);
  });

  it('draws from the whole range, and refuses ranges with no non-negative equation', () => {
    const eqs = generateEquations(3000, 2, DEFAULT_EQUATION_PARAMS);
    expect(Math.max(...eqs.map((e) => e.b))).toBe(99);
    expect(Math.max(...eqs.map((e) => e.c))).toBe(99);
    expect(Math.min(...eqs.map((e) => e.c))).toBe(0);
    const perForm = (f: string) => eqs.filter((e) => e.form === f).length;
    expect(perForm('ax-b')).toBeGreaterThan(900);
    expect(perForm('ax+b')).toBeGreaterThan(900);
    const negative = {
      ...DEFAULT_EQUATION_PARAMS,
      solution: [-9, -5] as const,
      constant: [1, 2] as const,
    };
    expect(() => generateEquations(10, 1, negative)).toThrow(/no equation fits/);
    const free = generateEquations(50, 1, { ...negative, right: undefined });
    expect(free.some((e) => e.c < 0)).toBe(true);
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

describe('the programmatic teacher (column critique)', () => {
  it('accepts a correct solution by substitution, one digit at a time', async () => {
    const r = await teacher.review(problem, '7*x = 54 - 12 = 42\nx = 42 / 7 = 6\nanswer: 6');
    expect(r).toEqual({
      feedback: '7*6=42, 42+12: 2+2=4, 4 vs 4 ok, 4+1=5, 5 vs 5 ok\nverdict: correct',
    });
  });

  it.each([
    [
      '7*x = 54 - 12 = 35\nx = 35 / 7 = 5\nanswer: 5',
      '7*5=35, 35+12: 5+2=7, 7 vs 4 no\nstep 1: 54-12: 4-2=2, 5-1=4, so 42',
    ],
    [
      '7*x = 54 + 12 = 66\nx = 66 / 7 = 9\nanswer: 9',
      '7*9=63, 63+12: 3+2=5, 5 vs 4 no\nstep 1: 54-12: 4-2=2, 5-1=4, so 42',
    ],
    [
      '7*x = 54 - 12 = 42\nx = 42 / 7 = 5\nanswer: 5',
      '7*5=35, 35+12: 5+2=7, 7 vs 4 no\nstep 2: 42/7=6',
    ],
    ['x is 5\nanswer: 5', '7*5=35, 35+12: 5+2=7, 7 vs 4 no\nstep 1: 54-12: 4-2=2, 5-1=4, so 42'],
    ['x is big', 'no answer\nstep 1: 54-12: 4-2=2, 5-1=4, so 42'],
  ])('names the wrong step of %j with its correct value', async (response, lines) => {
    const r = await teacher.review(problem, response);
    expect(r.feedback).toBe(`${lines}\nverdict: wrong`);
    expect(task.parseVerdict(r.feedback)).toBe('wrong');
    expect(task.isCorrect(r.refinement!, '6')).toBe(true);
  });

  it('checks a*x - b = c by subtracting in columns, with borrows, and catches a wrong tens digit', async () => {
    const eq = { id: 'q', prompt: 'Solve for x: 9*x - 27 = 36' };
    const first = async (response: string) =>
      (await teacher.review(eq, response)).feedback.split('\n')[0];
    expect(await first('answer: 7')).toBe('9*7=63, 63-27: 13-7=6, 6 vs 6 ok, 6-2-1=3, 3 vs 3 ok');
    expect(await first('answer: 2')).toBe('9*2=18, 18-27: 8-7=1, 1 vs 6 no');
    const tens = { id: 't', prompt: 'Solve for x: 5*x + 3 = 48' };
    expect((await teacher.review(tens, 'answer: 7')).feedback.split('\n')[0]).toBe(
      '5*7=35, 35+3: 5+3=8, 8 vs 8 ok, 3+0=3, 3 vs 4 no',
    );
  });

  it('falls back to the step template for negative numbers, and on request', async () => {
    const negative = { id: 'n', prompt: 'Solve for x: 3*x - 5 = -11' };
    expect((await teacher.review(negative, 'answer: -2')).feedback).toBe(
      'step 2: missing\nstep 1: missing\nverdict: correct',
    );
    const steps = new EquationsTeacher('steps');
    const r = await steps.review(problem, '7*x = 54 - 12 = 49\nx = 49 / 7 = 7\nanswer: 7');
    expect(r.feedback).toBe('step 2: 7*7 = 49, ok\nstep 1: 49 + 12 = 61, not 54\nverdict: wrong');
  });

  it('reads every step of its own template', () => {
    expect(parseSolution('7*x = 54 - 12 = 42\nx = 42 / 7 = 6\nanswer: 6')).toEqual({
      isolate: { a: 7, left: 54, op: '-', right: 12, result: 42 },
      divide: { dividend: 42, divisor: 7, result: 6 },
      answer: 6,
    });
  });
});

describe('validatePrompt (screens self-proposed prompts)', () => {
  it('passes every prompt the generator writes', () => {
    for (const p of task.generate(300, 9)) expect(task.validatePrompt(p.prompt)).toBeUndefined();
  });

  it('names what is wrong with a malformed prompt', () => {
    const narrow = new EquationsTask({ ...DEFAULT_EQUATION_PARAMS, forms: ['ax+b', 'b+ax'] });
    const cases: [EquationsTask, string, RegExp][] = [
      [task, 'Solve for x: 7*x + 12 = 55', /no integer solution/],
      [task, 'Solve for x: 7*x+12 = 54', /not of the form/],
      [task, 'solve for x: 7*x + 12 = 54', /not of the form/],
      [task, 'Solve for x: 7*x + 12 = 54 and 3', /not of the form/],
      [task, 'Solve for x:', /not of the form/],
      [task, '', /not of the form/],
      [task, 'Solve for x: 12*x + 12 = 60', /coefficient 12 is outside \[2, 9\]/],
      [task, 'Solve for x: 2*x + 0 = 8', /constant 0 is outside \[1, 99\]/],
      [task, 'Solve for x: 2*x + 4 = 30', /solution 13 is outside \[0, 9\]/],
      [narrow, 'Solve for x: 7*x - 12 = 30', /form ax-b is not among/],
    ];
    for (const [t, prompt, reason] of cases) expect(t.validatePrompt(prompt)).toMatch(reason);
    // 9*0 - 2 = -2 has solution 0 within range but c = -2 outside right [0, 99].
    expect(task.validatePrompt('Solve for x: 9*x - 2 = -2')).toMatch(/right -2 is outside/);
  });
});
