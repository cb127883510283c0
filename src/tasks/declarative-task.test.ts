// The declared task's optional prompt pattern, which screens self-proposed prompts.
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../spec/errors.js';
import { defineTask } from './declarative-task.js';

describe('declared task: prompt pattern', () => {
  it('calls a prompt malformed unless it matches the pattern', () => {
    const task = defineTask({
      answer: 'last-number',
      prompt: { pattern: '^Q: .+\\?$', flags: 's' },
    });
    expect(task.validatePrompt?.('Q: how many legs has a cat?')).toBeUndefined();
    expect(task.validatePrompt?.('how many legs has a cat?')).toMatch(/prompt pattern/);
  });

  it('has no check without a pattern, and refuses a bad one naming the field', () => {
    expect(defineTask({ answer: 'last-number' }).validatePrompt).toBeUndefined();
    expect(() => defineTask({ answer: 'last-number', prompt: { pattern: '(' } })).toThrow(
      InvalidInputError,
    );
    expect(() => defineTask({ answer: 'last-number', prompt: { pattern: '(' } })).toThrow(
      /prompt\.pattern/,
    );
  });
});
