// The programmatic teacher's critique of a solution: substitute the answer back (a forward
// computation), then name the first wrong step, checking each step forward too. Template in
// docs/tasks.md; the last line is always `verdict: correct` or `verdict: wrong`.
import type { Verdict } from '../../spec/task.js';
import { type Equation, evaluateLeft, leftSide } from './equation.js';
import { type ParsedSolution, parseSolution } from './solution.js';

/** `check: 7*5 + 12 = 35 + 12 = 47, not 54` (or `..., matches`). */
export function checkLine(eq: Equation, value: number): string {
  const product = eq.a * value;
  const withProduct =
    eq.form === 'ax+b'
      ? `${product} + ${eq.b}`
      : eq.form === 'ax-b'
        ? `${product} - ${eq.b}`
        : `${eq.b} + ${product}`;
  const total = evaluateLeft(eq, value);
  const tail = total === eq.c ? 'matches' : `not ${eq.c}`;
  return `check: ${leftSide(eq, value)} = ${withProduct} = ${total}, ${tail}`;
}

/** The first wrong step of a solution whose answer is wrong, as one sentence. */
export function firstWrongStep(eq: Equation, s: ParsedSolution): string {
  const op = eq.form === 'ax-b' ? '+' : '-';
  const rhs = op === '+' ? eq.c + eq.b : eq.c - eq.b;
  const i = s.isolate;
  if (!i) return 'step 1 is missing.';
  if (i.a !== eq.a) return `step 1 is wrong: the coefficient of x is ${eq.a}.`;
  if (i.left !== eq.c || i.op !== op || i.right !== eq.b) {
    return `step 1 is wrong: it should be ${eq.c} ${op} ${eq.b}.`;
  }
  if (i.result !== rhs) {
    // Forward check of the step: undo it and compare with the right-hand side.
    const back = op === '-' ? i.result + eq.b : i.result - eq.b;
    const sign = op === '-' ? '+' : '-';
    return `step 1 is wrong: ${i.result} ${sign} ${eq.b} = ${back}, not ${eq.c}.`;
  }
  const d = s.divide;
  if (!d) return 'step 2 is missing.';
  if (d.dividend !== rhs) return `step 2 is wrong: it should divide ${rhs}.`;
  if (d.divisor !== eq.a) return `step 2 is wrong: it should divide by ${eq.a}.`;
  if (d.result !== eq.x) {
    return `step 2 is wrong: ${eq.a}*${d.result} = ${eq.a * d.result}, not ${rhs}.`;
  }
  return 'the answer line does not match step 2.';
}

/** The teacher's feedback on `response` and the verdict it ends with. */
export function writeFeedback(eq: Equation, response: string): { text: string; verdict: Verdict } {
  const parsed = parseSolution(response);
  if (parsed.answer === undefined) {
    return { text: 'no answer line.\nverdict: wrong', verdict: 'wrong' };
  }
  const check = checkLine(eq, parsed.answer);
  if (parsed.answer === eq.x) return { text: `${check}\nverdict: correct`, verdict: 'correct' };
  return {
    text: `${check}\n${firstWrongStep(eq, parsed)}\nverdict: wrong`,
    verdict: 'wrong',
  };
}

const VERDICT = /verdict:\s*(correct|wrong)/gi;

/** The verdict after the last `verdict:` in a feedback text; undefined when there is none. */
export function readVerdict(feedback: string): Verdict | undefined {
  const all = [...feedback.matchAll(VERDICT)];
  return all.length ? (all[all.length - 1][1].toLowerCase() as Verdict) : undefined;
}
