// report.html beside a run: the tables, three plots (accuracy by stage, feedback quality by stage,
// flips), and a few example episodes. One self-contained file: inline CSS and SVG, no scripts.

import type { RunSummary } from '../self/summary.js';
import type { SampleRecord } from '../spec/run-store.js';
import { chart, escapeHtml as esc } from './svg.js';
import { ablationRows, pct } from './table.js';

export interface ReportInput {
  readonly summary: RunSummary;
  /** The config as JSON, shown at the end. */
  readonly config: unknown;
  /** A few samples to show as examples (e.g. refined-and-kept ones from the last round). */
  readonly examples: readonly SampleRecord[];
}

const fraction = (v: number) => `${Math.round(v * 100)}%`;

function plots(summary: RunSummary): string {
  const names = summary.stages.map((s) => s.name);
  const accuracy = chart({
    title: 'Accuracy on the held-out set, by stage',
    kind: 'bars',
    categories: names,
    max: 1,
    format: fraction,
    series: [
      { name: 'direct', color: '#4e79a7', values: summary.stages.map((s) => s.direct_acc) },
      {
        name: 'online refinement',
        color: '#f28e2b',
        values: summary.stages.map((s) => s.refined_acc),
      },
    ],
  });
  const feedback = chart({
    title: 'Self-feedback quality (verdict "wrong")',
    kind: 'lines',
    categories: names,
    max: 1,
    format: fraction,
    series: [
      {
        name: 'precision',
        color: '#59a14f',
        values: summary.stages.map((s) => s.feedback_precision),
      },
      { name: 'recall', color: '#e15759', values: summary.stages.map((s) => s.feedback_recall) },
      {
        name: 'kept precision',
        color: '#b07aa1',
        values: summary.stages.map((s) => s.kept_precision),
      },
    ],
  });
  const flips = chart({
    title: 'Flips caused by online refinement',
    kind: 'bars',
    categories: names,
    format: (v) => String(Math.round(v)),
    series: [
      {
        name: 'wrong → right',
        color: '#59a14f',
        values: summary.stages.map((s) => s.wrong_to_right),
      },
      {
        name: 'right → wrong',
        color: '#e15759',
        values: summary.stages.map((s) => s.right_to_wrong),
      },
    ],
  });
  return `<div class="plots">${accuracy}${feedback}${flips}</div>`;
}

function tables(summary: RunSummary): string {
  const ablation = ablationRows(summary)
    .map((r) => `<tr><td>${esc(r.label)}</td><td>${pct(r.accuracy)}</td></tr>`)
    .join('');
  const head = [
    'stage',
    'direct',
    'refined',
    'fb precision',
    'fb recall',
    'w→r',
    'r→w',
    'generated',
    'kept',
    'kept precision',
    'tokens',
    'seconds',
  ];
  const rows = summary.stages
    .map((s) =>
      [
        s.name,
        pct(s.direct_acc),
        pct(s.refined_acc),
        pct(s.feedback_precision),
        pct(s.feedback_recall),
        s.wrong_to_right,
        s.right_to_wrong,
        s.generated ?? '-',
        s.kept ?? '-',
        pct(s.kept_precision),
        s.tokens,
        s.seconds.toFixed(0),
      ]
        .map((c) => `<td>${esc(String(c))}</td>`)
        .join(''),
    )
    .map((r) => `<tr>${r}</tr>`)
    .join('');
  return `<h2>Ablation</h2><table>${ablation}</table>
<h2>Every stage</h2><table><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows}</table>`;
}

function example(s: SampleRecord): string {
  const steps = s.attempts
    .map(
      (a, i) =>
        `<div class="turn"><b>${i === 0 ? 'response' : `refinement ${i}`}</b><pre>${esc(a.text)}</pre></div>` +
        (a.feedback === undefined
          ? ''
          : `<div class="turn fb"><b>feedback</b><pre>${esc(a.feedback)}</pre></div>`),
    )
    .join('');
  return `<div class="example"><div class="turn"><b>prompt</b><pre>${esc(s.prompt)}</pre></div>${steps}<div class="why">${s.kept ? 'kept' : 'dropped'}: ${esc(s.reason)}</div></div>`;
}

/** The whole report as one HTML document. */
export function htmlReport(input: ReportInput): string {
  const { summary } = input;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>self-evolve run ${esc(summary.run)}</title>
<style>
body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}.plots{display:flex;flex-wrap:wrap;gap:1em}
.example{border:1px solid #ddd;margin:1em 0;padding:.5em}.turn pre{margin:.2em 0 .6em;background:#f6f6f6;padding:.4em}
.fb pre{background:#fff7e6}.why{color:#555;font-size:.9em}
</style></head><body>
<h1>self-evolve run <code>${esc(summary.run)}</code></h1>
<p>SELF: base → meta-skills → self-evolution rounds; accuracy measured on the held-out set,
directly and with online self-refinement. Total ${summary.total_seconds.toFixed(0)} s.</p>
${plots(summary)}
${tables(summary)}
<h2>Examples from the last round</h2>
${input.examples.map(example).join('\n') || '<p>none</p>'}
<h2>Config</h2><pre>${esc(JSON.stringify(input.config, null, 2))}</pre>
</body></html>
`;
}
