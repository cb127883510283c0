// The UI as a Hono app over a read-only run store: pages (runs, a run, its episodes, one episode,
// compare), the parts of them that refresh live, a JSON API, and assets. Only GET is served; this
// module is the one place the UI's errors become HTTP statuses. `start-ui.ts` binds it to a port.
import { timingSafeEqual } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { chartLibrarySource } from '../report/chart-library.js';
import type { Html } from '../report/html.js';
import { htmlReport } from '../report/html-report.js';
import { summarize } from '../self/summary.js';
import { InvalidInputError, SelfEvolveError } from '../spec/errors.js';
import { UI_SCRIPT } from './client-script.js';
import { parseFilters } from './episode-filters.js';
import { comparePage, comparePicker } from './pages/compare-page.js';
import { episodePage } from './pages/episode-page.js';
import { episodesPage } from './pages/episodes-page.js';
import { errorPage } from './pages/error-page.js';
import { runHeader, runPage, runResults } from './pages/run-page.js';
import { runsPage, runsTable } from './pages/runs-page.js';
import { UI_CSS } from './pages/styles.js';
import { reportExamples, runJson } from './run-json.js';
import { storedConfig } from './run-labels.js';
import { type RunOverview, runOverview } from './run-overview.js';
import { NotFoundError, StoreUnavailableError } from './ui-errors.js';
import type { UiStore } from './ui-store.js';

export interface UiAppOptions {
  readonly store: UiStore;
  /** When set, every request needs it: `?key=` once (kept in a cookie), or `Authorization: Bearer`. */
  readonly apiKey?: string;
  /**
   * Host names the Host header may carry (e.g. `127.0.0.1`, `localhost` when bound to loopback),
   * which stops DNS-rebinding pages from reading the runs; unset allows any.
   */
  readonly allowedHosts?: readonly string[];
  /** Called with errors answered as 500, for the caller's log. */
  readonly onInternalError?: (error: unknown) => void;
}

const COOKIE = 'self_evolve_ui_key';
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function statusOf(error: unknown): { status: ContentfulStatusCode; title: string } {
  if (error instanceof InvalidInputError) return { status: 400, title: 'Bad request' };
  if (error instanceof NotFoundError) return { status: 404, title: 'Not found' };
  if (error instanceof StoreUnavailableError) {
    if (error.reason === 'missing') return { status: 404, title: 'No run store yet' };
    if (error.reason === 'busy') return { status: 503, title: 'Run store busy' };
    return { status: 500, title: 'Run store unreadable' };
  }
  return { status: 500, title: 'Internal error' };
}

