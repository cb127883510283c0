// The UI's handle on `<runs dir>/runs.db`: opened read-only on first use (the store may appear
// after the UI starts), with SQLite's failures turned into errors that say what to do.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SelfEvolveError } from '../spec/errors.js';
import type { RunRecord } from '../spec/run-store.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { EpisodeIndex } from './episode-index.js';
import { type RunLabels, runLabels } from './run-labels.js';
import { NotFoundError, StoreUnavailableError } from './ui-errors.js';

/** An open store and its episode index. */
export interface OpenStore {
  readonly store: SqliteRunStore;
  readonly episodes: EpisodeIndex;
}

export interface UiStoreOptions {
  /** How long a read waits for another process's lock before answering 503, in ms. */
  readonly busyTimeoutMs?: number;
}

/** Read-only access to the run store of a runs folder. */
export class UiStore {
  readonly path: string;
  private opened: OpenStore | undefined;
  /** Labels by run name, for the run created at `createdAt` (a replaced run gets new ones). */
  private readonly labels = new Map<string, { createdAt: string; labels: RunLabels }>();

  constructor(
    readonly runsDir: string,
    private readonly options: UiStoreOptions = {},
  ) {
    this.path = join(resolve(runsDir), 'runs.db');
  }

  /** Whether runs.db exists yet. */
  exists(): boolean {
    return this.opened !== undefined || existsSync(this.path);
  }

  /** Runs `read` on the open store; SQLite errors become StoreUnavailableError. */
  read<T>(read: (open: OpenStore) => T): T {
    const open = this.open();
    try {
      return read(open);
    } catch (error) {
      throw mapSqliteError(error, this.path);
    }
  }

  /** The run called `name`, or a NotFoundError listing some that exist. */
  run(name: string): RunRecord {
    return this.read(({ store }) => {
      const run = store.getRun(name);
      if (run) return run;
      const known = store.listRuns().map((r) => r.name);
      throw new NotFoundError(
        `no run named "${name}" in ${this.path}`,
        known.length ? `runs: ${known.slice(0, 12).join(', ')}` : 'the store holds no run yet',
      );
    });
  }

  /**
   * Regenerates the run's labels unless they are known for this very run (resolving its task may
   * load a module, so this is async); episode queries read them from here, so call it first.
   */
  async loadLabels(run: RunRecord): Promise<void> {
    if (this.labels.get(run.name)?.createdAt === run.createdAt) return;
    this.labels.set(run.name, { createdAt: run.createdAt, labels: await runLabels(run) });
  }

  private labelsOf(run: string): RunLabels {
    return this.labels.get(run)?.labels ?? { ok: false, reason: 'the labels are not loaded yet' };
  }

  private open(): OpenStore {
    if (this.opened) return this.opened;
    if (!existsSync(this.path)) {
      throw new StoreUnavailableError('missing', `no run store at ${this.path} yet`, {
        hint: `start a run with \`self-evolve demo --runs-dir ${this.runsDir}\`; this page picks it up`,
      });
    }
    let store: SqliteRunStore;
    try {
      store = new SqliteRunStore(this.path, {
        readonly: true,
        busyTimeoutMs: this.options.busyTimeoutMs ?? 2000,
      });
    } catch (error) {
      const mapped = mapSqliteError(error, this.path);
      if (mapped !== error || !SelfEvolveError.isInstance(error)) throw mapped;
      throw new StoreUnavailableError('unreadable', error.message, {
        hint: error.hint,
        cause: error,
      });
    }
    const episodes = new EpisodeIndex(store, (run) => this.labelsOf(run));
    this.opened = { store, episodes };
    return this.opened;
  }

  close(): void {
    this.opened?.store.close();
    this.opened = undefined;
  }
}

/** SQLite's errors (they carry a `SQLITE_*` code) in words; anything else passes through. */
export function mapSqliteError(error: unknown, path: string): unknown {
  if (error instanceof NotFoundError || error instanceof StoreUnavailableError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreUnavailableError('busy', `the run store ${path} is locked by another process`, {
      hint: 'a writer holds a lock (a migration or a checkpoint); retry in a moment',
      cause: error,
    });
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    return new StoreUnavailableError(
      'unreadable',
      `cannot read the run store ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return error;
}
