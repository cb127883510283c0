// The programmatic teacher's critique of a solution. Checking is made easier than solving: each
// step is recomputed *forward* from the numbers the student wrote (the division by a product, the
// subtraction by an addition), the cheapest check first, so no step needs an inverse operation.
// Template in docs/tasks.md; the last line is always `verdict: correct` or `verdict: wrong`.
import type { Verdict } from '../../spec/task.js';
import type { Equation } from './equation.js';
import { type ParsedSolution, parseSolution } from './solution.js';

/** `step 2: 7*6 = 42, ok` / `step 2: 7*5 = 35, not 42`: the division checked by a product. */
function checkDivide(eq: Equation, s: ParsedSolution): string {
  const d = s.divide;
  if (!d) return 'step 2: missing';
  if (d.divisor !== eq.a) return `step 2: should divide by ${eq.a}`;
  const product = eq.a * d.result;
  return `step 2: ${eq.a}*${d.result} = ${product}, ${product === d.dividend ? 'ok' : `not ${d.dividend}`}`;
}

/** `step 1: 42 + 12 = 54, ok`: isolating a*x checked by undoing it. */
function checkIsolate(eq: Equation, s: ParsedSolution): string {
  const op = eq.form === 'ax-b' ? '+' : '-';
  const i = s.isolate;
  if (!i) return 'step 1: missing';
  if (i.a !== eq.a || i.left !== eq.c || i.op !== op || i.right !== eq.b) {
    return `step 1: should be ${eq.a}*x = ${eq.c} ${op} ${eq.b}`;
  }
  const back = op === '-' ? i.result + eq.b : i.result - eq.b;
  const sign = op === '-' ? '+' : '-';
  return `step 1: ${i.result} ${sign} ${eq.b} = ${back}, ${back === eq.c ? 'ok' : `not ${eq.c}`}`;
}

/** The teacher's feedback on `response` and the verdict it ends with. */
export function writeFeedback(eq: Equation, response: string): { text: string; verdict: Verdict } {
  const s = parseSolution(response);
  if (s.answer === undefined) return { text: 'no answer line.\nverdict: wrong', verdict: 'wrong' };
  const lines = [checkDivide(eq, s), checkIsolate(eq, s)];
  if (s.divide && s.isolate && s.divide.dividend !== s.isolate.result) {
    lines.push(`step 2 should divide ${s.isolate.result}`);
  }
  if (s.divide && s.answer !== s.divide.result) lines.push('answer does not match step 2');
  const verdict: Verdict = s.answer === eq.x ? 'correct' : 'wrong';
  return { text: `${lines.join('\n')}\nverdict: ${verdict}`, verdict };
}

const VERDICT = /verdict:\s*(correct|wrong)/gi;

/** The verdict after the last `verdict:` in a feedback text; undefined when there is none. */
export function readVerdict(feedback: string): Verdict | undefined {
  const all = [...feedback.matchAll(VERDICT)];
  return all.length ? (all[all.length - 1][1].toLowerCase() as Verdict) : undefined;
}
