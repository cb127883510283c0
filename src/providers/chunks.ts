// Splits a list into consecutive pieces of at most `size`.

/** `[[a, b], [c, d], [e]]` for size 2. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
