// The UI over real HTTP on 127.0.0.1 against a real SQLite store of synthetic runs: episode
// counts checked against SQL and the pipeline's own metrics, paging, bad input (no store, a
// locked store, unknown runs, malformed filters), the key and Host checks, and that the store's
// file is byte for byte the same after the UI read everything.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineData, roundPrompts } from '../self/data.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { createTask } from '../tasks/task-registry.js';
import { type RunningUi, startUi } from './start-ui.js';
import { syntheticConfig, writeSyntheticRun } from './synthetic-runs.js';

const dir = mkdtempSync(join(tmpdir(), 'ui-app-'));
const runsDir = join(dir, 'runs');
const dbPath = join(runsDir, 'runs.db');
const size = { metaPrompts: 120, prompts: 150, test: 60 };
let ui: RunningUi;
let db: Database.Database;

const get = async (path: string, init?: RequestInit) => fetch(new URL(path, ui.url), init);
const json = async (path: string) => (await get(path)).json();
const totalOf = async (run: string, query: string) =>
  ((await json(`/api/runs/${run}/episodes?${query}`)) as { total: number }).total;
const total = (query: string) => totalOf('alpha', query);
const sql = (query: string, ...params: unknown[]) =>
  (db.prepare(query).get(...params) as { n: number }).n;
const digest = () => createHash('sha256').update(readFileSync(dbPath)).digest('hex');

beforeAll(async () => {
  const store = new SqliteRunStore(dbPath);
  await writeSyntheticRun(store, { name: 'alpha', dir: join(runsDir, 'alpha'), ...size });
  await writeSyntheticRun(store, { name: 'beta', seed: 2, dir: join(runsDir, 'beta'), ...size });
  await writeSyntheticRun(store, {
    name: 'gamma',
    seed: 3,
    dir: join(runsDir, 'gamma'),
    ...size,
    unfinished: true,
  });
  // A run whose labels cannot be regenerated (gsm8k generates no problems; no test file here).
  store.createRun({
    name: 'unlabelled',
    config: { task: { name: 'gsm8k' } },
    seed: 1,
    dir: join(runsDir, 'u'),
  });
  store.putChunk('unlabelled', 'eval:base', 0, [
    {
      stage: 'eval:base',
      chunk: 0,
      index: 0,
      problemId: 'g1',
      prompt: 'Tom has 3 apples.',
      response: 'answer: 3',
      verdict: 'correct',
      attempts: [{ text: 'answer: 3', feedback: 'verdict: correct', verdict: 'correct' }],
      kept: false,
      reason: 'evaluation',
      seed: 1,
      tokens: 2,
    },
  ]);
  store.close();
  db = new Database(dbPath, { readonly: true });
  ui = await startUi({ runsDir, port: 0, busyTimeoutMs: 300 });
});
afterAll(async () => {
  await ui?.close();
  db?.close();
});

