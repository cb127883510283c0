// The UI in a real browser (Debian's Chromium driven by playwright-core) against real stores: the
// runs list follows a run another process is writing, episode filters set in the page give the
// counts SQL gives, an episode shows all its parts, compare shows two runs, no console errors.
// Screenshots of every page go to $UI_SCREENSHOTS (default: a temporary folder).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { type RunningUi, startUi } from './start-ui.js';
import { writeSyntheticRun } from './synthetic-runs.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const bin = join(import.meta.dirname, '../../bin/self-evolve.js');
const dir = mkdtempSync(join(tmpdir(), 'ui-browser-'));
const shots = resolve(process.env.UI_SCREENSHOTS ?? join(dir, 'screenshots'));
const runsDir = join(dir, 'runs');
const liveDir = join(dir, 'live');

// CI installs Chromium (.ci/run); elsewhere a missing browser skips these tests, saying why.
const missing = !existsSync(CHROMIUM);
if (missing && process.env.CI)
  throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
if (missing)
  console.warn(`skipping the browser tests: no ${CHROMIUM} (apt-get install -y chromium)`);

let ui: RunningUi;
let liveUi: RunningUi;
let context: BrowserContext;
let child: ChildProcess | undefined;
let db: Database.Database;
const problems: string[] = [];

async function open(url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${url}: console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${url}: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('http://127.0.0.1:') && !r.url().startsWith('data:'))
      problems.push(`${url}: request to ${r.url()}`);
  });
  await page.goto(url);
  return page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

/** Charts the page drew with Chart.js, and how many datasets each has. */
// Functions that run in the page (serialized by Playwright; the pages' CSP forbids string eval).
// This project's TypeScript has no DOM types, so they reach the page through this shape.
interface PageDocument {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): ArrayLike<{ _chart?: { data: { datasets: unknown[] } } }>;
}

/** Datasets of each chart the page drew with Chart.js (0 for a canvas it did not draw). */
const drawn = (page: Page) =>
  page.evaluate(() => {
    const d = (globalThis as unknown as { document: PageDocument }).document;
    return Array.from(d.querySelectorAll('canvas[data-chart]')).map(
      (c) => c._chart?.data.datasets.length ?? 0,
    );
  });

/** Waits until the page shows `n` charts, all drawn. */
const charts = (page: Page, n: number) =>
  page.waitForFunction((count) => {
    const all = Array.from(
      (globalThis as unknown as { document: PageDocument }).document.querySelectorAll(
        'canvas[data-chart]',
      ),
    );
    return all.length === count && all.every((c) => c._chart);
  }, n);

const sql = (query: string, ...params: unknown[]) =>
  (db.prepare(query).get(...params) as { n: number }).n;

