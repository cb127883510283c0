// The built-in `equations` task and its programmatic teacher, implementing the Task and Teacher
// ports. The teacher stands in for the paper's GPT-4: it checks by substitution in column arithmetic
// (or, with critique `steps`, each step forward), never by solving directly.
import type { Problem, Task, Teacher, Verdict } from '../../spec/task.js';
import { writeColumnFeedback } from './column-feedback.js';
import {
  DEFAULT_EQUATION_PARAMS,
  type EquationParams,
  equationProblem,
  equationPrompt,
  generateEquations,
  parseEquation,
} from './equation.js';
import { readVerdict, writeFeedback } from './feedback.js';
import { readAnswer, workedSolution } from './solution.js';

/** Solve `a*x ± b = c` for an integer x, step by step, ending with `answer: <integer>`. */
export class EquationsTask implements Task {
  readonly name = 'equations';

  constructor(readonly params: EquationParams = DEFAULT_EQUATION_PARAMS) {}

  extractAnswer(text: string): string | undefined {
    const n = readAnswer(text);
    return n === undefined ? undefined : String(n);
  }

  isCorrect(text: string, answer: string): boolean {
    const got = this.extractAnswer(text);
    return got !== undefined && got === String(Number(answer.trim()));
  }

  parseVerdict(feedback: string): Verdict | undefined {
    return readVerdict(feedback);
  }

  /** Malformed unless it parses as an equation of this task's forms within its ranges. */
  validatePrompt(prompt: string): string | undefined {
    return equationProblem(prompt, this.params);
  }

  formatAnswer(answer: string): string {
    return `answer: ${answer}`;
  }

  /** `n` problems with answers and worked solutions; ids carry the seed and position. */
  generate(n: number, seed: number): Problem[] {
    return generateEquations(n, seed, this.params).map((eq, i) => ({
      id: `eq-${seed}-${i}`,
      prompt: equationPrompt(eq),
      answer: String(eq.x),
      solution: workedSolution(eq),
    }));
  }
}

/**
 * How the teacher critiques: `columns` (default) substitutes the answer back in column arithmetic
 * and recomputes the wrong step digit by digit; `steps` (the earlier template) checks each step
 * forward in one line. Equations with a negative c or x always get `steps`.
 */
export type Critique = 'columns' | 'steps';

/** The programmatic teacher: feedback by substitution and step checks; the worked solution as refinement. */
export class EquationsTeacher implements Teacher {
  readonly id = 'equations-checker';

  constructor(readonly critique: Critique = 'columns') {}

  async review(
    problem: Problem,
    response: string,
  ): Promise<{ feedback: string; refinement?: string }> {
    const eq = parseEquation(problem.prompt);
    if (!eq) return { feedback: 'cannot read the equation.\nverdict: wrong' };
    const columns = this.critique === 'columns' && eq.c >= 0 && eq.x >= 0;
    const { text, verdict } = columns
      ? writeColumnFeedback(eq, response)
      : writeFeedback(eq, response);
    return verdict === 'correct'
      ? { feedback: text }
      : { feedback: text, refinement: workedSolution(eq) };
  }
}
