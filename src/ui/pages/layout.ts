// The page shell every UI page shares (navigation, stylesheet, scripts) and small formatters.
// Scripts and styles are served from /assets, so the pages run under a strict CSP.
import { type Html, type HtmlPart, html } from '../../report/html.js';

export interface PageOptions {
  readonly title: string;
  /** The store's path, shown in the footer. */
  readonly storePath: string;
  /** Whether the page draws charts (loads Chart.js). */
  readonly charts?: boolean;
}

/** A whole HTML document. */
export function page(options: PageOptions, body: HtmlPart): string {
  return `<!doctype html>\n${html`<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · self-evolve</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/ui.css">
${options.charts ? html`<script src="/assets/chart.umd.min.js" defer></script>` : ''}
<script src="/assets/ui.js" defer></script></head><body>
<nav><a class="brand" href="/">self-evolve</a><a href="/">Runs</a><a href="/compare">Compare</a>
<span class="live" id="live" hidden></span></nav>
<main>${body}</main>
<footer>read-only view of <code>${options.storePath}</code></footer>
</body></html>`}\n`;
}

/** A container the client refreshes from `url` every two seconds. */
export const live = (url: string, content: HtmlPart): Html =>
  html`<div data-live="${url}">${content}</div>`;

export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

export const count = (n: number): string => n.toLocaleString('en-US');

export const percent = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`;

/** `/runs/<name>` with the name escaped for a path segment. */
export const runPath = (run: string, rest = ''): string =>
  `/runs/${encodeURIComponent(run)}${rest}`;

/** A status word as a coloured badge. */
export const badge = (text: string, kind = text): Html =>
  html`<span class="badge badge-${kind.replace(/[^a-z-]/g, '')}">${text}</span>`;

/** ✓ / ✗ / — for a check against the label. */
export const mark = (ok: boolean | null): Html =>
  ok === null
    ? html`<span class="na" title="no label">—</span>`
    : ok
      ? html`<span class="ok" title="right">✓</span>`
      : html`<span class="bad" title="wrong">✗</span>`;
