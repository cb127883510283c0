// The episode table's queries over a read-only store: each sample's filterable facts (kept,
// first verdict, refined, and right/wrong against the label) in a TEMP table of the UI's own
// connection, caught up with the store before each query, so filters, counts and pages over
// 100,000 samples are index lookups; text search uses the store's full-text index.
import type Database from 'better-sqlite3';
import type { SampleRecord } from '../spec/run-store.js';
import { type SampleRow, type SqliteRunStore, toSample } from '../store/sqlite-run-store.js';
import { hasSearchIndex } from '../store/sqlite-schema.js';
import { type EpisodeFilters, ftsQuery } from './episode-filters.js';
import type { RunLabels } from './run-labels.js';

/** What the filters see of one sample; null where there is no label (or no verdict). */
export interface EpisodeFacts {
  readonly id: number;
  readonly stage: string;
  readonly chunk: number;
  readonly idx: number;
  readonly kept: boolean;
  /** The first verdict: true `correct`, false `wrong`, null none. */
  readonly said: boolean | null;
  readonly refined: boolean;
  readonly firstOk: boolean | null;
  readonly finalOk: boolean | null;
}

export interface EpisodeRow {
  readonly facts: EpisodeFacts;
  readonly sample: SampleRecord;
}

export interface EpisodePage {
  readonly total: number;
  readonly rows: EpisodeRow[];
  /** Matches by stage under every filter but the stage, in pipeline order. */
  readonly stages: { stage: string; count: number }[];
  /** False on a schema-1 store: search scans the text (slower) instead of the index. */
  readonly indexedSearch: boolean;
}

// Keyed (and so stored) in page order: a filtered page, a count or the counts by stage is one
// sequential walk over small rows, with no lookups into another b-tree.
const FACTS = `
CREATE TEMP TABLE IF NOT EXISTS ui_facts (
  run TEXT NOT NULL, ord INTEGER NOT NULL, stage TEXT NOT NULL, chunk INTEGER NOT NULL,
  idx INTEGER NOT NULL, id INTEGER NOT NULL, kept INTEGER NOT NULL, said INTEGER,
  refined INTEGER NOT NULL, first_ok INTEGER, final_ok INTEGER,
  PRIMARY KEY (run, ord, stage, chunk, idx)) WITHOUT ROWID;`;

const ORDER = 'f.ord, f.stage, f.chunk, f.idx';

/** Pipeline order: eval:base, meta, eval:meta, round-1, eval:round-1, ... then other names. */
export function stageOrder(stage: string): number {
  const evaluation = stage.startsWith('eval:');
  const name = evaluation ? stage.slice(5) : stage;
  const round = /^round-(\d+)$/.exec(name);
  const rank = name === 'base' ? 0 : name === 'meta' ? 1 : round ? 1 + Number(round[1]) : 1e6;
  return 2 * rank + (evaluation ? 1 : 0);
}

interface Synced {
  lastId: number;
  /** The run's chunks at the last sync. */
  chunks: number;
  checkedAt: number;
  /** When the sample count was last compared with the store's (it costs a walk of the run). */
  countedAt: number;
  /** The run's creation time: a different one means the run was replaced. */
  createdAt: string | undefined;
  labels: RunLabels;
}

/** Search results kept, as temp tables of ids. */
const SEARCH_SLOTS = 8;

/** How often the full count check runs: deletions (a cleared stage, a replaced run) are rare. */
const RECOUNT_MS = 5000;

const bit = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);
const bool = (v: number | null): boolean | null => (v === null ? null : v === 1);

/** Episode queries for every run of one store; `labelsOf` is called once per run. */
export class EpisodeIndex {
  private readonly db: Database.Database;
  private readonly synced = new Map<string, Synced>();
  private readonly searches = new Map<string, { slot: number; top: number }>();

  constructor(
    store: SqliteRunStore,
    private readonly labelsOf: (run: string) => RunLabels,
    /** How long a sync stays fresh, in ms: requests in a burst share one catch-up. */
    private readonly freshMs = 250,
  ) {
    this.db = store.connection;
    this.db.pragma('temp_store = MEMORY');
    this.db.exec(FACTS);
  }

  /** The run's labels as the facts were computed with them. */
  labels(run: string): RunLabels {
    return this.sync(run).labels;
  }

