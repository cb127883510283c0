// The Runs page: every run with its status, step, progress, elapsed and estimated time and
// accuracy so far; the table refreshes itself while runs write to the store.
import { type Html, html } from '../../report/html.js';
import type { RunOverview } from '../run-overview.js';
import { badge, count, duration, live, page, percent, runPath } from './layout.js';

/** The progress cell: a bar and `done / total samples`. */
export function progressCell(o: RunOverview): Html {
  const value = o.fraction === null ? '' : o.fraction.toFixed(3);
  const of = o.total === null ? '' : ` / ${count(o.total)}`;
  return html`<progress max="1" value="${value}"></progress>
<span class="progress-text">${percent(o.fraction, 0)} · ${count(o.done)}${of} samples</span>`;
}

function idle(o: RunOverview): Html | string {
  if (o.run.status !== 'running' || o.idleSeconds < 120) return '';
  return html`<div class="muted">no write for ${duration(o.idleSeconds)}</div>`;
}

function row(o: RunOverview): Html {
  const acc = o.accuracy;
  return html`<tr data-run="${o.run.name}">
<td><input type="checkbox" name="run" value="${o.run.name}" aria-label="compare ${o.run.name}"></td>
<td class="text"><a href="${runPath(o.run.name)}">${o.run.name}</a></td>
<td>${badge(o.run.status)}</td>
<td class="text step">${o.step}${idle(o)}</td>
<td class="progress">${progressCell(o)}</td>
<td>${duration(o.elapsedSeconds)}</td>
<td>${o.etaSeconds === null ? '—' : `≈ ${duration(o.etaSeconds)}`}</td>
<td class="accuracy">${acc ? html`${percent(acc.direct)} / ${percent(acc.refined)} <span class="muted">(${acc.stage})</span>` : '—'}</td>
<td>${o.run.seed}</td>
<td class="muted">${o.run.createdAt.replace('T', ' ').slice(0, 19)}</td></tr>`;
}

/** The live part: the table, or why there is none. */
export function runsTable(overviews: readonly RunOverview[] | { missing: string }): Html {
  if ('missing' in overviews) {
    return html`<div class="notice" id="no-store"><b>No run store yet.</b> ${overviews.missing}</div>`;
  }
  if (overviews.length === 0) {
    return html`<div class="notice" id="no-runs">The store holds no run yet; start one with
<code>self-evolve demo</code>. This page shows it as soon as it starts.</div>`;
  }
  return html`<form method="get" action="/compare"><table class="wide runs" id="runs">
<tr><th></th><th class="text">run</th><th>status</th><th class="text">step</th><th>progress</th>
<th>elapsed</th><th>time left</th><th>accuracy direct / refined</th><th>seed</th><th>started (UTC)</th></tr>
${overviews.map(row)}</table>
<button type="submit">Compare selected runs</button></form>`;
}

export function runsPage(storePath: string, table: Html): string {
  return page(
    { title: 'Runs', storePath },
    html`<h1>Runs</h1>
<p class="muted">Progress counts stored samples against what each run's config makes; time left
extrapolates the rate so far. Accuracy is the last finished stage's, on the held-out set.</p>
${live('/?fragment=runs', table)}`,
  );
}
