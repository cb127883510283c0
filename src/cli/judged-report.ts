// What a judged evaluation prints and writes: the table, the judged part of `eval --json`, and the
// JSONL of every judgement (`--judgements`).
import type { EvalMetrics } from '../evaluate/metrics.js';
import type { PairwiseReport } from '../evaluate/pairwise.js';
import type { RubricReport } from '../evaluate/rubric.js';
import { grid, pct } from '../report/table.js';
import type { Problem } from '../spec/task.js';

/** What a judged evaluation found: eval's metrics and the judge's reports. */
export interface JudgedResult {
  readonly metrics: EvalMetrics;
  readonly judge: string;
  readonly judgeId: string;
  readonly baseline: string | null;
  readonly pairwise?: PairwiseReport;
  readonly rubric?: RubricReport;
}

/** Every judgement as a JSONL line: the answers shown, what the judge wrote and how it counted. */
export function judgementLines(
  problems: readonly Problem[],
  answers: readonly string[],
  baseline: readonly string[] | undefined,
  pairwise: PairwiseReport | undefined,
  rubric: RubricReport | undefined,
): string {
  const rows: unknown[] = [];
  problems.forEach((p, i) => {
    const shown = { id: p.id, prompt: p.prompt, answer: answers[i] };
    const pair = pairwise?.judgements[i];
    if (pair) rows.push({ kind: 'pairwise', ...shown, baseline: baseline?.[i], ...pair });
    const score = rubric?.judgements[i];
    if (score) rows.push({ kind: 'rubric', ...shown, ...score });
  });
  return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/** The judged part of `eval --json`: counts, rates and intervals, without each judgement's text. */
export function judgedJson(result: JudgedResult): Record<string, unknown> {
  const { judgements: _p, ...pairwise } = result.pairwise ?? { judgements: [] };
  const { judgements: _r, ...rubric } = result.rubric ?? { judgements: [] };
  return {
    judge: result.judge,
    judge_id: result.judgeId,
    baseline: result.baseline,
    pairwise: result.pairwise ? pairwise : null,
    rubric: result.rubric ? rubric : null,
  };
}

/** The judged part of eval's text output: a table for pairs, one for rubric scores. */
export function formatJudged(result: JudgedResult, label: string): string {
  const out: string[] = [];
  const p = result.pairwise;
  if (p) {
    const share = (n: number) => pct(p.pairs ? n / p.pairs : null);
    const rows = [
      ['wins', String(p.wins), share(p.wins)],
      ['ties', String(p.ties), share(p.ties)],
      ['losses', String(p.losses), share(p.losses)],
      ['unparseable', String(p.unparseable), share(p.unparseable)],
    ];
    const ci = p.ci95 ? ` (95% CI ${pct(p.ci95.low)}-${pct(p.ci95.high)}, Wilson)` : '';
    out.push(
      `${label} vs ${result.baseline}, judged by ${result.judge} in both orders (A/B, B/A):`,
      grid(['', 'pairs', 'share'], rows),
      `win rate ${pct(p.win_rate)}${ci}`,
      `${p.inconsistent} of ${p.wins + p.ties + p.losses} decided pairs judged differently in the ` +
        `two orders · ${p.unparseable_answers} of ${2 * p.pairs} judge answers unparseable`,
    );
  }
  const r = result.rubric;
  if (r) {
    const mean = r.mean === null ? '-' : r.mean.toFixed(2);
    out.push(
      `${p ? '\n' : ''}${label} scored by ${result.judge} against the rubric (${r.scale.min}-${r.scale.max}): ` +
        `mean ${mean} over ${r.scored} answers · ${r.unparseable} of ${r.n} judge answers unparseable`,
      grid(
        ['score', 'answers'],
        Object.entries(r.distribution).map(([score, n]) => [score, String(n)]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
