// Runs a stage's samples in chunks, each stored in one transaction, skipping chunks already in the
// store: this is what lets a killed run resume with no lost or duplicated sample.
import type { RunStore, SampleRecord } from '../spec/run-store.js';

export interface ChunkedOptions<T> {
  readonly store: RunStore;
  readonly run: string;
  readonly stage: string;
  readonly items: readonly T[];
  readonly chunkSize: number;
  /** Produces the samples of one chunk; `offset` is the index of `items[0]` in the whole list. */
  readonly work: (items: readonly T[], chunk: number, offset: number) => Promise<SampleRecord[]>;
  /** Items done (stored) of the total, called once per chunk and at the start. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Runs every missing chunk, then returns all the stage's samples from the store, in order. */
export async function runChunked<T>(options: ChunkedOptions<T>): Promise<SampleRecord[]> {
  const { store, run, stage, items, chunkSize } = options;
  const stored = store.chunks(run, stage);
  const chunks = Math.ceil(items.length / chunkSize);
  let done = 0;
  for (let c = 0; c < chunks; c++) {
    if (stored.has(c)) done += Math.min(chunkSize, items.length - c * chunkSize);
  }
  options.onProgress?.(done, items.length);
  for (let c = 0; c < chunks; c++) {
    if (stored.has(c)) continue;
    const slice = items.slice(c * chunkSize, (c + 1) * chunkSize);
    const samples = await options.work(slice, c, c * chunkSize);
    store.putChunk(run, stage, c, samples);
    done += slice.length;
    options.onProgress?.(done, items.length);
  }
  return store.samples(run, stage);
}

/** Runs `work` over chunks without a store (one-off evaluations), reporting progress as `step`. */
export async function runChunkedInMemory<T>(
  items: readonly T[],
  chunkSize: number,
  onProgress: (event: { step: string; done: number; total: number }) => void,
  step: string,
  work: (items: readonly T[], chunk: number) => Promise<SampleRecord[]>,
): Promise<SampleRecord[]> {
  const out: SampleRecord[] = [];
  onProgress({ step, done: 0, total: items.length });
  for (let c = 0; c * chunkSize < items.length; c++) {
    out.push(...(await work(items.slice(c * chunkSize, (c + 1) * chunkSize), c)));
    onProgress({ step, done: Math.min(items.length, (c + 1) * chunkSize), total: items.length });
  }
  return out;
}
