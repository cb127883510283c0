// Addition and subtraction written column by column, the way the critique computes: every step is
// a single-digit fact read from digits written just before it, so checking does not get harder as
// the numbers grow (docs/tasks.md). `35+12: 5+2=7, 3+1=4, so 47`.

/** Digits of a non-negative integer, ones first: 305 → [5, 0, 3]. */
function digits(n: number): number[] {
  return [...String(n)].reverse().map(Number);
}

/**
 * `p+q` in columns, ones first: `5+7=12, 8+2+1=11, so 112`. A column whose sum reaches 10 writes
 * the whole sum, and the next column adds the carry as `+1`; a missing digit is written as 0.
 */
export function columnAdd(p: number, q: number): { text: string; value: number } {
  const [a, b] = [digits(p), digits(q)];
  const steps: string[] = [];
  const out: number[] = [];
  let carry = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x, y] = [a[i] ?? 0, b[i] ?? 0];
    const sum = x + y + carry;
    steps.push(`${x}+${y}${carry ? '+1' : ''}=${sum}`);
    out.push(sum % 10);
    carry = sum >= 10 ? 1 : 0;
  }
  if (carry) out.push(1);
  return finish(steps, out);
}

/**
 * `p-q` in columns for p ≥ q, ones first: `12-7=5, 5-1-1=3, so 35` (52-17). A column that has to
 * borrow writes its top digit with the borrowed ten (`12`), and the next column takes the borrow
 * back as `-1`; a missing digit is written as 0, and leading zeros of the result are dropped.
 */
export function columnSubtract(p: number, q: number): { text: string; value: number } {
  if (q > p) throw new RangeError(`columnSubtract needs p >= q, got ${p}-${q}`);
  const [a, b] = [digits(p), digits(q)];
  const steps: string[] = [];
  const out: number[] = [];
  let borrow = 0;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i] ?? 0];
    const lend = x - y - borrow < 0 ? 10 : 0;
    const diff = x + lend - y - borrow;
    steps.push(`${lend + x}-${y}${borrow ? '-1' : ''}=${diff}`);
    out.push(diff);
    borrow = lend ? 1 : 0;
  }
  while (out.length > 1 && out[out.length - 1] === 0) out.pop();
  return finish(steps, out);
}

function finish(steps: readonly string[], out: readonly number[]) {
  const value = Number([...out].reverse().join(''));
  return { text: `${steps.join(', ')}, so ${value}`, value };
}

/**
 * `p+q` (or `p-q`) checked against `target` column by column, each result digit compared with the
 * target's digit right where it is computed: `8+5=13, 3 vs 3 ok, 4+4+1=9, 9 vs 9 ok` (48+45 against
 * 93). The check stops at the first digit that differs (`0+5=5, 5 vs 3 no`); a carry past the last
 * column is `carry 1 vs 0 no`, a borrow past it (p < q) `below 0 no`. Comparing one digit at a time
 * is what a small model learns; comparing whole numbers it does not (docs/tasks.md).
 */
export function columnCheck(
  p: number,
  q: number,
  op: '+' | '-',
  target: number,
): { text: string; ok: boolean } {
  const [a, b, t] = [digits(p), digits(q), digits(target)];
  const parts: string[] = [];
  let carry = 0;
  for (let i = 0; i < Math.max(a.length, b.length, t.length); i++) {
    const [x, y, want] = [a[i] ?? 0, b[i] ?? 0, t[i] ?? 0];
    let digit: number;
    if (op === '+') {
      const sum = x + y + carry;
      parts.push(`${x}+${y}${carry ? '+1' : ''}=${sum}`);
      digit = sum % 10;
      carry = sum >= 10 ? 1 : 0;
    } else {
      const lend = x - y - carry < 0 ? 10 : 0;
      digit = x + lend - y - carry;
      parts.push(`${x + lend}-${y}${carry ? '-1' : ''}=${digit}`);
      carry = lend ? 1 : 0;
    }
    const ok = digit === want;
    parts[parts.length - 1] += `, ${digit} vs ${want} ${ok ? 'ok' : 'no'}`;
    if (!ok) return { text: parts.join(', '), ok: false };
  }
  if (carry) parts.push(op === '+' ? 'carry 1 vs 0 no' : 'below 0 no');
  return { text: parts.join(', '), ok: carry === 0 };
}
