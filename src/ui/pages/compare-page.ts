// Compare: two or more runs side by side, the `runs compare` table (each ablation row per run,
// mean ± sd) and its plots; with fewer than two runs, a picker.
import { chartCanvas } from '../../report/charts.js';
import { compareRuns } from '../../report/compare.js';
import { compareCharts } from '../../report/compare-charts.js';
import { type Html, html } from '../../report/html.js';
import type { RunSummary } from '../../self/summary.js';
import type { RunRecord } from '../../spec/run-store.js';
import { badge, page, percent, runPath } from './layout.js';

export function comparePicker(
  storePath: string,
  runs: readonly RunRecord[],
  chosen: readonly string[],
): string {
  return page(
    { title: 'Compare', storePath },
    html`<h1>Compare runs</h1><p>Pick two or more runs (for example the same config over several seeds).</p>
<form method="get" action="/compare"><table class="runs">${runs.map(
      (r) =>
        html`<tr><td><input type="checkbox" name="run" value="${r.name}" id="pick-${r.name}"${chosen.includes(r.name) ? html` checked` : ''}></td>
<td class="text"><label for="pick-${r.name}">${r.name}</label></td><td>${badge(r.status)}</td><td>seed ${r.seed}</td></tr>`,
    )}</table><button type="submit">Compare</button></form>`,
  );
}

function table(summaries: readonly RunSummary[]): Html {
  const rows = compareRuns(summaries);
  const sd = (x: number) => `${(x * 100).toFixed(1)}`;
  return html`<table class="compare" id="compare-table"><tr><th></th>${summaries.map(
    (s) => html`<th><a href="${runPath(s.run)}">${s.run}</a></th>`,
  )}<th>mean ± sd</th><th>min – max</th></tr>${rows.map(
    (r) =>
      html`<tr><td>${r.label}</td>${r.values.map((v) => html`<td>${percent(v)}</td>`)}
<td>${percent(r.mean)} ± ${sd(r.sd)}</td><td>${percent(r.min)} – ${percent(r.max)}</td></tr>`,
  )}</table>`;
}

export function comparePage(storePath: string, summaries: readonly RunSummary[]): string {
  const names = summaries.map((s) => s.run);
  const unfinished = summaries.filter((s) => s.stages.length === 0).map((s) => s.run);
  return page(
    { title: `compare ${names.join(', ')}`, storePath, charts: true },
    html`<h1>Compare ${names.map((n, i) => html`${i ? ', ' : ''}<a href="${runPath(n)}"><code>${n}</code></a>`)}</h1>
<p class="muted">Accuracy on the held-out set of each ablation row, per run (as <code>self-evolve runs compare</code>).</p>
${unfinished.length ? html`<div class="notice">No finished stage yet in ${unfinished.join(', ')}.</div>` : ''}
${table(summaries)}
<div class="plots">${compareCharts(summaries).map(chartCanvas)}</div>`,
  );
}
