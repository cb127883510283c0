// evolve.scoreThreshold: a round reads a scored task's critiques with another keep threshold (the
// verdict, so the self-filter), the task itself keeps its own, and a threshold that cannot apply
// is refused naming the field.
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../spec/errors.js';
import { createTask } from '../tasks/task-registry.js';
import { readCritique } from './critique-reading.js';
import { selfFilter } from './round-filters.js';
import { roundTask } from './round-task.js';

const { task } = createTask('constraints');
const feedback = '3 words: ok\nstart b: ok\ncommas: ok\norder: no\nknown words: ok\nscore: 4/5';

describe('roundTask', () => {
  it('keeps at the round threshold, and leaves the task at its own', () => {
    const round = roundTask(task, 4);
    expect(round.parseVerdict(feedback)).toBe('correct');
    expect(task.parseVerdict(feedback)).toBe('wrong');
    expect(round.score?.scale).toEqual({ min: 0, max: 5, threshold: 4 });
    expect(task.score?.scale.threshold).toBe(5);
    expect(round.name).toBe('constraints');
    expect(round.isCorrect('bag, bed, box', '3 start b comma alphabetical')).toBe(true);
    const attempt = { text: 'bag, box, bed', feedback };
    const read = (t: typeof task) => ({ ...attempt, ...readCritique(t, feedback) });
    expect(selfFilter(round, { attempts: [read(round)], tokens: 0 }).kept).toBe(true);
    expect(selfFilter(task, { attempts: [read(task)], tokens: 0 }).kept).toBe(false);
    expect(roundTask(task, undefined)).toBe(task);
  });

  it('refuses a threshold off the scale, or on a task without scores', () => {
    expect(() => roundTask(task, 6)).toThrow(/off task constraints's scale 0..5/);
    expect(() => roundTask(createTask('equations').task, 1)).toThrow(InvalidInputError);
  });
});
