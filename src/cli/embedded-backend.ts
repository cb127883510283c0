// The embedded engine as a run's backend: checkpoints go to `<run folder>/models/<stage>`; the
// trainer picks the fastest kernels (WebAssembly SIMD when it starts here).
import { join } from 'node:path';
import { EmbeddedTrainer } from '../engine/index.js';
import type { Backend } from './backends.js';

/** Trainer and loader over the embedded engine for the run folder `dir`. */
export async function embeddedBackend(dir: string): Promise<Backend> {
  // A checkpoint already on disk but not recorded in the store belongs to a training that was
  // killed after saving: training again (deterministically) replaces it.
  const trainer = new EmbeddedTrainer({ outputDir: join(dir, 'models'), overwrite: true });
  return { trainer, loader: trainer, close: () => trainer.close() };
}
