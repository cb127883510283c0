// One episode: the prompt, then answer → feedback → refinement → feedback ..., each text with
// what changed since the one before highlighted, and how it did against the label.
import { type Html, html } from '../../report/html.js';
import type { SampleRecord } from '../../spec/run-store.js';
import { type EpisodeFilters, filtersQuery } from '../episode-filters.js';
import type { EpisodeFacts } from '../episode-index.js';
import type { RunLabels } from '../run-labels.js';
import { diffWords } from '../text-diff.js';
import { changeOf, dataBadge, episodePath, verdictOf } from './episodes-page.js';
import { badge, mark, page, runPath } from './layout.js';

/** `after` with the words added since `before` in <ins> and those removed in <del>. */
export function diffMarkup(before: string, after: string): Html {
  return html`${diffWords(before, after).map((p) =>
    p.op === 'same'
      ? p.text
      : p.op === 'add'
        ? html`<ins>${p.text}</ins>`
        : html`<del>${p.text}</del>`,
  )}`;
}

function turn(kind: string, title: string, body: Html | string, extra: Html | string = ''): Html {
  return html`<section class="turn ${kind}"><h3>${title} ${extra}</h3><pre>${body}</pre></section>`;
}

function verdictBadge(verdict: SampleRecord['verdict'] | undefined): Html {
  return verdict
    ? badge(`verdict: ${verdict}`, verdict === 'correct' ? 'kept' : 'dropped')
    : badge('no verdict');
}

/** The trace, in order; `final` marks the attempt a pipeline stage used as the answer. */
function trace(s: SampleRecord): Html[] {
  const parts: Html[] = [turn('prompt', 'prompt', s.prompt)];
  const finalText = s.refinement ?? s.response;
  s.attempts.forEach((a, i) => {
    const title = i === 0 ? 'answer' : `refinement ${i}`;
    const body = i === 0 ? a.text : diffMarkup(s.attempts[i - 1].text, a.text);
    const chosen =
      s.attempts.length > 1 && a.text === finalText ? badge('final answer', 'kept') : '';
    parts.push(turn(i === 0 ? 'answer' : 'refinement', title, body, chosen));
    if (a.feedback !== undefined)
      parts.push(turn('feedback', `feedback on the ${title}`, a.feedback, verdictBadge(a.verdict)));
  });
  // In meta-skill data the refinement is the teacher's, written after its feedback.
  if (s.refinement !== undefined && !s.attempts.some((a) => a.text === s.refinement)) {
    parts.push(
      turn(
        'refinement',
        'refinement (from the feedback)',
        diffMarkup(s.response, s.refinement),
        badge('final answer', 'kept'),
      ),
    );
  }
  return parts;
}

export function episodePage(
  storePath: string,
  run: string,
  found: { sample: SampleRecord; facts: EpisodeFacts; prev?: EpisodeFacts; next?: EpisodeFacts },
  filters: EpisodeFilters,
  labels: RunLabels,
): string {
  const { sample: s, facts } = found;
  const label = labels.ok ? labels.labels.get(s.problemId) : undefined;
  const answer = (text: string) => (labels.ok ? labels.task.extractAnswer(text) : undefined) ?? '—';
  const nav = (f: EpisodeFacts | undefined, text: string) =>
    f
      ? html`<a href="${episodePath(run, f, filters)}">${text}</a>`
      : html`<span class="muted">${text}</span>`;
  return page(
    { title: `${facts.stage} ${facts.chunk}.${facts.idx} of ${run}`, storePath },
    html`<h1>Episode <code>${facts.stage} ${facts.chunk}.${facts.idx}</code> of <a href="${runPath(run)}"><code>${run}</code></a></h1>
<div class="pager">${nav(found.prev, '← previous')}
<a href="${runPath(run, '/episodes')}${filtersQuery(filters)}">back to the list</a>${nav(found.next, 'next →')}</div>
<div class="facts" id="episode-facts">
<span>problem</span><span>${s.problemId}</span>
<span>training data</span><span>${dataBadge(s)} ${s.reason}</span>
<span>reference answer</span><span>${label ?? html`<span class="na">${labels.ok ? 'no label for this problem' : `no labels: ${labels.reason}`}</span>`}</span>
<span>first answer</span><span>${answer(s.response)} ${mark(facts.firstOk)}</span>
<span>first verdict</span><span>${verdictOf(facts)}</span>
<span>final answer</span><span>${answer(s.refinement ?? s.response)} ${mark(facts.finalOk)}</span>
<span>refinement</span><span>${changeOf(facts)}</span>
<span>seed · tokens</span><span>${s.seed} · ${s.tokens}</span>
</div>
<p class="muted">Each refinement shows what changed since the text before it: <ins>added</ins>, <del>removed</del>.</p>
<div id="trace">${trace(s)}</div>`,
  );
}
