// A cache of model responses keyed by the full request, in its own SQLite table. It can live in
// the run store's file (pass that Database) so that `resume` never pays twice for the same call.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Completion, CompletionRequest } from '../spec/language-model.js';

type Db = Database.Database;

/** The table this module owns. Nothing else writes to it. */
export const RESPONSE_CACHE_TABLE = 'provider_response_cache';

/** JSON with object keys sorted, so equal requests always serialise the same way. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([, x]) => x !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

/**
 * The cache key of a request to a model: sha256 over the model's id, its fingerprint (everything
 * else that shapes the upstream call: base URL, templates) and every field of the request.
 */
export function requestKey(
  modelId: string,
  fingerprint: string,
  request: CompletionRequest,
): string {
  return createHash('sha256')
    .update(canonicalJson({ model: modelId, fingerprint, request }))
    .digest('hex');
}

/** Spend recorded in the cache: what the run paid so far across sessions. */
export interface CacheTotals {
  readonly entries: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

/** Stores completions by request key. Safe to share one Database with other tables. */
export class ResponseCache {
  readonly db: Db;
  private readonly ownsDb: boolean;
  private readonly getStmt: Database.Statement<[string], { completion: string }>;
  private readonly putStmt: Database.Statement<
    [string, string, string, string, number, number, number, number]
  >;

  /**
   * @param db an open better-sqlite3 Database, or a file path, e.g. the run store's file
   *   (`new ResponseCache(store.path)`): the cache's table then lives beside the run's tables.
   */
  constructor(db: Db | string) {
    this.ownsDb = typeof db === 'string';
    if (typeof db === 'string') {
      mkdirSync(dirname(db), { recursive: true });
      this.db = new Database(db);
      this.db.pragma('journal_mode = WAL');
      // The file may be the run store's, open in another connection at the same time.
      this.db.pragma('busy_timeout = 10000');
    } else {
      this.db = db;
    }
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${RESPONSE_CACHE_TABLE} (
      key TEXT PRIMARY KEY,
      model TEXT NOT NULL,
      request TEXT NOT NULL,
      completion TEXT NOT NULL,
      input_tokens INTEGER NOT NULL,
      output_tokens INTEGER NOT NULL,
      cost_usd REAL NOT NULL,
      created_at INTEGER NOT NULL
    )`);
    this.getStmt = this.db.prepare(`SELECT completion FROM ${RESPONSE_CACHE_TABLE} WHERE key = ?`);
    this.putStmt = this.db.prepare(
      `INSERT OR REPLACE INTO ${RESPONSE_CACHE_TABLE}
       (key, model, request, completion, input_tokens, output_tokens, cost_usd, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** The stored completion for `key`, if any. */
  get(key: string): Completion | undefined {
    const row = this.getStmt.get(key);
    return row ? (JSON.parse(row.completion) as Completion) : undefined;
  }

  /** Stores a completion. Only successful calls are stored, so failures are retried on resume. */
  put(
    key: string,
    modelId: string,
    request: CompletionRequest,
    completion: Completion,
    costUsd = 0,
  ): void {
    this.putStmt.run(
      key,
      modelId,
      canonicalJson(request),
      JSON.stringify(completion),
      completion.usage.inputTokens,
      completion.usage.outputTokens,
      costUsd,
      Date.now(),
    );
  }

  /** Entries and the tokens and cost they cost when they were paid for. */
  totals(): CacheTotals {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS entries, COALESCE(SUM(input_tokens), 0) AS inputTokens,
         COALESCE(SUM(output_tokens), 0) AS outputTokens, COALESCE(SUM(cost_usd), 0) AS costUsd
         FROM ${RESPONSE_CACHE_TABLE}`,
      )
      .get() as CacheTotals;
    return row;
  }

  /** Closes the database if this cache opened it. */
  close(): void {
    if (this.ownsDb) this.db.close();
  }
}