const safeEqual = (a: string | undefined, b: string): boolean => {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The hostname of a Host header (`[::1]:8100` → `::1`). */
function hostname(host: string | undefined): string {
  if (!host) return '';
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  return host.replace(/:\d+$/, '');
}

/** Builds the app. */
export function createUiApp(options: UiAppOptions): Hono {
  const { store } = options;
  const app = new Hono();
  const isApi = (c: Context) => c.req.path.startsWith('/api/');

  const fail = (
    c: Context,
    status: ContentfulStatusCode,
    title: string,
    message: string,
    hint?: string,
  ) =>
    isApi(c)
      ? c.json({ error: { message, hint: hint ?? null, status } }, status)
      : c.html(errorPage(store.path, status, title, message, hint), status);

  app.onError((error, c) => {
    const { status, title } = statusOf(error);
    if (status === 500 && !(error instanceof StoreUnavailableError))
      options.onInternalError?.(error);
    if (status === 503) c.header('Retry-After', '1');
    const known = SelfEvolveError.isInstance(error);
    const message = known ? error.message : 'internal error; see the UI server log';
    return fail(c, status, title, message, known ? error.hint : undefined);
  });
  app.notFound((c) => fail(c, 404, 'Not found', `no page ${c.req.path}`));

  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', c.req.path.startsWith('/assets/') ? 'max-age=3600' : 'no-store');
  });
  if (options.allowedHosts) {
    const allowed = new Set(options.allowedHosts);
    app.use('*', async (c, next) => {
      if (!allowed.has(hostname(c.req.header('host'))))
        return fail(
          c,
          403,
          'Host not allowed',
          `this UI answers only to ${[...allowed].join(', ')}`,
        );
      await next();
    });
  }
  if (options.apiKey) {
    const key = options.apiKey;
    app.use('*', async (c, next) => {
      const given = c.req.query('key');
      if (given !== undefined && safeEqual(given, key)) {
        setCookie(c, COOKIE, key, { httpOnly: true, sameSite: 'Strict', path: '/' });
        const url = new URL(c.req.url);
        url.searchParams.delete('key');
        return c.redirect(url.pathname + url.search, 303);
      }
      const bearer = c.req.header('authorization')?.replace(/^Bearer\s+/i, '');
      if (!safeEqual(bearer ?? getCookie(c, COOKIE), key))
        return fail(
          c,
          401,
          'Key needed',
          'this UI needs its key',
          'open the URL `self-evolve ui` printed (it ends in ?key=...)',
        );
      await next();
    });
  }
  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD')
      return fail(c, 405, 'Read-only', `the UI only reads runs; ${c.req.method} is not served`);
    await next();
  });

  app.get('/health', (c) =>
    c.json({ status: 'ok', store: store.exists() ? 'present' : 'missing' }),
  );
  app.get('/assets/ui.css', (c) =>
    c.body(UI_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }),
  );
  app.get('/assets/ui.js', (c) =>
    c.body(UI_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/assets/chart.umd.min.js', (c) =>
    c.body(chartLibrarySource(), 200, { 'Content-Type': 'text/javascript; charset=utf-8' }),
  );

  const overviews = (): RunOverview[] =>
    store.read(({ store: s }) => s.listRuns().map((run) => runOverview(s, run)));
  const fragment = (c: Context, part: Html) => c.html(part.value);

  app.get('/', (c) => {
    let table: Html;
    try {
      table = runsTable(overviews());
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || error.reason !== 'missing') throw error;
      table = runsTable({ missing: `${error.message}. ${error.hint ?? ''}` });
    }
    return c.req.query('fragment') === 'runs'
      ? fragment(c, table)
      : c.html(runsPage(store.path, table));
  });

  app.get('/runs/:run', (c) => {
    const run = store.run(c.req.param('run'));
    const { overview, models, stages } = store.read(({ store: s }) => ({
      overview: runOverview(s, run),
      models: s.models(run.name),
      stages: s.stages(run.name),
    }));
    const part = c.req.query('fragment');
    if (part === 'header') return fragment(c, runHeader(overview));
    const results = runResults(overview, models, stages);
    if (part === 'results') return fragment(c, results);
    return c.html(runPage(store.path, overview, results));
  });

  app.get('/runs/:run/report.html', (c) => {
    const run = store.run(c.req.param('run'));
    const config = storedConfig(run);
    if (!config)
      throw new InvalidInputError(`the stored config of run "${run.name}" no longer parses`);
    const report = store.read(({ store: s }) => {
      const summary = summarize(run.name, config, s);
      const last = summary.stages[summary.stages.length - 1]?.name ?? 'meta';
      return htmlReport({
        summary,
        config,
        examples: reportExamples(s, run.name, last),
        models: s.models(run.name),
        stages: s.stages(run.name),
      });
    });
    return c.html(report);
  });

  app.get('/runs/:run/episodes', async (c) => {
    const run = store.run(c.req.param('run'));
    const filters = parseFilters(c.req.query());
    await store.loadLabels(run);
    const { result, labels } = store.read(({ episodes }) => ({
      result: episodes.page(run.name, filters),
      labels: episodes.labels(run.name),
    }));
    return c.html(episodesPage(store.path, run.name, filters, result, labels));
  });

  app.get('/runs/:run/episodes/:stage/:chunk/:idx', async (c) => {
    const run = store.run(c.req.param('run'));
    const filters = parseFilters(c.req.query());
    await store.loadLabels(run);
    const key = {
      stage: c.req.param('stage'),
      chunk: Number(c.req.param('chunk')),
      idx: Number(c.req.param('idx')),
    };
    if (!Number.isInteger(key.chunk) || !Number.isInteger(key.idx))
      throw new InvalidInputError('chunk and index must be whole numbers', { field: 'episode' });
    const found = store.read(({ episodes }) => {
      const hit = episodes.episode(run.name, key, filters);
      return hit && { hit, labels: episodes.labels(run.name) };
    });
    if (!found)
      throw new NotFoundError(
        `run "${run.name}" has no episode ${key.stage} ${key.chunk}.${key.idx}`,
      );
    const { row, prev, next } = found.hit;
    return c.html(episodePage(store.path, run.name, { ...row, prev, next }, filters, found.labels));
  });

  app.get('/compare', (c) => {
    const names = [...new Set(c.req.queries('run') ?? [])];
    if (names.length < 2) {
      const runs = store.read(({ store: s }) => s.listRuns());
      const body = comparePicker(store.path, runs, names);
      return c.html(body, names.length === 1 ? 400 : 200);
    }
    const summaries = names.map((n) => {
      const run = store.run(n);
      return store.read(({ store: s }) => runOverview(s, run).summary);
    });
    return c.html(comparePage(store.path, summaries));
  });

  app.get('/api/runs', (c) => c.json({ runs: overviews().map((o) => runJson(o)) }));
  app.get('/api/runs/:run', (c) => {
    const run = store.run(c.req.param('run'));
    return c.json(store.read(({ store: s }) => runJson(runOverview(s, run), true)));
  });
  app.get('/api/runs/:run/episodes', async (c) => {
    const run = store.run(c.req.param('run'));
    const filters = parseFilters(c.req.query());
    await store.loadLabels(run);
    const result = store.read(({ episodes }) => episodes.page(run.name, filters));
    return c.json({
      total: result.total,
      stages: result.stages,
      rows: result.rows.map((r) => ({
        ...r.facts,
        prompt: r.sample.prompt,
        reason: r.sample.reason,
      })),
    });
  });
  return app;
}
