import { describe, expect, it } from 'vitest';
import { formatSeconds } from './progress.js';

describe('formatSeconds', () => {
  it('formats minutes and hours', () => {
    expect(formatSeconds(75)).toBe('1:15');
    expect(formatSeconds(3725)).toBe('1:02:05');
    expect(formatSeconds(-3)).toBe('0:00');
  });
});
