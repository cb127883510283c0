// One run: where it is (refreshing while it runs), its plots, the ablation and per-stage tables,
// its models, and links into its episodes by stage.
import { chartCanvas, runCharts } from '../../report/charts.js';
import { type Html, html } from '../../report/html.js';
import { summaryTables } from '../../report/html-report.js';
import type { ModelRecord, StageRecord } from '../../spec/run-store.js';
import { stageOrder } from '../episode-index.js';
import type { RunOverview } from '../run-overview.js';
import { badge, count, duration, live, page, runPath } from './layout.js';
import { progressCell } from './runs-page.js';

function samplesTable(o: RunOverview): Html {
  const stages = [...o.samplesByStage].sort((a, b) => stageOrder(a[0]) - stageOrder(b[0]));
  if (stages.length === 0) return html`<p class="muted">No sample stored yet.</p>`;
  return html`<table class="samples"><tr><th>stage</th><th>samples</th></tr>${stages.map(
    ([stage, n]) =>
      html`<tr><td><a href="${runPath(o.run.name, `/episodes?stage=${encodeURIComponent(stage)}`)}">${stage}</a></td><td>${count(n)}</td></tr>`,
  )}</table>`;
}

export function runHeader(o: RunOverview): Html {
  const { run } = o;
  return html`<h1>Run <code>${run.name}</code> ${badge(run.status)}</h1>
<div class="facts" id="run-facts">
<span>step</span><span class="step">${o.step}</span>
<span>progress</span><span>${progressCell(o)}</span>
<span>elapsed</span><span>${duration(o.elapsedSeconds)}</span>
<span>time left</span><span>${o.etaSeconds === null ? '—' : `≈ ${duration(o.etaSeconds)}`}</span>
<span>last write</span><span>${duration(o.idleSeconds)} ago</span>
<span>seed</span><span>${run.seed}</span>
<span>folder</span><span><code>${run.dir}</code></span>
</div>
<p><a href="${runPath(run.name, '/episodes')}">Episodes</a> ·
<a href="${runPath(run.name, '/report.html')}">report.html</a> (one self-contained file) ·
<a href="/compare?run=${encodeURIComponent(run.name)}">compare with…</a></p>
<details open><summary>Samples stored, by stage</summary>${samplesTable(o)}</details>`;
}

function modelsTable(models: readonly ModelRecord[]): Html {
  if (models.length === 0) return html`<p class="muted">No model trained yet.</p>`;
  const num = (v: unknown, digits: number) => (typeof v === 'number' ? v.toFixed(digits) : '—');
  return html`<table class="models"><tr><th>model</th><th>from</th><th>kind</th><th>steps</th>
<th>final loss</th><th class="text">checkpoint</th></tr>${models.map(
    (m) =>
      html`<tr><td>${m.name}</td><td>${m.parent ?? '—'}</td><td>${m.ref.kind}</td>
<td>${num(m.ref.meta?.steps, 0)}</td><td>${num(m.ref.meta?.finalLoss, 4)}</td>
<td class="text"><code>${m.ref.id}</code></td></tr>`,
  )}</table>`;
}

/** The part that changes only when a stage finishes or a model is recorded (so plots stay put). */
export function runResults(
  o: RunOverview,
  models: readonly ModelRecord[],
  stages: readonly StageRecord[],
): Html {
  const finished = o.summary.stages.length;
  const charts = runCharts({ summary: o.summary, models, stages });
  return html`${
    finished === 0
      ? html`<div class="notice">No stage has finished yet: the plots and tables appear as stages finish (${o.plan.join(' → ') || 'unknown plan'}).</div>`
      : html`<div class="plots">${charts.map(chartCanvas)}</div>${summaryTables(o.summary)}`
  }
<h2>Models</h2>${modelsTable(models)}`;
}

export function runPage(storePath: string, o: RunOverview, results: Html): string {
  const base = runPath(o.run.name);
  return page(
    { title: `run ${o.run.name}`, storePath, charts: true },
    html`${live(`${base}?fragment=header`, runHeader(o))}
${live(`${base}?fragment=results`, results)}
<details><summary>Config</summary><pre>${JSON.stringify(o.run.config, null, 2)}</pre></details>`,
  );
}
