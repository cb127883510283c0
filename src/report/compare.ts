// Several runs side by side (e.g. the same config over 3 seeds): each ablation row's accuracy per
// run, with mean and spread, as a markdown table.
import type { RunSummary } from '../self/summary.js';
import { ablationRows } from './table.js';

export interface ComparedRow {
  readonly label: string;
  readonly values: (number | null)[];
  readonly mean: number;
  /** Sample standard deviation across runs (0 for one run). */
  readonly sd: number;
  readonly min: number;
  readonly max: number;
}

/** One row per ablation label, one value per run (null where a run lacks it). */
export function compareRuns(summaries: readonly RunSummary[]): ComparedRow[] {
  const labels: string[] = [];
  const byRun = summaries.map((s) => {
    const m = new Map<string, number>();
    for (const r of ablationRows(s)) {
      if (!labels.includes(r.label)) labels.push(r.label);
      m.set(r.label, r.accuracy);
    }
    return m;
  });
  return labels.map((label) => {
    const values = byRun.map((m) => m.get(label) ?? null);
    const xs = values.filter((v): v is number => v !== null);
    const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const sd =
      xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) : 0;
    return { label, values, mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
  });
}

const p = (x: number | null) => (x === null ? '-' : (x * 100).toFixed(1));

/** The comparison as a markdown table (accuracies in %). */
export function formatComparison(summaries: readonly RunSummary[]): string {
  const rows = compareRuns(summaries);
  const head = `| | ${summaries.map((s) => s.run).join(' | ')} | mean ± sd |`;
  const rule = `|---|${summaries.map(() => '---:').join('|')}|---:|`;
  const body = rows.map(
    (r) => `| ${r.label} | ${r.values.map(p).join(' | ')} | ${p(r.mean)} ± ${p(r.sd)} |`,
  );
  return [head, rule, ...body].join('\n');
}
