// Worked solutions for equations: the template a solver writes, and a lenient reader of what a
// student actually wrote, step by step, so the teacher can name the first wrong step.
import type { Equation } from './equation.js';

/**
 * The reference solution, in the template every response follows:
 *
 *     7*x = 54 - 12 = 42
 *     x = 42 / 7 = 6
 *     answer: 6
 */
export function workedSolution(eq: Equation): string {
  const op = eq.form === 'ax-b' ? '+' : '-';
  const rhs = op === '+' ? eq.c + eq.b : eq.c - eq.b;
  return [
    `${eq.a}*x = ${eq.c} ${op} ${eq.b} = ${rhs}`,
    `x = ${rhs} / ${eq.a} = ${eq.x}`,
    `answer: ${eq.x}`,
  ].join('\n');
}

/** Step 1 as written: `a*x = left op right = result`. */
export interface IsolateStep {
  readonly a: number;
  readonly left: number;
  readonly op: '+' | '-';
  readonly right: number;
  readonly result: number;
}

/** Step 2 as written: `x = dividend / divisor = result`. */
export interface DivideStep {
  readonly dividend: number;
  readonly divisor: number;
  readonly result: number;
}

/** What could be read from a student's solution; missing parts are undefined. */
export interface ParsedSolution {
  readonly isolate?: IsolateStep;
  readonly divide?: DivideStep;
  readonly answer?: number;
}

const N = '(-?\\d+)';
const ISOLATE = new RegExp(`^${N}\\*x = ${N} ([+-]) ${N} = ${N}$`);
const DIVIDE = new RegExp(`^x = ${N} / ${N} = ${N}$`);
const ANSWER = /answer:\s*(-?\d+)/gi;

/** The integer after the last `answer:` in `text`. */
export function readAnswer(text: string): number | undefined {
  const all = [...text.matchAll(ANSWER)];
  return all.length ? Number(all[all.length - 1][1]) : undefined;
}

/** Reads the steps of a solution written in the template, tolerating extra lines. */
export function parseSolution(text: string): ParsedSolution {
  let isolate: IsolateStep | undefined;
  let divide: DivideStep | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const i = ISOLATE.exec(line);
    if (i && !isolate) {
      const [a, left, right, result] = [i[1], i[2], i[4], i[5]].map(Number);
      isolate = { a, left, op: i[3] as '+' | '-', right, result };
    }
    const d = DIVIDE.exec(line);
    if (d && !divide)
      divide = { dividend: Number(d[1]), divisor: Number(d[2]), result: Number(d[3]) };
  }
  return { isolate, divide, answer: readAnswer(text) };
}
