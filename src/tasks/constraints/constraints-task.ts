// The built-in `constraints` task, an open-ended one: write a few words meeting checkable
// constraints (IFEval-style), many answers right. Critiques end with a score line (`score: 4/5`,
// one point per constraint met); the teacher is a program that checks each constraint, names
// those unmet, and rewrites the answer to meet them all.
import { scoreVerdict } from '../../self/critique-reading.js';
import type { Problem, ScoreScale, Task, TaskScore, Teacher, Verdict } from '../../spec/task.js';
import { scoreLineReader } from '../score-line.js';
import {
  type Check,
  CONSTRAINT_COUNT,
  type Constraints,
  checkConstraints,
  constraintsPrompt,
  decodeConstraints,
  encodeConstraints,
  generateConstraints,
  parseConstraints,
  rewrite,
  wordsOf,
} from './constraint.js';

/** One point per constraint met; kept only when all are. */
export const CONSTRAINTS_SCALE: ScoreScale = {
  min: 0,
  max: CONSTRAINT_COUNT,
  threshold: CONSTRAINT_COUNT,
};

/**
 * The critique of `text`: a line per constraint (`start b: no, cat`; `start b: no` without
 * `details`), then `score: k/5`.
 */
export function writeConstraintFeedback(checks: readonly Check[], details = true): string {
  const lines = checks.map((c) =>
    c.ok
      ? `${c.name}: ok`
      : `${c.name}: no${!details || c.detail === undefined ? '' : `, ${c.detail}`}`,
  );
  const met = checks.filter((c) => c.ok).length;
  return [...lines, `score: ${met}/${CONSTRAINT_COUNT}`].join('\n');
}

/** The fraction of `c`'s constraints `text` meets. */
function fractionMet(c: Constraints, text: string): number {
  return checkConstraints(c, text).filter((x) => x.ok).length / CONSTRAINT_COUNT;
}

/** The instruction of a problem: read from its prompt, else from its label. */
function constraintsOf(problem: Pick<Problem, 'prompt' | 'answer'>): Constraints | undefined {
  return (
    parseConstraints(problem.prompt) ??
    (problem.answer === undefined ? undefined : decodeConstraints(problem.answer))
  );
}

/**
 * `Write 3 words starting with b, separated by commas, in alphabetical order.` The label
 * (`answer`) is the instruction's code (`3 start b comma alphabetical`): any response meeting it
 * is right; the reference grade is the fraction of constraints met.
 */
export class ConstraintsTask implements Task {
  readonly name = 'constraints';
  readonly score: TaskScore = {
    scale: CONSTRAINTS_SCALE,
    parseScore: scoreLineReader('score:\\s*(-?\\d+(?:\\.\\d+)?)', 'i', CONSTRAINTS_SCALE),
    grade: (problem, text) => {
      const c = constraintsOf(problem);
      return c === undefined ? 0 : fractionMet(c, text);
    },
  };

  extractAnswer(text: string): string | undefined {
    const words = wordsOf(text);
    return words.length === 0 ? undefined : words.join(',');
  }

  isCorrect(text: string, answer: string): boolean {
    const c = decodeConstraints(answer);
    return c !== undefined && fractionMet(c, text) === 1;
  }

  parseVerdict(feedback: string): Verdict | undefined {
    return scoreVerdict(this.score.scale, this.score.parseScore(feedback));
  }

  /** A label written as a response: the first words of the list that meet it. */
  formatAnswer(answer: string): string {
    const c = decodeConstraints(answer);
    return c === undefined ? answer : rewrite(c, '');
  }

  /** `n` instructions, each with a randomly drawn right answer as its worked solution. */
  generate(n: number, seed: number): Problem[] {
    return generateConstraints(n, seed).map(({ constraints, answer }, i) => ({
      id: `cw-${seed}-${i}`,
      prompt: constraintsPrompt(constraints),
      answer: encodeConstraints(constraints),
      solution: answer,
    }));
  }
}

/** The programmatic teacher: each constraint checked, the score, and a rewrite meeting them all. */
export class ConstraintsTeacher implements Teacher {
  readonly id: string;

  /** `details: false` leaves out what breaks each unmet constraint (`start b: no`). */
  constructor(private readonly options: { details?: boolean } = {}) {
    this.id = options.details === false ? 'constraints-checker-terse' : 'constraints-checker';
  }

  async review(
    problem: Problem,
    response: string,
  ): Promise<{ feedback: string; refinement?: string }> {
    const c = constraintsOf(problem);
    if (!c) return { feedback: `cannot read the instruction.\nscore: 0/${CONSTRAINT_COUNT}` };
    const checks = checkConstraints(c, response);
    const feedback = writeConstraintFeedback(checks, this.options.details !== false);
    return checks.every((x) => x.ok)
      ? { feedback }
      : { feedback, refinement: rewrite(c, response) };
  }
}
