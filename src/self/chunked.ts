// Runs a stage's samples in chunks, each stored in one transaction, skipping chunks already in the
// store: this is what lets a killed run resume with no lost or duplicated sample.
import type { RunStore, SampleRecord } from '../spec/run-store.js';
import { checkFailures, isFailed } from './failures.js';

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
  /** Failed samples the stage may have before it stops (undefined: no limit). */
  readonly maxErrors?: number;
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
  const failed = options.maxErrors === undefined ? [] : store.samples(run, stage).filter(isFailed);
  for (let c = 0; c < chunks; c++) {
    if (stored.has(c)) continue;
    const slice = items.slice(c * chunkSize, (c + 1) * chunkSize);
    const samples = await options.work(slice, c, c * chunkSize);
    if (options.maxErrors !== undefined) {
      failed.push(...samples.filter(isFailed));
      // Checked before the chunk is stored: a resumed run with a higher limit redoes it.
      checkFailures(failed, options.maxErrors, stage);
    }
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
  maxErrors?: number,
): Promise<SampleRecord[]> {
  const out: SampleRecord[] = [];
  onProgress({ step, done: 0, total: items.length });
  for (let c = 0; c * chunkSize < items.length; c++) {
    out.push(...(await work(items.slice(c * chunkSize, (c + 1) * chunkSize), c)));
    if (maxErrors !== undefined) checkFailures(out, maxErrors, step);
    onProgress({ step, done: Math.min(items.length, (c + 1) * chunkSize), total: items.length });
  }
  return out;
}