describe.skipIf(missing)('self-evolve ui in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    const store = new SqliteRunStore(join(runsDir, 'runs.db'));
    const size = { metaPrompts: 150, prompts: 200, test: 80 };
    await writeSyntheticRun(store, { name: 'alpha', dir: join(runsDir, 'alpha'), ...size });
    await writeSyntheticRun(store, { name: 'beta', seed: 2, dir: join(runsDir, 'beta'), ...size });
    store.close();
    db = new Database(join(runsDir, 'runs.db'), { readonly: true });
    ui = await startUi({ runsDir, port: 0 });
    liveUi = await startUi({ runsDir: liveDir, port: 0 });
    context = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), {
      executablePath: CHROMIUM,
      args: ARGS,
      viewport: { width: 1360, height: 900 },
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await context?.close();
    await ui?.close();
    await liveUi?.close();
    db?.close();
  });

  it('the runs list follows a run that another process is writing', async () => {
    const page = await open(liveUi.url);
    expect(await page.locator('#no-store').textContent()).toMatch(/No run store yet/);
    // A real run through the CLI at a tiny size, so that chunks land within seconds.
    const config = join(dir, 'tiny.json');
    writeFileSync(
      config,
      JSON.stringify({
        data: { train: 300, test: 40 },
        base: { train: { steps: 30 } },
        meta: { prompts: 120, train: { steps: 20 } },
        evolve: { rounds: 1, prompts: 120, train: { steps: 10 } },
      }),
    );
    child = spawn(
      process.execPath,
      [
        bin,
        'run',
        '--preset',
        'quick',
        '--config',
        config,
        '--name',
        'live',
        '--runs-dir',
        liveDir,
        '--json',
      ],
      { stdio: 'ignore' },
    );
    const row = page.locator('tr[data-run="live"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.locator('.badge').textContent()).toBe('running');
    const first = await row.locator('.progress-text').textContent();
    // Without reloading: the table refreshes itself as chunks are stored.
    await page.waitForFunction(
      (before) =>
        (globalThis as unknown as { document: PageDocument }).document.querySelector(
          'tr[data-run="live"] .progress-text',
        )?.textContent !== before,
      first,
      { timeout: 45_000, polling: 250 },
    );
    const later = await row.locator('.progress-text').textContent();
    expect(later).toMatch(/\d+ \/ [\d,]+ samples/);
    await shot(page, 'runs-live');
    // The UI is under test here, not a clean stop (resume.test.ts covers kills): stop it hard, and
    // do not wait for an exit that has already happened.
    const stopped = child.exitCode !== null || child.signalCode !== null;
    const exited = stopped ? Promise.resolve() : new Promise((done) => child?.once('exit', done));
    child.kill('SIGKILL');
    await exited;
    await page.close();
  }, 90_000);

  it('a run page draws every plot with Chart.js', async () => {
    const page = await open(ui.url);
    expect(await page.locator('tr[data-run]').count()).toBe(2);
    await shot(page, 'runs');
    await page.click('a[href="/runs/alpha"]');
    await charts(page, 6);
    const datasets = await drawn(page);
    expect(datasets).toHaveLength(6);
    for (const n of datasets) expect(n).toBeGreaterThan(0);
    expect(await page.locator('table.ablation tr').count()).toBe(6);
    await shot(page, 'run');
    await page.close();
  });

  it('episode filters set in the page give the counts SQL gives, and live in the URL', async () => {
    const page = await open(`${ui.url}runs/alpha/episodes`);
    const all = sql("SELECT count(*) n FROM samples WHERE run = 'alpha'");
    expect(await page.locator('#total').textContent()).toBe(all.toLocaleString('en-US'));
    await page.selectOption('select[name=stage]', 'round-1');
    await page.selectOption('select[name=kept]', 'dropped');
    await page.selectOption('select[name=refined]', 'yes');
    await page.click('button[type=submit]');
    await page.waitForURL(/stage=round-1/);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      stage: 'round-1',
      kept: 'dropped',
      refined: 'yes',
    });
    const dropped = sql(
      "SELECT count(*) n FROM samples WHERE run = 'alpha' AND stage = 'round-1' AND kept = 0 AND (json_array_length(attempts) > 1 OR refinement IS NOT NULL)",
    );
    expect(dropped).toBeGreaterThan(0);
    expect(await page.locator('#total').textContent()).toBe(String(dropped));
    expect(await page.locator('#episodes tr[data-id]').count()).toBe(Math.min(50, dropped));
    await page.fill('input[name=q]', 'step');
    await page.click('button[type=submit]');
    await page.waitForURL(/q=step/);
    const searched = sql(
      "SELECT count(*) n FROM samples WHERE run = 'alpha' AND stage = 'round-1' AND kept = 0 AND (json_array_length(attempts) > 1 OR refinement IS NOT NULL) AND (attempts LIKE '%step%' OR refinement LIKE '%step%' OR prompt LIKE '%step%')",
    );
    expect(await page.locator('#total').textContent()).toBe(String(searched));
    await shot(page, 'episodes');
    // The link is shareable: a fresh page at the same URL shows the same selection.
    const shared = await open(page.url());
    expect(await shared.locator('#total').textContent()).toBe(String(searched));
    expect(await shared.locator('select[name=kept]').inputValue()).toBe('dropped');
    await shared.close();
    // Paging over everything: page 2 of 25 holds rows 26-50.
    await page.goto(`${ui.url}runs/alpha/episodes?size=25`);
    await page.click('.pager a:has-text("next")');
    await page.waitForURL(/page=2/);
    expect(await page.locator('#episodes tr[data-id]').count()).toBe(25);
    await shot(page, 'episodes-page-2');
    await page.close();
  });

  it('an episode shows prompt, answer, feedback and refinement with the changes marked', async () => {
    const page = await open(`${ui.url}runs/alpha/episodes?stage=round-2&refined=yes&change=fixed`);
    await page.locator('#episodes tr[data-id] a').first().click();
    await page.waitForURL(/\/episodes\/round-2\/\d+\/\d+\?/);
    const kinds = await page
      .locator('#trace section')
      .evaluateAll((s) => s.map((x) => x.className));
    expect(kinds.slice(0, 4)).toEqual([
      'turn prompt',
      'turn answer',
      'turn feedback',
      'turn refinement',
    ]);
    expect(await page.locator('#trace section.refinement ins').count()).toBeGreaterThan(0);
    expect(await page.locator('#trace section.refinement del').count()).toBeGreaterThan(0);
    const facts = (await page.locator('#episode-facts').textContent()) ?? '';
    expect(facts).toMatch(/reference answer\s*-?\d+/);
    expect(facts).toMatch(/refinement\s*fixed/);
    expect(await page.locator('a:has-text("back to the list")').getAttribute('href')).toMatch(
      /change=fixed/,
    );
    await shot(page, 'episode');
    await page.close();
  });

  it('compare shows two runs side by side', async () => {
    const page = await open(ui.url);
    await page.check('input[value=alpha]');
    await page.check('input[value=beta]');
    await page.click('button:has-text("Compare selected")');
    await page.waitForURL(/compare\?run=(alpha|beta)&run=(alpha|beta)/);
    const head = await page.locator('#compare-table tr').first().textContent();
    expect(head).toMatch(/(alpha[\s\S]*beta|beta[\s\S]*alpha)[\s\S]*mean ± sd/);
    await charts(page, 3);
    const datasets = await drawn(page);
    expect(datasets).toEqual([2, 2, 2]);
    await shot(page, 'compare');
    await page.close();
  });

  it('an unknown run is a clear page, and no page logged an error', async () => {
    const page = await context.newPage();
    const res = await page.goto(`${ui.url}runs/nope`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('#error').textContent()).toMatch(
      /no run named "nope"[\s\S]*runs: (alpha, beta|beta, alpha)/,
    );
    await page.close();
    expect(problems).toEqual([]);
  });
});