  /**
   * Catches the run's facts up with the store. New samples (ids only grow in schema 2) are
   * added, and a rewritten chunk replaces its rows (facts are keyed by position). Rows of deleted
   * samples are found by count, at once when the run has fewer chunks than before, else every
   * few seconds; a run replaced under the same name (a new creation time) starts afresh.
   */
  sync(run: string): Synced {
    let state = this.synced.get(run);
    const now = Date.now();
    if (state && now - state.checkedAt < this.freshMs) return state;
    const created = (
      this.db.prepare('SELECT created_at FROM runs WHERE name = ?').get(run) as
        | { created_at: string }
        | undefined
    )?.created_at;
    if (!state || state.createdAt !== created) {
      this.db.prepare('DELETE FROM ui_facts WHERE run = ?').run(run);
      state = {
        lastId: 0,
        chunks: 0,
        checkedAt: 0,
        countedAt: now,
        createdAt: created,
        labels: this.labelsOf(run),
      };
      this.synced.set(run, state);
    }
    this.append(run, state);
    state.checkedAt = now;
    const { n: chunks } = this.db
      .prepare('SELECT count(*) AS n FROM chunks WHERE run = ?')
      .get(run) as { n: number };
    const shrank = chunks < state.chunks;
    state.chunks = chunks;
    if (!shrank && now - state.countedAt < RECOUNT_MS) return state;
    state.countedAt = now;
    const count = (table: string) =>
      (
        this.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE run = ?`).get(run) as {
          n: number;
        }
      ).n;
    if (count('samples') !== count('ui_facts')) {
      this.db.prepare('DELETE FROM ui_facts WHERE run = ?').run(run);
      state.lastId = 0;
      this.append(run, state);
    }
    return state;
  }

  private append(run: string, state: Synced): void {
    // NOT INDEXED: walk the table from lastId by rowid instead of the run's whole index range.
    // In batches, since better-sqlite3 cannot write while a statement is still iterating.
    const select = this.db.prepare(
      `SELECT rowid AS id, stage, chunk, idx, problem_id, response, refinement, kept,
         coalesce(json_extract(attempts, '$[0].verdict'), verdict) AS said,
         json_array_length(attempts) AS attempts
       FROM samples NOT INDEXED WHERE run = ? AND rowid > ? ORDER BY rowid LIMIT 5000`,
    );
    const insert = this.db.prepare(
      'INSERT OR REPLACE INTO ui_facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const { labels } = state;
    const check = (text: string, label: string | undefined) =>
      labels.ok && label !== undefined ? labels.task.isCorrect(text, label) : null;
    const write = this.db.transaction((rows: NewRow[]) => {
      for (const r of rows) {
        const label = labels.ok ? labels.labels.get(r.problem_id) : undefined;
        const said = r.said === 'correct' ? true : r.said === 'wrong' ? false : null;
        insert.run(
          run,
          stageOrder(r.stage),
          r.stage,
          r.chunk,
          r.idx,
          r.id,
          r.kept,
          bit(said),
          r.attempts > 1 || r.refinement !== null ? 1 : 0,
          bit(check(r.response, label)),
          bit(check(r.refinement ?? r.response, label)),
        );
      }
    });
    for (;;) {
      const rows = select.all(run, state.lastId) as NewRow[];
      if (rows.length === 0) return;
      write(rows);
      state.lastId = rows[rows.length - 1].id;
    }
  }

  /**
   * The temp table holding the ids that match an FTS query: kept for the last few queries (paging
   * through a search asks the same one again) and topped up with samples written since.
   */
  private matches(query: string): string {
    const { top } = this.db.prepare('SELECT coalesce(max(rowid), 0) AS top FROM samples').get() as {
      top: number;
    };
    let entry = this.searches.get(query);
    if (!entry) {
      const used = new Set([...this.searches.values()].map((e) => e.slot));
      let slot = [...Array(SEARCH_SLOTS).keys()].find((k) => !used.has(k));
      if (slot === undefined) {
        const [oldest, evicted] = this.searches.entries().next().value!;
        this.searches.delete(oldest);
        slot = evicted.slot;
      }
      this.db.exec(
        `DROP TABLE IF EXISTS temp.ui_match_${slot}; CREATE TEMP TABLE ui_match_${slot} (id INTEGER PRIMARY KEY);`,
      );
      entry = { slot, top: 0 };
    }
    // Most recently used last.
    this.searches.delete(query);
    this.searches.set(query, entry);
    if (entry.top < top) {
      this.db
        .prepare(
          `INSERT OR IGNORE INTO temp.ui_match_${entry.slot} SELECT rowid FROM main.samples_fts
           WHERE samples_fts MATCH ? AND rowid > ?`,
        )
        .run(query, entry.top);
      entry.top = top;
    }
    return `ui_match_${entry.slot}`;
  }

  /** WHERE clause and parameters for `filters` (the stage left out when `withStage` is false). */
  private where(run: string, filters: EpisodeFilters, withStage = true) {
    const clauses = ['f.run = ?'];
    const params: unknown[] = [run];
    if (withStage && filters.stage) {
      clauses.push('f.ord = ? AND f.stage = ?');
      params.push(stageOrder(filters.stage), filters.stage);
    }
    if (filters.kept) clauses.push(`f.kept = ${filters.kept === 'kept' ? 1 : 0}`);
    if (filters.refined) clauses.push(`f.refined = ${filters.refined === 'yes' ? 1 : 0}`);
    if (filters.verdict === 'missing') clauses.push('f.said IS NULL');
    else if (filters.verdict) {
      const op = filters.verdict === 'right' ? '=' : '!=';
      clauses.push(`f.said IS NOT NULL AND f.first_ok IS NOT NULL AND f.said ${op} f.first_ok`);
    }
    if (filters.change === 'fixed') clauses.push('f.first_ok = 0 AND f.final_ok = 1');
    else if (filters.change === 'broke') clauses.push('f.first_ok = 1 AND f.final_ok = 0');
    else if (filters.change === 'unchanged') clauses.push('f.first_ok = f.final_ok');
    const match = filters.q === undefined ? undefined : ftsQuery(filters.q);
    if (match !== undefined && hasSearchIndex(this.db)) {
      clauses.push(`EXISTS (SELECT 1 FROM temp.${this.matches(match)} m WHERE m.id = f.id)`);
    } else if (match !== undefined && filters.q) {
      // Schema 1 has no index: a case-insensitive substring scan of the same texts.
      clauses.push(`f.id IN (SELECT rowid FROM main.samples WHERE run = ? AND
        (instr(lower(prompt), ?) OR instr(lower(attempts), ?) OR instr(lower(coalesce(refinement, '')), ?)))`);
      const needle = filters.q.toLowerCase();
      params.push(run, needle, needle, needle);
    }
    return { sql: clauses.join(' AND '), params };
  }

  /** One page of the run's episodes under `filters`, with the total and counts by stage. */
  page(run: string, filters: EpisodeFilters): EpisodePage {
    this.sync(run);
    const all = this.where(run, filters);
    const facts = this.db
      .prepare(`SELECT f.* FROM ui_facts f WHERE ${all.sql} ORDER BY ${ORDER} LIMIT ? OFFSET ?`)
      .all(...all.params, filters.size, (filters.page - 1) * filters.size) as FactsRow[];
    const byStage = this.where(run, filters, false);
    const stages = this.db
      .prepare(
        `SELECT f.stage AS stage, count(*) AS count FROM ui_facts f WHERE ${byStage.sql}
         GROUP BY f.ord, f.stage ORDER BY f.ord, f.stage`,
      )
      .all(...byStage.params) as { stage: string; count: number }[];
    // The total is the stage's count, or all of them: one walk fewer.
    const total = filters.stage
      ? (stages.find((s) => s.stage === filters.stage)?.count ?? 0)
      : stages.reduce((n, s) => n + s.count, 0);
    return { total, rows: this.withSamples(facts), stages, indexedSearch: hasSearchIndex(this.db) };
  }

  /** One episode by its position, with its neighbours under `filters` (for prev / next links). */
  episode(
    run: string,
    key: { stage: string; chunk: number; idx: number },
    filters: EpisodeFilters,
  ): { row: EpisodeRow; prev?: EpisodeFacts; next?: EpisodeFacts } | undefined {
    this.sync(run);
    const facts = this.db
      .prepare(
        'SELECT * FROM ui_facts WHERE run = ? AND ord = ? AND stage = ? AND chunk = ? AND idx = ?',
      )
      .get(run, stageOrder(key.stage), key.stage, key.chunk, key.idx) as FactsRow | undefined;
    if (!facts) return undefined;
    const [row] = this.withSamples([facts]);
    if (!row) return undefined;
    const w = this.where(run, filters);
    const at = [facts.ord, facts.stage, facts.chunk, facts.idx];
    const near = (op: '<' | '>', dir: string) =>
      this.db
        .prepare(
          `SELECT f.* FROM ui_facts f WHERE ${w.sql} AND (f.ord, f.stage, f.chunk, f.idx) ${op} (?, ?, ?, ?)
           ORDER BY f.ord ${dir}, f.stage ${dir}, f.chunk ${dir}, f.idx ${dir} LIMIT 1`,
        )
        .get(...w.params, ...at) as FactsRow | undefined;
    const prev = near('<', 'DESC');
    const next = near('>', 'ASC');
    return { row, prev: prev && toFacts(prev), next: next && toFacts(next) };
  }

  private withSamples(facts: FactsRow[]): EpisodeRow[] {
    if (facts.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT rowid AS rid, * FROM samples WHERE rowid IN (${facts.map(() => '?').join(',')})`,
      )
      .all(...facts.map((f) => f.id)) as (SampleRow & { rid: number })[];
    const byId = new Map(rows.map((r) => [r.rid, toSample(r)]));
    return facts.flatMap((f) => {
      const sample = byId.get(f.id);
      return sample ? [{ facts: toFacts(f), sample }] : [];
    });
  }
}

/** A sample row as the facts are computed from it. */
interface NewRow {
  id: number;
  stage: string;
  chunk: number;
  idx: number;
  problem_id: string;
  response: string;
  refinement: string | null;
  kept: number;
  said: string | null;
  attempts: number;
}

interface FactsRow {
  id: number;
  stage: string;
  ord: number;
  chunk: number;
  idx: number;
  kept: number;
  said: number | null;
  refined: number;
  first_ok: number | null;
  final_ok: number | null;
}

function toFacts(r: FactsRow): EpisodeFacts {
  return {
    id: r.id,
    stage: r.stage,
    chunk: r.chunk,
    idx: r.idx,
    kept: r.kept === 1,
    said: bool(r.said),
    refined: r.refined === 1,
    firstOk: bool(r.first_ok),
    finalOk: bool(r.final_ok),
  };
}
