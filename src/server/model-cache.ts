// The models `serve` loads on demand, at most `maxLoaded` at once: least recently used out. A model
// is lent per request (a lease); one evicted while requests still hold it is closed after the last
// of them is released. Only models that loaded are kept: a name that finds nothing costs nothing.
import type { ServedModel } from './server-app.js';

export interface ModelCacheOptions {
  /** Most models kept loaded (default 4). Requests in flight may hold evicted ones a bit longer. */
  readonly maxLoaded?: number;
}

interface Entry {
  readonly model: Promise<ServedModel>;
  /** Leases not yet released. */
  leases: number;
  /** Out of the cache: close once `leases` is 0. */
  evicted: boolean;
  closed: boolean;
  /** The name the model was first asked by, for /v1/models. */
  readonly name: string;
}

/** Loaded models by key (e.g. a checkpoint's real path). */
export class ModelCache {
  private readonly entries = new Map<string, Entry>();
  /** Evicted entries still lent out, closed when released (or by close()). */
  private readonly draining = new Set<Entry>();
  /** Closes under way, each removed when it settles. */
  private readonly closing = new Set<Promise<unknown>>();
  readonly maxLoaded: number;

  constructor(options: ModelCacheOptions = {}) {
    this.maxLoaded = options.maxLoaded ?? 4;
    if (!Number.isInteger(this.maxLoaded) || this.maxLoaded < 1) {
      throw new RangeError(`maxLoaded must be a positive integer, got ${this.maxLoaded}`);
    }
  }

  /** Models loaded now (loading ones included). */
  get size(): number {
    return this.entries.size;
  }

  /** Names of the models loaded now, most recently used last. */
  names(): string[] {
    return [...this.entries.values()].map((e) => e.name);
  }

  /**
   * Lends the model under `key`, loading it with `load` when absent; the lease answers to `name`
   * and must be released once. A failed load is not kept.
   */
  async acquire(key: string, name: string, load: () => Promise<ServedModel>): Promise<ServedModel> {
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else entry = { model: load(), leases: 0, evicted: false, closed: false, name };
    // Re-inserting makes it the most recently used; Map keeps insertion order.
    this.entries.set(key, entry);
    entry.leases++;
    this.evictOverflow();
    const lent = entry;
    let served: ServedModel;
    try {
      served = await lent.model;
    } catch (error) {
      if (this.entries.get(key) === lent) this.entries.delete(key);
      lent.leases--;
      throw error;
    }
    let released = false;
    return {
      ...served,
      name,
      release: () => {
        if (released) return;
        released = true;
        lent.leases--;
        if (lent.evicted && lent.leases === 0) this.closeEntry(lent);
      },
    };
  }

  /** Closes every model, lent or not; the cache is empty afterwards. */
  async close(): Promise<void> {
    const all = [...this.entries.values(), ...this.draining];
    this.entries.clear();
    for (const entry of all) this.closeEntry(entry);
    await Promise.all(this.closing);
  }

  private evictOverflow(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxLoaded) break;
      this.entries.delete(key);
      entry.evicted = true;
      if (entry.leases === 0) this.closeEntry(entry);
      else this.draining.add(entry);
    }
  }

  private closeEntry(entry: Entry): void {
    this.draining.delete(entry);
    if (entry.closed) return;
    entry.closed = true;
    const done: Promise<unknown> = entry.model
      .then((m) => m.model.close?.())
      // A model that failed to load has nothing to close; one that fails to close is gone anyway.
      .catch(() => undefined)
      .finally(() => this.closing.delete(done));
    this.closing.add(done);
  }
}
