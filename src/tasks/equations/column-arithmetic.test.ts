import { describe, expect, it } from 'vitest';
import { columnAdd, columnCheck, columnSubtract } from './column-arithmetic.js';

/**
 * Re-reads a column text: every step must be a true fact about single digits (a top digit may
 * carry a borrowed ten), and `so N` must be the digits the steps wrote, last column first.
 */
function replay(text: string, op: '+' | '-'): number {
  const [steps, so] = text.split(', so ');
  let digits = '';
  let last = 0;
  for (const step of steps.split(', ')) {
    const m = /^(\d+)([+-])(\d)((?:[+-]1)?)=(\d+)$/.exec(step);
    if (!m || m[2] !== op) throw new Error(`not a column step: ${step}`);
    const [top, digit, carry, result] = [m[1], m[3], m[4] || '0', m[5]].map(Number);
    expect(top).toBeLessThan(op === '+' ? 10 : 20);
    expect(op === '+' ? top + digit + carry : top - digit + carry).toBe(result);
    digits = String(result % 10) + digits;
    last = result;
  }
  if (last >= 10) digits = `1${digits}`;
  expect(so).toBe(String(Number(digits)));
  return Number(so);
}

describe('column arithmetic', () => {
  it('writes the documented notation', () => {
    expect(columnAdd(35, 12).text).toBe('5+2=7, 3+1=4, so 47');
    expect(columnAdd(85, 27).text).toBe('5+7=12, 8+2+1=11, so 112');
    expect(columnAdd(8, 99).text).toBe('8+9=17, 0+9+1=10, so 107');
    expect(columnSubtract(52, 17).text).toBe('12-7=5, 5-1-1=3, so 35');
    expect(columnSubtract(100, 72).text).toBe('10-2=8, 10-7-1=2, 1-0-1=0, so 28');
    expect(columnSubtract(7, 7).text).toBe('7-7=0, so 0');
  });

  it('is right for every pair up to 300, each step a single-digit fact', () => {
    for (let p = 0; p <= 300; p += 3) {
      for (let q = 0; q <= 300; q += 7) {
        const sum = columnAdd(p, q);
        expect(sum.value).toBe(p + q);
        expect(replay(sum.text, '+')).toBe(p + q);
        if (q <= p) {
          const diff = columnSubtract(p, q);
          expect(diff.value).toBe(p - q);
          expect(replay(diff.text, '-')).toBe(p - q);
        }
      }
    }
    expect(() => columnSubtract(3, 4)).toThrow(RangeError);
  });

  it('checks a sum or difference against a target digit by digit, exactly', () => {
    expect(columnCheck(48, 45, '+', 93).text).toBe('8+5=13, 3 vs 3 ok, 4+4+1=9, 9 vs 9 ok');
    expect(columnCheck(40, 45, '+', 93).text).toBe('0+5=5, 5 vs 3 no');
    expect(columnCheck(63, 27, '-', 36).text).toBe('13-7=6, 6 vs 6 ok, 6-2-1=3, 3 vs 3 ok');
    expect(columnCheck(85, 27, '+', 12)).toEqual({
      text: '5+7=12, 2 vs 2 ok, 8+2+1=11, 1 vs 1 ok, carry 1 vs 0 no',
      ok: false,
    });
    expect(columnCheck(18, 27, '-', 91)).toEqual({
      text: '8-7=1, 1 vs 1 ok, 11-2=9, 9 vs 9 ok, below 0 no',
      ok: false,
    });
    for (let p = 0; p <= 120; p += 1) {
      for (let q = 0; q <= 99; q += 3) {
        for (const target of [p + q, p - q, p + q + 10, Math.abs(p - q - 1)]) {
          if (target < 0) continue;
          expect(columnCheck(p, q, '+', target).ok).toBe(p + q === target);
          expect(columnCheck(p, q, '-', target).ok).toBe(p - q === target);
        }
      }
    }
  });
});
