// Linear equations with an integer solution: the shapes, their text form, and a seeded generator.
// `Solve for x: 7*x + 12 = 54`. Forms and number ranges are parameters (docs/tasks.md).
import { random, randomInt } from '../../self/seeds.js';
import { InvalidInputError } from '../../spec/errors.js';

/** The shapes of equation: `a*x + b = c`, `a*x - b = c`, `b + a*x = c`. */
export type EquationForm = 'ax+b' | 'ax-b' | 'b+ax';

export const EQUATION_FORMS: readonly EquationForm[] = ['ax+b', 'ax-b', 'b+ax'];

/** One equation; `x` is its solution. */
export interface Equation {
  readonly form: EquationForm;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly x: number;
}

/** Inclusive ranges the generator draws from. */
export interface EquationParams {
  readonly coefficient: readonly [number, number];
  readonly solution: readonly [number, number];
  readonly constant: readonly [number, number];
  readonly forms: readonly EquationForm[];
  /**
   * Range of the right-hand side c; b is drawn within `constant` so that c falls in it (the
   * column critique needs c ≥ 0). Unset: c is whatever a, x and b give.
   */
  readonly right?: readonly [number, number];
}

/** The default difficulty, tuned so the embedded base model is clearly imperfect (docs/tasks.md). */
export const DEFAULT_EQUATION_PARAMS: EquationParams = {
  coefficient: [2, 9],
  solution: [0, 9],
  constant: [1, 99],
  right: [0, 99],
  forms: ['ax+b', 'ax-b', 'b+ax'],
};

/** The left-hand side with `value` in place of x, e.g. `7*5 + 12`. */
export function leftSide(eq: Equation, value: string | number): string {
  const ax = `${eq.a}*${value}`;
  if (eq.form === 'ax+b') return `${ax} + ${eq.b}`;
  if (eq.form === 'ax-b') return `${ax} - ${eq.b}`;
  return `${eq.b} + ${ax}`;
}

/** `Solve for x: 7*x + 12 = 54`. */
export function equationPrompt(eq: Equation): string {
  return `Solve for x: ${leftSide(eq, 'x')} = ${eq.c}`;
}

const PROMPT = /^Solve for x: (?:(\d+)\*x ([+-]) (\d+)|(\d+) \+ (\d+)\*x) = (-?\d+)$/;

/** Reads an equation back from its prompt; undefined when the prompt is not of this task. */
export function parseEquation(prompt: string): Equation | undefined {
  const m = PROMPT.exec(prompt.trim());
  if (!m) return undefined;
  const c = Number(m[6]);
  const [form, a, b]: [EquationForm, number, number] =
    m[1] !== undefined
      ? [m[2] === '+' ? 'ax+b' : 'ax-b', Number(m[1]), Number(m[3])]
      : ['b+ax', Number(m[5]), Number(m[4])];
  const rhs = form === 'ax-b' ? c + b : c - b;
  if (a === 0 || rhs % a !== 0) return undefined;
  return { form, a, b, c, x: rhs / a };
}

/** The value of the left-hand side at x = value. */
export function evaluateLeft(eq: Equation, value: number): number {
  return eq.form === 'ax-b' ? eq.a * value - eq.b : eq.a * value + eq.b;
}

/** The values of b that keep c = a·x ± b inside `right`, within `constant`; [lo, hi], maybe empty. */
function constantRange(form: EquationForm, ax: number, params: EquationParams): [number, number] {
  const [lo, hi] = params.constant;
  if (!params.right) return [lo, hi];
  const [cLo, cHi] = params.right;
  return form === 'ax-b'
    ? [Math.max(lo, ax - cHi), Math.min(hi, ax - cLo)]
    : [Math.max(lo, cLo - ax), Math.min(hi, cHi - ax)];
}

/**
 * `n` equations drawn from `params` with a seeded generator: same seed, same list. With `right`,
 * b is drawn from the values that keep c in range (a, x and the form are redrawn when none does),
 * so every form stays equally likely.
 */
export function generateEquations(n: number, seed: number, params: EquationParams): Equation[] {
  const next = random(seed);
  const out: Equation[] = [];
  for (let draws = 0; out.length < n; draws++) {
    if (draws > 100 * (n + 10)) {
      throw new InvalidInputError(
        'no equation fits the ranges',
        { field: 'task.params' },
        { hint: 'widen "constant", "solution" or "right"' },
      );
    }
    const form = params.forms[randomInt(next, 0, params.forms.length - 1)];
    const a = randomInt(next, params.coefficient[0], params.coefficient[1]);
    const x = randomInt(next, params.solution[0], params.solution[1]);
    const [lo, hi] = constantRange(form, a * x, params);
    if (lo > hi) continue;
    const b = randomInt(next, lo, hi);
    const eq = { form, a, b, c: 0, x };
    out.push({ ...eq, c: evaluateLeft(eq, x) });
  }
  return out;
}

/**
 * Why `prompt` is not an equation this task would generate with `params` (its text form, an
 * integer solution, a form and numbers within the ranges), or undefined when it is one.
 */
export function equationProblem(prompt: string, params: EquationParams): string | undefined {
  const eq = parseEquation(prompt);
  if (!eq) {
    return PROMPT.test(prompt.trim())
      ? 'the equation has no integer solution'
      : 'not of the form "Solve for x: a*x + b = c" (or a*x - b, b + a*x)';
  }
  if (!params.forms.includes(eq.form)) return `form ${eq.form} is not among the task's forms`;
  const ranges: [string, number, readonly [number, number] | undefined][] = [
    ['coefficient', eq.a, params.coefficient],
    ['solution', eq.x, params.solution],
    ['constant', eq.b, params.constant],
    ['right', eq.c, params.right],
  ];
  for (const [name, value, range] of ranges) {
    if (range && (value < range[0] || value > range[1]))
      return `${name} ${value} is outside [${range[0]}, ${range[1]}]`;
  }
  return undefined;
}
