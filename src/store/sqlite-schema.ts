// The SQLite run store's schema and its migrations. Version 2 gives samples a stable id (rowids
// may change on VACUUM otherwise) and a full-text index kept in step by triggers, so a search
// sees every chunk the moment its transaction commits, also while a run is writing.
import type Database from 'better-sqlite3';

/** The schema this code writes. Readers accept 1 (no search index) and 2. */
export const SCHEMA_VERSION = 2;

const SAMPLES = `
CREATE TABLE IF NOT EXISTS samples (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run TEXT NOT NULL, stage TEXT NOT NULL, chunk INTEGER NOT NULL, idx INTEGER NOT NULL,
  problem_id TEXT NOT NULL, prompt TEXT NOT NULL, response TEXT NOT NULL, feedback TEXT,
  verdict TEXT, refinement TEXT, attempts TEXT NOT NULL, kept INTEGER NOT NULL,
  reason TEXT NOT NULL, seed INTEGER NOT NULL, tokens INTEGER NOT NULL,
  UNIQUE (run, stage, chunk, idx));`;

/** Every text of a sample's trace (each attempt and its feedback, and the last refinement). */
const searchText = (row: 'new' | 'old') => `
  coalesce((SELECT group_concat(coalesce(json_extract(a.value, '$.text'), '') || char(10) ||
    coalesce(json_extract(a.value, '$.feedback'), ''), char(10)) FROM json_each(${row}.attempts) AS a), '')
  || char(10) || coalesce(${row}.refinement, '')`;

// Contentless: the index holds no copy of the text; contentless_delete (SQLite >= 3.43) lets a
// plain DELETE by rowid remove a row's terms.
const SEARCH = `
CREATE VIRTUAL TABLE IF NOT EXISTS samples_fts USING fts5(
  prompt, text, content='', contentless_delete=1);
CREATE TRIGGER IF NOT EXISTS samples_fts_insert AFTER INSERT ON samples BEGIN
  INSERT INTO samples_fts (rowid, prompt, text) VALUES (new.id, new.prompt, ${searchText('new')});
END;
CREATE TRIGGER IF NOT EXISTS samples_fts_delete AFTER DELETE ON samples BEGIN
  DELETE FROM samples_fts WHERE rowid = old.id;
END;
CREATE TRIGGER IF NOT EXISTS samples_fts_update AFTER UPDATE ON samples BEGIN
  DELETE FROM samples_fts WHERE rowid = old.id;
  INSERT INTO samples_fts (rowid, prompt, text) VALUES (new.id, new.prompt, ${searchText('new')});
END;`;

const TABLES = `
CREATE TABLE IF NOT EXISTS runs (
  name TEXT PRIMARY KEY, status TEXT NOT NULL, config TEXT NOT NULL, seed INTEGER NOT NULL,
  dir TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
  run TEXT NOT NULL, stage TEXT NOT NULL, chunk INTEGER NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (run, stage, chunk));
CREATE TABLE IF NOT EXISTS models (
  run TEXT NOT NULL, name TEXT NOT NULL, ref TEXT NOT NULL, parent TEXT, created_at TEXT NOT NULL,
  PRIMARY KEY (run, name));
CREATE TABLE IF NOT EXISTS stages (
  run TEXT NOT NULL, name TEXT NOT NULL, metrics TEXT NOT NULL, seconds REAL NOT NULL,
  finished_at TEXT NOT NULL, PRIMARY KEY (run, name));`;

const COLUMNS =
  'run, stage, chunk, idx, problem_id, prompt, response, feedback, verdict, refinement, attempts, kept, reason, seed, tokens';

function hasTable(db: Database.Database, name: string): boolean {
  const row = db.prepare("SELECT 1 FROM sqlite_master WHERE name = ? AND type = 'table'").get(name);
  return row !== undefined;
}

/** Whether the store has the full-text index over samples (schema 2). */
export function hasSearchIndex(db: Database.Database): boolean {
  return hasTable(db, 'samples_fts');
}

/**
 * Brings a writable store to SCHEMA_VERSION in one immediate transaction, so two processes
 * opening the same v1 store migrate it once. v1 → v2 rebuilds `samples` keeping each rowid as
 * its id, then indexes every sample for search.
 */
export function migrate(db: Database.Database): void {
  if ((db.pragma('user_version', { simple: true }) as number) >= SCHEMA_VERSION) return;
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return;
    db.exec(TABLES);
    if (hasTable(db, 'samples')) {
      db.exec(`DROP TRIGGER IF EXISTS samples_fts_insert; DROP TRIGGER IF EXISTS samples_fts_delete;
        DROP TRIGGER IF EXISTS samples_fts_update; DROP TABLE IF EXISTS samples_fts;
        ALTER TABLE samples RENAME TO samples_v1;`);
      db.exec(SAMPLES + SEARCH);
      db.exec(
        `INSERT INTO samples (id, ${COLUMNS}) SELECT rowid, ${COLUMNS} FROM samples_v1 ORDER BY rowid;
         DROP TABLE samples_v1;`,
      );
    } else db.exec(SAMPLES + SEARCH);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
