// The run store on SQLite (better-sqlite3): one database file holds every run. WAL mode lets a
// reader (`self-evolve runs`, `self-evolve ui`) look while a run writes; each chunk of samples is
// one transaction. Opened read-only, it never writes to the file (the UI's guarantee).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InvalidInputError, SelfEvolveError } from '../spec/errors.js';
import type {
  ModelRecord,
  NewRun,
  RunRecord,
  RunStatus,
  RunStore,
  SampleRecord,
  StageRecord,
} from '../spec/run-store.js';
import { migrate, SCHEMA_VERSION } from './sqlite-schema.js';

interface RunRow {
  name: string;
  status: string;
  config: string;
  seed: number;
  dir: string;
  created_at: string;
  updated_at: string;
}

/** A row of the `samples` table (schema 2 adds `id`). */
export interface SampleRow {
  stage: string;
  chunk: number;
  idx: number;
  problem_id: string;
  prompt: string;
  response: string;
  feedback: string | null;
  verdict: string | null;
  refinement: string | null;
  attempts: string;
  kept: number;
  reason: string;
  seed: number;
  tokens: number;
}

const now = (): string => new Date().toISOString();

function toRun(row: RunRow): RunRecord {
  return {
    name: row.name,
    status: row.status as RunStatus,
    config: JSON.parse(row.config),
    seed: row.seed,
    dir: row.dir,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A `samples` row as the port's record. */
export function toSample(row: SampleRow): SampleRecord {
  return {
    stage: row.stage,
    chunk: row.chunk,
    index: row.idx,
    problemId: row.problem_id,
    prompt: row.prompt,
    response: row.response,
    feedback: row.feedback ?? undefined,
    verdict: row.verdict === null ? null : (row.verdict as SampleRecord['verdict']),
    refinement: row.refinement ?? undefined,
    attempts: JSON.parse(row.attempts),
    kept: row.kept === 1,
    reason: row.reason,
    seed: row.seed,
    tokens: row.tokens,
  };
}

export interface SqliteRunStoreOptions {
  /**
   * Open an existing store without ever writing to it: no migration, and every write method
   * throws. Readers accept schema versions 1 and 2.
   */
  readonly readonly?: boolean;
  /** How long a statement waits for another process's lock, in ms (default 10,000). */
  readonly busyTimeoutMs?: number;
}

/** A RunStore in one SQLite file (created with its folder when missing, unless read-only). */
export class SqliteRunStore implements RunStore {
  private readonly db: Database.Database;
  readonly readonly: boolean;

  constructor(
    readonly path: string,
    options: SqliteRunStoreOptions = {},
  ) {
    this.readonly = options.readonly ?? false;
    if (path !== ':memory:' && !this.readonly) mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path, { readonly: this.readonly, fileMustExist: this.readonly });
      this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
      const version = this.db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new InvalidInputError(
          `run store has schema version ${version}, newer than this self-evolve (${SCHEMA_VERSION})`,
          { file: path },
          { hint: 'upgrade self-evolve or use another --runs-dir' },
        );
      }
      if (this.readonly) {
        if (version < 1) {
          throw new InvalidInputError('not a self-evolve run store (no schema version)', {
            file: path,
          });
        }
      } else {
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL');
        migrate(this.db);
      }
    } catch (error) {
      if (SelfEvolveError.isInstance(error)) throw error;
      throw new InvalidInputError(`cannot open the run store: ${(error as Error).message}`, {
        file: path,
      });
    }
  }

  /**
   * The connection, for read-only SQL beside the port (the UI's episode queries). Writing through
   * it bypasses the port's guarantees; on a read-only store SQLite refuses writes.
   */
  get connection(): Database.Database {
    return this.db;
  }

  /** The schema version of the file (1 or 2). */
  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private writable(): void {
    if (this.readonly) {
      throw new InvalidInputError('the run store is open read-only', { file: this.path });
    }
  }

  createRun(run: NewRun, options: { force?: boolean } = {}): RunRecord {
    this.writable();
    const create = this.db.transaction(() => {
      if (this.getRun(run.name)) {
        if (!options.force) {
          throw new InvalidInputError(
            `run "${run.name}" already exists`,
            {},
            {
              hint: `resume it with \`self-evolve resume ${run.name}\`, pick another --name, or pass --force to replace it`,
            },
          );
        }
        this.deleteRun(run.name);
      }
      const t = now();
      this.db
        .prepare(
          'INSERT INTO runs (name, status, config, seed, dir, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(run.name, 'running', JSON.stringify(run.config), run.seed, run.dir, t, t);
    });
    create();
    return this.getRun(run.name)!;
  }

  getRun(name: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE name = ?').get(name) as
      | RunRow
      | undefined;
    return row ? toRun(row) : undefined;
  }

  listRuns(): RunRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM runs ORDER BY created_at DESC, name')
      .all() as RunRow[];
    return rows.map(toRun);
  }

  setStatus(name: string, status: RunStatus): void {
    this.writable();
    this.db
      .prepare('UPDATE runs SET status = ?, updated_at = ? WHERE name = ?')
      .run(status, now(), name);
  }

  setConfig(name: string, config: Readonly<Record<string, unknown>>): void {
    this.writable();
    this.db
      .prepare('UPDATE runs SET config = ?, updated_at = ? WHERE name = ?')
      .run(JSON.stringify(config), now(), name);
  }

  deleteRun(name: string): void {
    this.writable();
    const remove = this.db.transaction(() => {
      for (const table of ['samples', 'chunks', 'models', 'stages']) {
        this.db.prepare(`DELETE FROM ${table} WHERE run = ?`).run(name);
      }
      this.db.prepare('DELETE FROM runs WHERE name = ?').run(name);
    });
    remove();
  }

  putChunk(run: string, stage: string, chunk: number, samples: readonly SampleRecord[]): void {
    this.writable();
    const insertChunk = this.db.prepare(
      'INSERT INTO chunks (run, stage, chunk, created_at) VALUES (?, ?, ?, ?)',
    );
    const insertSample = this.db.prepare(
      `INSERT INTO samples (run, stage, chunk, idx, problem_id, prompt, response, feedback, verdict,
        refinement, attempts, kept, reason, seed, tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const write = this.db.transaction(() => {
      insertChunk.run(run, stage, chunk, now());
      for (const s of samples) {
        insertSample.run(
          run,
          stage,
          chunk,
          s.index,
          s.problemId,
          s.prompt,
          s.response,
          s.feedback ?? null,
          s.verdict ?? null,
          s.refinement ?? null,
          JSON.stringify(s.attempts),
          s.kept ? 1 : 0,
          s.reason,
          s.seed,
          s.tokens,
        );
      }
      this.db.prepare('UPDATE runs SET updated_at = ? WHERE name = ?').run(now(), run);
    });
    write();
  }

  chunks(run: string, stage: string): Set<number> {
    const rows = this.db
      .prepare('SELECT chunk FROM chunks WHERE run = ? AND stage = ?')
      .all(run, stage) as { chunk: number }[];
    return new Set(rows.map((r) => r.chunk));
  }

  samples(run: string, stage?: string): SampleRecord[] {
    const rows = (
      stage === undefined
        ? this.db.prepare('SELECT * FROM samples WHERE run = ? ORDER BY stage, chunk, idx').all(run)
        : this.db
            .prepare('SELECT * FROM samples WHERE run = ? AND stage = ? ORDER BY chunk, idx')
            .all(run, stage)
    ) as SampleRow[];
    return rows.map(toSample);
  }

  clearStage(run: string, stage: string): void {
    this.writable();
    const clear = this.db.transaction(() => {
      this.db.prepare('DELETE FROM samples WHERE run = ? AND stage = ?').run(run, stage);
      this.db.prepare('DELETE FROM chunks WHERE run = ? AND stage = ?').run(run, stage);
    });
    clear();
  }

  putModel(run: string, model: ModelRecord): void {
    this.writable();
    this.db
      .prepare(
        'INSERT OR REPLACE INTO models (run, name, ref, parent, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(run, model.name, JSON.stringify(model.ref), model.parent ?? null, model.createdAt);
  }

  getModel(run: string, name: string): ModelRecord | undefined {
    const row = this.db.prepare('SELECT * FROM models WHERE run = ? AND name = ?').get(run, name) as
      | { name: string; ref: string; parent: string | null; created_at: string }
      | undefined;
    if (!row) return undefined;
    return {
      name: row.name,
      ref: JSON.parse(row.ref),
      parent: row.parent ?? undefined,
      createdAt: row.created_at,
    };
  }

  models(run: string): ModelRecord[] {
    const rows = this.db
      .prepare('SELECT name FROM models WHERE run = ? ORDER BY created_at, name')
      .all(run) as { name: string }[];
    return rows.map((r) => this.getModel(run, r.name)!);
  }

  putStage(run: string, stage: StageRecord): void {
    this.writable();
    this.db
      .prepare(
        'INSERT OR REPLACE INTO stages (run, name, metrics, seconds, finished_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(run, stage.name, JSON.stringify(stage.metrics), stage.seconds, stage.finishedAt);
  }

  getStage(run: string, name: string): StageRecord | undefined {
    const row = this.db.prepare('SELECT * FROM stages WHERE run = ? AND name = ?').get(run, name) as
      | { name: string; metrics: string; seconds: number; finished_at: string }
      | undefined;
    if (!row) return undefined;
    return {
      name: row.name,
      metrics: JSON.parse(row.metrics),
      seconds: row.seconds,
      finishedAt: row.finished_at,
    };
  }

  stages(run: string): StageRecord[] {
    const rows = this.db
      .prepare('SELECT name FROM stages WHERE run = ? ORDER BY finished_at, name')
      .all(run) as { name: string }[];
    return rows.map((r) => this.getStage(run, r.name)!);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
