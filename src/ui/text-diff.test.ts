// The word diff behind the episode view's highlighting.
import { describe, expect, it } from 'vitest';
import { diffWords } from './text-diff.js';

const side = (parts: ReturnType<typeof diffWords>, drop: 'add' | 'del') =>
  parts
    .filter((p) => p.op !== drop)
    .map((p) => p.text)
    .join('');

describe('diffWords', () => {
  it('marks the changed numbers of a refinement and keeps the rest', () => {
    const before = '3*x = 19 - 4\nx = 15 / 3\nanswer: 6';
    const after = '3*x = 19 - 4\nx = 15 / 3\nanswer: 5';
    expect(diffWords(before, after)).toEqual([
      { op: 'same', text: '3*x = 19 - 4\nx = 15 / 3\nanswer: ' },
      { op: 'del', text: '6' },
      { op: 'add', text: '5' },
    ]);
  });

  it('rebuilds both texts exactly, also with nothing in common or one side empty', () => {
    const cases: [string, string][] = [
      [
        'step one is fine, step two drops a sign',
        'step one is fine; the sign in step two is wrong',
      ],
      ['abc', 'xyz'],
      ['', 'new text'],
      ['old text', ''],
      ['über café 12', 'uber cafe 12'],
    ];
    for (const [a, b] of cases) {
      const parts = diffWords(a, b);
      expect(side(parts, 'add')).toBe(a);
      expect(side(parts, 'del')).toBe(b);
    }
  });

  it('falls back to whole-text replacement for very long texts', () => {
    const a = 'a '.repeat(2500);
    const b = 'b '.repeat(2500);
    expect(diffWords(a, b).map((p) => p.op)).toEqual(['del', 'add']);
  });
});
