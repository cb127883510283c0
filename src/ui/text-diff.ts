// Word-level differences between two texts (an answer and its refinement), for highlighting:
// the longest common subsequence of their tokens (words, spaces, single punctuation marks).

/** A run of text kept, added or removed. */
export interface DiffPart {
  readonly op: 'same' | 'add' | 'del';
  readonly text: string;
}

/** Above this many token pairs the texts are shown as one removal and one addition. */
const MAX_CELLS = 4_000_000;

const tokens = (text: string): string[] =>
  text.match(/\s+|[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? [];

function push(parts: DiffPart[], op: DiffPart['op'], text: string): void {
  const last = parts[parts.length - 1];
  if (last?.op === op) parts[parts.length - 1] = { op, text: last.text + text };
  else parts.push({ op, text });
}

/** The parts that turn `before` into `after`, in order; `same` parts join both texts. */
export function diffWords(before: string, after: string): DiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  const parts: DiffPart[] = [];
  if ((a.length + 1) * (b.length + 1) > MAX_CELLS) {
    if (before) push(parts, 'del', before);
    if (after) push(parts, 'add', after);
    return parts;
  }
  // lcs[i][j]: length of the common subsequence of a[i:] and b[j:], row-major in one array.
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * w + j + 1] + 1
          : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push(parts, 'same', a[i++]);
      j++;
    } else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) push(parts, 'del', a[i++]);
    else push(parts, 'add', b[j++]);
  }
  while (i < a.length) push(parts, 'del', a[i++]);
  while (j < b.length) push(parts, 'add', b[j++]);
  return parts;
}
