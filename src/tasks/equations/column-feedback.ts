// The teacher's critique in column arithmetic (the default): substitute the answer back and compute
// the left-hand side digit by digit, comparing each digit with the right-hand side's as it goes;
// when a digit misses, name the wrong step with its correct value (step 1 recomputed in columns).
// Checking then needs only single-digit facts, while solving (the compact response) needs the 2-digit
// step 1 at once. Template in docs/tasks.md.
import type { Verdict } from '../../spec/task.js';
import { columnAdd, columnCheck, columnSubtract } from './column-arithmetic.js';
import type { Equation } from './equation.js';
import { type ParsedSolution, parseSolution } from './solution.js';

/**
 * The substitution check of answer `v`, digit by digit against c:
 * `7*6=42, 42+12: 2+2=4, 4 vs 4 ok, 4+1=5, 5 vs 5 ok`. A negative answer is checked in one line
 * without columns (`7*-1=-7, -7+12=5, 5 vs 54 no`).
 */
export function substitutionLine(eq: Equation, v: number): { text: string; ok: boolean } {
  const product = eq.a * v;
  const op = eq.form === 'ax-b' ? '-' : '+';
  const head = `${eq.a}*${v}=${product}, ${product}${op}${eq.b}`;
  if (v < 0) {
    const value = op === '+' ? product + eq.b : product - eq.b;
    const ok = value === eq.c;
    return { text: `${head}=${value}, ${value} vs ${eq.c} ${ok ? 'ok' : 'no'}`, ok };
  }
  const check = columnCheck(product, eq.b, op, eq.c);
  return { text: `${head}: ${check.text}`, ok: check.ok };
}

/** Step 1 recomputed in columns, naming its correct value: `step 1: 54-12: 4-2=2, 5-1=4, so 42`. */
export function isolateLine(eq: Equation): string {
  const add = eq.form === 'ax-b';
  const calc = add ? columnAdd(eq.c, eq.b) : columnSubtract(eq.c, eq.b);
  return `step 1: ${eq.c}${add ? '+' : '-'}${eq.b}: ${calc.text}`;
}

/**
 * The line after a failed substitution: the first wrong step with its correct value. Step 2
 * (`step 2: 42/7=6`) when the written step 1 is right, else step 1 recomputed.
 */
function locate(eq: Equation, s: ParsedSolution): string {
  const right = eq.a * eq.x;
  return s.isolate?.result === right && s.answer !== undefined
    ? `step 2: ${right}/${eq.a}=${eq.x}`
    : isolateLine(eq);
}

/** The teacher's column critique of `response` and the verdict it ends with. */
export function writeColumnFeedback(
  eq: Equation,
  response: string,
): { text: string; verdict: Verdict } {
  const s = parseSolution(response);
  const check = s.answer === undefined ? undefined : substitutionLine(eq, s.answer);
  const verdict: Verdict = check?.ok ? 'correct' : 'wrong';
  const lines = [check?.text ?? 'no answer'];
  if (verdict === 'wrong') lines.push(locate(eq, s));
  return { text: `${lines.join('\n')}\nverdict: ${verdict}`, verdict };
}
