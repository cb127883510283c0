// Answer extraction and matching as in lm-evaluation-harness's gsm8k task: "strict" reads the
// number after `#### `, "flexible" takes the last number in the text; both are compared to the
// reference by exact match after removing commas, `$`, anything up to `#### ` and a final period.

/** lm-eval's strict-match regex: the first `#### N`. */
const STRICT = /#### (-?[0-9.,]+)/;
/** lm-eval's flexible-extract regex, last match wins: `(-?[$0-9.,]{2,})|(-?[0-9]+)`. */
const FLEXIBLE = /(-?[$0-9.,]{2,})|(-?[0-9]+)/g;

/** lm-eval returns this when a filter finds nothing; it never equals a reference. */
export const INVALID = '[invalid]';

/** The number after the first `#### `, or INVALID. */
export function extractStrict(text: string): string {
  return STRICT.exec(text)?.[1] ?? INVALID;
}

/** The last number-like run in the text (commas, `$` and dots included), or INVALID. */
export function extractFlexible(text: string): string {
  let last: string | undefined;
  for (const m of text.matchAll(FLEXIBLE)) last = m[1] ?? m[2];
  return last ?? INVALID;
}

/**
 * lm-eval's comparison normalisation (`regexes_to_ignore` then `ignore_case`): drops `,` and `$`,
 * everything up to the last `#### ` and one trailing `.`.
 */
export function normalizeAnswer(text: string): string {
  return text
    .replace(/,/g, '')
    .replace(/\$/g, '')
    .replace(/^[\s\S]*#### /, '')
    .replace(/\.$/, '')
    .trim()
    .toLowerCase();
}

/** Whether an extracted answer matches the reference exactly after normalisation. */
export function answersMatch(extracted: string, reference: string): boolean {
  return extracted !== INVALID && normalizeAnswer(extracted) === normalizeAnswer(reference);
}

/** Both lm-eval scores of one completion. */
export function scoreCompletion(
  completion: string,
  reference: string,
): { strict: boolean; flexible: boolean } {
  return {
    strict: answersMatch(extractStrict(completion), reference),
    flexible: answersMatch(extractFlexible(completion), reference),
  };
}
