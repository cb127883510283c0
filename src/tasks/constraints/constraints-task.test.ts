// The constraints task and scored critiques read from text: every generated problem's worked
// solution meets its constraints, the teacher names each unmet one and rewrites to meet them all,
// and score lines are read as scores, as `missing` or as `out-of-range` (no verdict), also when a
// config declares the score line.
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../spec/errors.js';
import { defineTask } from '../declarative-task.js';
import { createTask } from '../task-registry.js';
import { checkConstraints, parseConstraints } from './constraint.js';

const { task, teacher } = createTask('constraints');

describe('constraints task', () => {
  it('generates seedable problems whose solutions and rewrites meet every constraint', async () => {
    const problems = task.generate!(300, 4);
    expect(task.generate!(300, 4)).toEqual(problems);
    expect(new Set(problems.map((p) => p.solution)).size).toBeGreaterThan(200);
    for (const p of problems) {
      expect(task.isCorrect(p.solution!, p.answer!)).toBe(true);
      expect(task.score!.grade!(p, p.solution!)).toBe(1);
      const review = await teacher!.review(p, 'Cat, zzz, bag');
      expect(review.refinement).toBeDefined();
      expect(task.isCorrect(review.refinement!, p.answer!)).toBe(true);
      const met = checkConstraints(parseConstraints(p.prompt)!, 'Cat, zzz, bag').filter(
        (c) => c.ok,
      ).length;
      expect(task.score!.parseScore(review.feedback)).toEqual({ score: met });
    }
  });

  it('names each unmet constraint and ends with the score line', async () => {
    const prompt = 'Write 3 words starting with b, separated by commas, in alphabetical order.';
    const p = { id: 'x', prompt };
    const review = await teacher!.review(p, 'bed, cat, bag');
    expect(review.feedback).toBe(
      '3 words: ok\nstart b: no, cat\ncommas: ok\norder: no, cat before bag\nknown words: ok\nscore: 3/5',
    );
    expect(task.parseVerdict(review.feedback)).toBe('wrong');
    // The rewrite keeps the student's words that fit (bed, bag), fills from the list, sorts.
    expect(review.refinement).toBe('baby, bag, bed');
    const right = await teacher!.review(p, 'bag, bed, box');
    expect(right).toEqual({ feedback: expect.stringMatching(/score: 5\/5$/) });
    expect(task.parseVerdict(right.feedback)).toBe('correct');
    expect(task.score!.grade!(p, 'bed, cat, bag')).toBe(3 / 5);
  });

  it('writes terse critiques with details: false, and refuses parameters it does not have', async () => {
    const terse = createTask('constraints', { details: false }).teacher!;
    const p = {
      id: 'x',
      prompt: 'Write 3 words starting with b, separated by commas, in alphabetical order.',
    };
    expect((await terse.review(p, 'bed, cat, bag')).feedback).toBe(
      '3 words: ok\nstart b: no\ncommas: ok\norder: no\nknown words: ok\nscore: 3/5',
    );
    expect(() => createTask('constraints', { detail: false })).toThrow(/task.params.detail/);
    expect(() => createTask('constraints', { details: 'no' })).toThrow(InvalidInputError);
  });

  it('reads a missing or out-of-range score as no verdict', () => {
    expect(task.score!.parseScore('3 words: ok')).toEqual({ problem: 'missing' });
    expect(task.score!.parseScore('score: 9/5')).toEqual({ problem: 'out-of-range', raw: '9' });
    expect(task.parseVerdict('score: 9/5')).toBeUndefined();
    expect(task.parseVerdict('score: 4/5')).toBe('wrong');
  });
});

describe('a declared score verdict', () => {
  const declared = defineTask({
    answer: { kind: 'regex', pattern: 'answer: (\\w+)' },
    score: { pattern: 'Score: (-?\\d+)/10', max: 10, threshold: 7 },
  });

  it('derives the verdict from the score on the declared scale', () => {
    expect(declared.score!.scale).toEqual({ min: 0, max: 10, threshold: 7 });
    expect(declared.score!.parseScore('fine.\nScore: 7/10')).toEqual({ score: 7 });
    expect(declared.parseVerdict('Score: 7/10')).toBe('correct');
    expect(declared.parseVerdict('Score: 6/10')).toBe('wrong');
    expect(declared.score!.parseScore('Score: 11/10')).toEqual({
      problem: 'out-of-range',
      raw: '11',
    });
    expect(declared.parseVerdict('Score: 11/10')).toBeUndefined();
    expect(declared.parseVerdict('Verdict: correct')).toBeUndefined();
  });

  it('refuses a verdict line beside a score line, and a threshold off the scale', () => {
    const both = () =>
      defineTask({
        answer: 'text',
        verdict: { pattern: 'v: (correct|wrong)' },
        score: { max: 10, threshold: 7 },
      });
    expect(both).toThrow(InvalidInputError);
    expect(both).toThrow(/verdict.*either "verdict" or "score"/);
    expect(() => defineTask({ answer: 'text', score: { max: 10, threshold: 12 } })).toThrow(
      /score\.threshold.*\[min, max\]/,
    );
  });
});
