// The Episodes page: a filter form that lives in the URL, the number of matches, and one page of
// the table; each row opens the episode view with the same filters (for prev / next).
import { type Html, html } from '../../report/html.js';
import type { SampleRecord } from '../../spec/run-store.js';
import type { Task } from '../../spec/task.js';
import {
  CHANGE,
  type EpisodeFilters,
  filtersQuery,
  KEPT,
  PAGE_SIZES,
  REFINED,
  VERDICT,
} from '../episode-filters.js';
import type { EpisodeFacts, EpisodePage, EpisodeRow } from '../episode-index.js';
import type { RunLabels } from '../run-labels.js';
import { badge, count, mark, page, runPath } from './layout.js';

function select(
  name: string,
  label: string,
  options: readonly (readonly [string, string])[],
  value: string | number | undefined,
): Html {
  return html`<label>${label}<select name="${name}">${options.map(
    ([v, text]) =>
      html`<option value="${v}"${String(value ?? '') === v ? html` selected` : ''}>${text}</option>`,
  )}</select></label>`;
}

const choices = (all: readonly string[], none: string) =>
  [['', none], ...all.map((v) => [v, v] as const)] as const;

/** Whether a sample went into training data; evaluation samples never do. */
export function dataBadge(s: SampleRecord): Html {
  if (s.stage.startsWith('eval:')) return badge('evaluation', 'eval');
  return badge(s.kept ? 'kept' : 'dropped');
}

/** What refinement did, in words, for the table. */
export function changeOf(f: EpisodeFacts): string {
  if (f.firstOk === null || f.finalOk === null) return '—';
  if (!f.firstOk && f.finalOk) return 'fixed';
  if (f.firstOk && !f.finalOk) return 'broke';
  return f.refined ? 'unchanged' : 'not refined';
}

/** The verdict the model (or teacher) gave first, and whether the label agrees. */
export function verdictOf(f: EpisodeFacts): Html {
  if (f.said === null) return html`<span class="na">none</span>`;
  const right = f.firstOk === null ? null : f.said === f.firstOk;
  return html`${f.said ? 'correct' : 'wrong'} ${mark(right)}`;
}

export function episodePath(run: string, f: EpisodeFacts, filters: EpisodeFilters): string {
  const key = `/episodes/${encodeURIComponent(f.stage)}/${f.chunk}/${f.idx}`;
  return runPath(run, key) + filtersQuery(filters, { page: undefined });
}

function row(run: string, r: EpisodeRow, task: Task | undefined, filters: EpisodeFilters): Html {
  const { facts, sample } = r;
  const answer = (text: string) => task?.extractAnswer(text) ?? '—';
  const final = sample.refinement ?? sample.response;
  return html`<tr data-id="${facts.id}">
<td class="text"><a href="${episodePath(run, facts, filters)}">${facts.stage} ${facts.chunk}.${facts.idx}</a></td>
<td class="text prompt" title="${sample.prompt}">${sample.prompt}</td>
<td>${answer(sample.response)} ${mark(facts.firstOk)}</td>
<td class="verdict">${verdictOf(facts)}</td>
<td>${facts.refined ? html`${answer(final)} ${mark(facts.finalOk)}` : html`<span class="na">—</span>`}</td>
<td class="change">${changeOf(facts)}</td>
<td>${dataBadge(sample)}</td>
<td class="text muted">${sample.reason}</td></tr>`;
}

function pager(run: string, result: EpisodePage, filters: EpisodeFilters, top = true): Html {
  const pages = Math.max(1, Math.ceil(result.total / filters.size));
  const base = runPath(run, '/episodes');
  const link = (p: number, text: string) =>
    p < 1 || p > pages
      ? html`<span class="muted">${text}</span>`
      : html`<a href="${base}${filtersQuery(filters, { page: p })}">${text}</a>`;
  return html`<div class="pager"><span>${top ? html`<b id="total">${count(result.total)}</b>` : html`<b>${count(result.total)}</b>`} episodes match</span>
${link(filters.page - 1, '← previous')}<span>page ${count(filters.page)} of ${count(pages)}</span>
${link(filters.page + 1, 'next →')}</div>`;
}

export function episodesPage(
  storePath: string,
  run: string,
  filters: EpisodeFilters,
  result: EpisodePage,
  labels: RunLabels,
): string {
  const task = labels.ok ? labels.task : undefined;
  const stageOptions = [
    ['', `all stages (${count(result.stages.reduce((n, s) => n + s.count, 0))})`] as const,
    ...result.stages.map((s) => [s.stage, `${s.stage} (${count(s.count)})`] as const),
  ];
  if (filters.stage && !result.stages.some((s) => s.stage === filters.stage))
    stageOptions.push([filters.stage, `${filters.stage} (0)`]);
  const notices = [
    labels.ok
      ? ''
      : html`<div class="notice" id="no-labels">No labels for this run, so the right / wrong and fixed / broke filters match nothing: ${labels.reason}</div>`,
    filters.q && !result.indexedSearch
      ? html`<div class="notice">This store predates the search index (schema 1): search scans the text. Any writing command (e.g. <code>self-evolve runs</code>) upgrades it.</div>`
      : '',
  ];
  const form = html`<form class="filters" method="get" action="${runPath(run, '/episodes')}">
${select('stage', 'stage', stageOptions, filters.stage)}
${select('kept', 'training data', choices(KEPT, 'kept or dropped'), filters.kept)}
${select('verdict', 'first verdict vs label', choices(VERDICT, 'any verdict'), filters.verdict)}
${select('refined', 'refined', choices(REFINED, 'either'), filters.refined)}
${select('change', 'refinement vs label', choices(CHANGE, 'any outcome'), filters.change)}
<label>search prompt and text<input type="search" name="q" value="${filters.q ?? ''}" placeholder="words or &quot;a phrase&quot;"></label>
${select(
  'size',
  'per page',
  PAGE_SIZES.map((n) => [String(n), String(n)] as const),
  filters.size,
)}
<button type="submit">Apply</button><a href="${runPath(run, '/episodes')}">reset</a></form>`;
  const table = html`<table class="wide episodes" id="episodes"><tr><th class="text">episode</th>
<th class="text">prompt</th><th>first answer</th><th>first verdict</th><th>refined answer</th>
<th>refinement</th><th>data</th><th class="text">reason</th></tr>
${result.rows.map((r) => row(run, r, task, filters))}</table>`;
  return page(
    { title: `episodes of ${run}`, storePath },
    html`<h1>Episodes of <a href="${runPath(run)}"><code>${run}</code></a></h1>
${notices}${form}${pager(run, result, filters)}${result.rows.length ? table : html`<p class="muted">No episode matches these filters.</p>`}
${result.rows.length ? pager(run, result, filters, false) : ''}`,
  );
}
