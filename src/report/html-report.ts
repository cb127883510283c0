// report.html beside a run: the tables, the run's plots (Chart.js, inlined with its draw script:
// no network, nothing to install) and a few example episodes. One self-contained file.

import type { RunSummary } from '../self/summary.js';
import type { ModelRecord, SampleRecord, StageRecord } from '../spec/run-store.js';
import { CHART_INIT_SOURCE, chartLibrarySource } from './chart-library.js';
import { chartCanvas, runCharts } from './charts.js';
import { type Html, html, raw } from './html.js';
import { ablationRows, pct, scoreRows } from './table.js';

export interface ReportInput {
  readonly summary: RunSummary;
  /** The config as JSON, shown at the end. */
  readonly config: unknown;
  /** A few samples to show as examples (e.g. refined-and-kept ones from the last round). */
  readonly examples: readonly SampleRecord[];
  /** The run's models, for the training-loss plot (left out: no loss plot). */
  readonly models?: readonly ModelRecord[];
  /** The run's stage records, for the cost plot when stages recorded their usage. */
  readonly stages?: readonly StageRecord[];
}

/** The column heads of the per-stage table, shared with the UI. */
export const STAGE_TABLE_HEAD = [
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

/** The ablation table and the per-stage table. */
export function summaryTables(summary: RunSummary): Html {
  const ablation = ablationRows(summary).map(
    (r) => html`<tr><td>${r.label}</td><td>${pct(r.accuracy)}</td></tr>`,
  );
  const rows = summary.stages.map((s) => {
    const cells = [
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
    ];
    return html`<tr>${cells.map((c) => html`<td>${String(c)}</td>`)}</tr>`;
  });
  const scores = scoreRows(summary);
  const scored = scores
    ? html`<h2>Scores</h2><p>${scores.caption}</p><table class="stages"><tr>${scores.head.map((h) => html`<th>${h}</th>`)}</tr>${scores.rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</table>`
    : '';
  return html`<h2>Ablation</h2><table class="ablation">${ablation}</table>
<h2>Every stage</h2><table class="stages"><tr>${STAGE_TABLE_HEAD.map((h) => html`<th>${h}</th>`)}</tr>${rows}</table>${scored}`;
}

function example(s: SampleRecord): Html {
  const steps = s.attempts.map(
    (a, i) =>
      html`<div class="turn"><b>${i === 0 ? 'response' : `refinement ${i}`}</b><pre>${a.text}</pre></div>${
        a.feedback === undefined
          ? ''
          : html`<div class="turn fb"><b>feedback</b><pre>${a.feedback}</pre></div>`
      }`,
  );
  return html`<div class="example"><div class="turn"><b>prompt</b><pre>${s.prompt}</pre></div>${steps}<div class="why">${s.kept ? 'kept' : 'dropped'}: ${s.reason}</div></div>`;
}

/** Inline `<script>` bodies must not contain `</script`. */
const inlineScript = (source: string): Html =>
  raw(`<script>${source.replace(/<\/(script)/gi, '<\\/$1')}</script>`);

/** The whole report as one HTML document. */
export function htmlReport(input: ReportInput): string {
  const { summary } = input;
  const charts = runCharts(input).map(chartCanvas);
  return `<!doctype html>
${html`<html lang="en"><head><meta charset="utf-8"><title>self-evolve run ${summary.run}</title>
<style>
body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:1em}
.chart{margin:0}.chart-box{position:relative;height:280px}
.example{border:1px solid #ddd;margin:1em 0;padding:.5em}.turn pre{margin:.2em 0 .6em;background:#f6f6f6;padding:.4em;white-space:pre-wrap}
.fb pre{background:#fff7e6}.why{color:#555;font-size:.9em}
</style></head><body>
<h1>self-evolve run <code>${summary.run}</code></h1>
<p>SELF: base → meta-skills → self-evolution rounds; accuracy measured on the held-out set,
directly and with online self-refinement. Total ${summary.total_seconds.toFixed(0)} s.</p>
<noscript><p>The plots need JavaScript (inlined in this file); the tables below do not.</p></noscript>
<div class="plots">${charts}</div>
${summaryTables(summary)}
<h2>Examples from the last round</h2>
${input.examples.length ? input.examples.map(example) : html`<p>none</p>`}
<h2>Config</h2><pre>${JSON.stringify(input.config, null, 2)}</pre>
${inlineScript(chartLibrarySource())}${inlineScript(CHART_INIT_SOURCE)}
</body></html>`}
`;
}
