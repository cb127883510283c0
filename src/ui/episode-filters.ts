// The episode table's filters as they travel in the URL (so a link shares them), validated: a
// malformed value is an InvalidInputError naming the parameter and what it accepts.
import { InvalidInputError } from '../spec/errors.js';

export const KEPT = ['kept', 'dropped'] as const;
/** The first verdict against the label: `right`, `wrong`, or `missing` (no verdict given). */
export const VERDICT = ['right', 'wrong', 'missing'] as const;
/** What refinement did to correctness (against the label). */
export const CHANGE = ['fixed', 'broke', 'unchanged'] as const;
export const REFINED = ['yes', 'no'] as const;

export interface EpisodeFilters {
  readonly stage?: string;
  readonly kept?: (typeof KEPT)[number];
  readonly verdict?: (typeof VERDICT)[number];
  readonly change?: (typeof CHANGE)[number];
  readonly refined?: (typeof REFINED)[number];
  /** Full-text search over the prompt and every text of the trace. */
  readonly q?: string;
  /** 1-based. */
  readonly page: number;
  readonly size: number;
}

export const PAGE_SIZES = [25, 50, 100, 200] as const;
const STAGE = /^(meta|base|round-\d{1,4}|eval:[A-Za-z0-9._-]{1,64})$/;
const MAX_QUERY = 200;
const MAX_PAGE = 1_000_000;

type Query = Readonly<Record<string, string | undefined>>;

function oneOf<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidInputError(
      `must be one of ${allowed.join(', ')} (or left out), got "${value.slice(0, 40)}"`,
      { field: name },
    );
  }
  return value as T;
}

function integer(query: Query, name: string, fallback: number, min: number, max: number): number {
  const value = query[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new InvalidInputError(
      `must be a whole number from ${min} to ${max}, got "${value.slice(0, 40)}"`,
      { field: name },
    );
  }
  return n;
}

/** Reads the filters from URL query parameters (unknown parameters are ignored). */
export function parseFilters(query: Query): EpisodeFilters {
  const stage = query.stage || undefined;
  if (stage !== undefined && !STAGE.test(stage)) {
    throw new InvalidInputError(
      `is not a stage name (meta, round-N, eval:<model>), got "${stage.slice(0, 40)}"`,
      { field: 'stage' },
    );
  }
  const q = query.q?.trim() || undefined;
  if (q !== undefined && q.length > MAX_QUERY) {
    throw new InvalidInputError(`is longer than ${MAX_QUERY} characters`, { field: 'q' });
  }
  const size = integer(query, 'size', 50, 1, 200);
  if (!(PAGE_SIZES as readonly number[]).includes(size)) {
    throw new InvalidInputError(`must be one of ${PAGE_SIZES.join(', ')}, got ${size}`, {
      field: 'size',
    });
  }
  return {
    stage,
    kept: oneOf(query, 'kept', KEPT),
    verdict: oneOf(query, 'verdict', VERDICT),
    change: oneOf(query, 'change', CHANGE),
    refined: oneOf(query, 'refined', REFINED),
    q,
    page: integer(query, 'page', 1, 1, MAX_PAGE),
    size,
  };
}

/** The filters as a query string (`?stage=meta&kept=kept`), with `changes` applied. */
export function filtersQuery(
  filters: EpisodeFilters,
  changes: Partial<Record<keyof EpisodeFilters, string | number | undefined>> = {},
): string {
  const merged: Record<string, string | number | undefined> = { ...filters, ...changes };
  const params = new URLSearchParams();
  for (const key of ['stage', 'kept', 'verdict', 'change', 'refined', 'q', 'page', 'size']) {
    const value = merged[key];
    if (value === undefined || value === '') continue;
    if ((key === 'page' && value === 1) || (key === 'size' && value === 50)) continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * A search box's text as an FTS5 query that cannot be malformed: each word or "quoted phrase"
 * becomes a quoted phrase (all must match); a trailing `*` keeps a prefix search.
 */
export function ftsQuery(text: string): string | undefined {
  const terms: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|(\S+)/g)) {
    const phrase = (m[1] ?? m[2]).trim();
    if (!phrase) continue;
    const prefix = m[2] !== undefined && phrase.endsWith('*') && phrase.length > 1;
    const body = (prefix ? phrase.slice(0, -1) : phrase).replace(/"/g, '""');
    terms.push(`"${body}"${prefix ? '*' : ''}`);
  }
  return terms.length ? terms.join(' ') : undefined;
}