describe('self-evolve ui over HTTP', () => {
  it('lists runs with status, step and progress', async () => {
    const { runs } = (await json('/api/runs')) as { runs: Record<string, unknown>[] };
    const byName = new Map(runs.map((r) => [r.name, r]));
    expect([...byName.keys()].sort()).toEqual(['alpha', 'beta', 'gamma', 'unlabelled']);
    expect(byName.get('alpha')).toMatchObject({
      status: 'finished',
      step: 'finished',
      progress: 1,
    });
    const gamma = byName.get('gamma')!;
    expect(gamma).toMatchObject({
      status: 'running',
      stage: 'round-2',
      step: 'evaluating round-2',
    });
    expect(gamma.progress).toBeGreaterThan(0.8);
    expect(gamma.progress).toBeLessThan(1);
    expect(gamma.eta_seconds).toBeGreaterThanOrEqual(0);
    expect(gamma.samples_done).toBe(sql("SELECT count(*) n FROM samples WHERE run = 'gamma'"));
    const page = await (await get('/')).text();
    expect(page).toMatch(/<tr data-run="gamma">[\s\S]*evaluating round-2/);
  });

  it('counts episodes under each filter as SQL and the stage metrics do', async () => {
    const count = (where: string) =>
      sql(`SELECT count(*) n FROM samples WHERE run = 'alpha' AND ${where}`);
    expect(await total('')).toBe(count('1'));
    expect(await total('stage=round-1&kept=kept')).toBe(count("stage = 'round-1' AND kept = 1"));
    expect(await total('kept=dropped')).toBe(count('kept = 0'));
    expect(await total('stage=round-2&refined=yes')).toBe(
      count("stage = 'round-2' AND (json_array_length(attempts) > 1 OR refinement IS NOT NULL)"),
    );
    expect(await total('verdict=missing')).toBe(count('verdict IS NULL'));
    // Refinement fixed / broke on the held-out set are the pipeline's flips, stage by stage.
    for (const stage of ['base', 'meta', 'round-1', 'round-2']) {
      const m = JSON.parse(
        (
          db.prepare("SELECT metrics FROM stages WHERE run = 'alpha' AND name = ?").get(stage) as {
            metrics: string;
          }
        ).metrics,
      ).eval;
      expect(await total(`stage=eval:${stage}&change=fixed`)).toBe(m.wrong_to_right);
      expect(await total(`stage=eval:${stage}&change=broke`)).toBe(m.right_to_wrong);
    }
    // Verdict right / wrong against labels recomputed here from the config, independently.
    const config = syntheticConfig({ name: 'alpha', dir: '', ...size });
    // The task as the config names it (the quick preset's equations have their own ranges).
    const spec = config.task as { name: string; params?: Record<string, unknown> };
    const { task } = createTask(spec.name, spec.params);
    const data = pipelineData(config, task);
    for (let t = 1; t <= config.evolve.rounds; t++) roundPrompts(data, config, task, t);
    const rows = db
      .prepare(
        "SELECT problem_id, response, verdict FROM samples WHERE run = 'alpha' AND stage = 'round-1'",
      )
      .all() as { problem_id: string; response: string; verdict: string | null }[];
    const right = rows.filter(
      (r) =>
        r.verdict !== null &&
        (r.verdict === 'correct') === task.isCorrect(r.response, data.labels.get(r.problem_id)!),
    ).length;
    expect(right).toBeGreaterThan(0);
    expect(await total('stage=round-1&verdict=right')).toBe(right);
    expect(await total('stage=round-1&verdict=wrong')).toBe(
      rows.filter((r) => r.verdict !== null).length - right,
    );
    // Search: a word only the critiques use, and filters combined.
    expect(await total('q=step')).toBe(
      count("(prompt LIKE '%step%' OR attempts LIKE '%step%' OR refinement LIKE '%step%')"),
    );
    expect(await total('q=step&stage=round-2&kept=dropped')).toBe(
      count(
        "stage = 'round-2' AND kept = 0 AND (attempts LIKE '%step%' OR refinement LIKE '%step%')",
      ),
    );
    expect(await total('q=%22verdict%3A+wrong%22+nosuchword')).toBe(0);
    expect(await total(`q=${encodeURIComponent('"unbalanced AND ( OR *')}`)).toBe(0);
  });

  it('pages in pipeline order without loading the rest', async () => {
    const all = (await json('/api/runs/alpha/episodes?stage=round-1&size=200')) as {
      rows: { idx: number; chunk: number }[];
    };
    const page2 = (await json('/api/runs/alpha/episodes?stage=round-1&size=25&page=2')) as {
      rows: unknown[];
    };
    expect(page2.rows).toEqual(all.rows.slice(25, 50));
    const beyond = (await json('/api/runs/alpha/episodes?page=9999')) as {
      total: number;
      rows: unknown[];
    };
    expect(beyond.rows).toEqual([]);
    expect(beyond.total).toBeGreaterThan(0);
    const first = (await json('/api/runs/alpha/episodes?size=25')) as { rows: { stage: string }[] };
    expect(first.rows[0].stage).toBe('eval:base');
  });

  it('answers bad input with a clear page or a 4xx, never a crash', async () => {
    const cases: [string, number, RegExp][] = [
      ['/runs/nope', 404, /no run named &quot;nope&quot;[\s\S]*runs: /],
      [
        '/runs/alpha/episodes?kept=maybe',
        400,
        /field &quot;kept&quot;: must be one of kept, dropped/,
      ],
      ['/runs/alpha/episodes?page=0', 400, /field &quot;page&quot;/],
      ['/runs/alpha/episodes?page=abc', 400, /field &quot;page&quot;/],
      [
        '/runs/alpha/episodes?size=7',
        400,
        /field &quot;size&quot;: must be one of 25, 50, 100, 200/,
      ],
      [
        '/runs/alpha/episodes?stage=%3Cscript%3E',
        400,
        /field &quot;stage&quot;: is not a stage name[\s\S]*&lt;script&gt;/,
      ],
      [`/runs/alpha/episodes?q=${'x'.repeat(201)}`, 400, /field &quot;q&quot;/],
      ['/runs/alpha/episodes/round-1/999/0', 404, /has no episode round-1 999\.0/],
      ['/runs/alpha/episodes/round-1/x/0', 400, /whole numbers/],
      ['/compare?run=alpha', 400, /Pick two or more runs/],
      ['/compare?run=alpha&run=nope', 404, /no run named/],
      ['/nowhere', 404, /no page \/nowhere/],
    ];
    for (const [path, status, body] of cases) {
      const res = await get(path);
      expect([path, res.status]).toEqual([path, status]);
      expect(await res.text()).toMatch(body);
    }
    const unlabelled = await (await get('/runs/unlabelled/episodes')).text();
    expect(unlabelled).toMatch(
      /id="no-labels"[^>]*>No labels for this run[^<]*cannot generate a test set/,
    );
    expect(await totalOf('unlabelled', 'verdict=right')).toBe(0);
    expect(await totalOf('unlabelled', 'verdict=missing')).toBe(0);
    expect(await totalOf('unlabelled', '')).toBe(1);
    const api = await get('/api/runs/alpha/episodes?verdict=sure');
    expect(api.status).toBe(400);
    expect(await api.json()).toMatchObject({
      error: { message: expect.stringMatching(/verdict/) },
    });
    const post = await get('/runs/alpha', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(await post.text()).toMatch(/only reads runs/);
  });

  it('waits for a store that does not exist yet, and picks it up', async () => {
    const empty = join(dir, 'later');
    const other = await startUi({ runsDir: empty, port: 0 });
    try {
      const page = await fetch(other.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/No run store yet[\s\S]*self-evolve demo --runs-dir/);
      expect((await fetch(new URL('/runs/alpha', other.url))).status).toBe(404);
      const api = await fetch(new URL('/api/runs', other.url));
      expect(api.status).toBe(404);
      expect(await api.json()).toMatchObject({
        error: { message: expect.stringMatching(/no run store/) },
      });
      const store = new SqliteRunStore(join(empty, 'runs.db'));
      await writeSyntheticRun(store, {
        name: 'late',
        dir: join(empty, 'late'),
        metaPrompts: 20,
        prompts: 20,
        test: 10,
        rounds: 1,
      });
      store.close();
      expect(await (await fetch(new URL('/?fragment=runs', other.url))).text()).toMatch(
        /data-run="late"/,
      );
    } finally {
      await other.close();
    }
  });

  it('reads while another process writes, and says so when a lock outlasts its wait', async () => {
    const writer = new Database(dbPath);
    writer.exec("BEGIN IMMEDIATE; UPDATE runs SET status = 'failed' WHERE name = 'beta'");
    // An open write transaction does not block WAL readers, who see the last commit.
    expect((await json('/api/runs/beta')) as { status: string }).toMatchObject({
      status: 'finished',
    });
    writer.exec('ROLLBACK');
    writer.close();
    // Readers of a WAL store are never blocked; a store in rollback-journal mode (as SQLite
    // leaves one whose mode was changed) blocks them while a writer holds its exclusive lock.
    const lockedDir = join(dir, 'locked');
    const store = new SqliteRunStore(join(lockedDir, 'runs.db'));
    await writeSyntheticRun(store, {
      name: 'held',
      dir: join(lockedDir, 'held'),
      metaPrompts: 20,
      prompts: 20,
      test: 10,
      rounds: 1,
    });
    store.close();
    const holder = new Database(join(lockedDir, 'runs.db'));
    holder.pragma('journal_mode = DELETE');
    const locked = await startUi({ runsDir: lockedDir, port: 0, busyTimeoutMs: 200 });
    try {
      expect((await fetch(new URL('/runs/held', locked.url))).status).toBe(200);
      holder.exec("BEGIN EXCLUSIVE; UPDATE runs SET status = 'failed'");
      const res = await fetch(new URL('/runs/held', locked.url));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.text()).toMatch(/locked by another process/);
      holder.exec('ROLLBACK');
      expect((await fetch(new URL('/runs/held', locked.url))).status).toBe(200);
    } finally {
      holder.close();
      await locked.close();
    }
  });

  it('never changes the store: every page read, the file is byte for byte the same', async () => {
    const before = digest();
    for (const path of [
      '/',
      '/runs/alpha',
      '/runs/alpha?fragment=results',
      '/runs/alpha/episodes?q=step&kept=kept',
      '/runs/alpha/episodes/eval%3Ameta/0/3',
      '/runs/alpha/report.html',
      '/compare?run=alpha&run=beta',
      '/api/runs/gamma',
    ]) {
      expect([path, (await get(path)).status]).toEqual([path, 200]);
    }
    expect(digest()).toBe(before);
  });

  it('reads a schema-1 store as it is: no migration, search scans the text', async () => {
    const oldDir = join(dir, 'old');
    mkdirSync(oldDir);
    const path = join(oldDir, 'runs.db');
    copyFileSync(dbPath, path);
    const old = new Database(path);
    old.exec(`DROP TRIGGER samples_fts_insert; DROP TRIGGER samples_fts_delete;
      DROP TRIGGER samples_fts_update; DROP TABLE samples_fts;
      CREATE TABLE v1 AS SELECT run, stage, chunk, idx, problem_id, prompt, response, feedback,
        verdict, refinement, attempts, kept, reason, seed, tokens FROM samples;
      DROP TABLE samples; ALTER TABLE v1 RENAME TO samples; PRAGMA user_version = 1;`);
    old.close();
    const before = createHash('sha256').update(readFileSync(path)).digest('hex');
    const v1 = await startUi({ runsDir: oldDir, port: 0 });
    try {
      const at = async (q: string) =>
        (
          (await (await fetch(new URL(`/api/runs/alpha/episodes?${q}`, v1.url))).json()) as {
            total: number;
          }
        ).total;
      expect(await at('q=step&stage=round-2&kept=dropped')).toBe(
        await total('q=step&stage=round-2&kept=dropped'),
      );
      expect(await at('stage=round-1&verdict=right')).toBe(
        await total('stage=round-1&verdict=right'),
      );
      const page = await (await fetch(new URL('/runs/alpha/episodes?q=step', v1.url))).text();
      expect(page).toMatch(/predates the search index/);
    } finally {
      await v1.close();
    }
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(before);
  });

  it('binds loopback and refuses other Host names; with a key, asks for it', async () => {
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('/', ui.url), { headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    const keyed = await startUi({ runsDir, port: 0, apiKey: 'sesame' });
    try {
      const at = (path: string, init?: RequestInit) =>
        fetch(new URL(path, keyed.url), { redirect: 'manual', ...init });
      expect((await at('/runs/alpha')).status).toBe(401);
      expect((await at('/runs/alpha?key=wrong')).status).toBe(401);
      const login = await at('/runs/alpha?key=sesame&x=1');
      expect(login.status).toBe(303);
      expect(login.headers.get('location')).toBe('/runs/alpha?x=1');
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      expect((await at('/runs/alpha', { headers: { cookie } })).status).toBe(200);
      expect((await at('/api/runs', { headers: { authorization: 'Bearer sesame' } })).status).toBe(
        200,
      );
    } finally {
      await keyed.close();
    }
  });
});
