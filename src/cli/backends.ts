// Which trainer and model loader drive a run, by the `kind` of its starting model. The CLI wires
// adapters here; the pipeline sees only the ports. Other areas register their kinds (an external
// trainer, an OpenAI-compatible model) with `registerBackend`.
import { InvalidInputError } from '../spec/errors.js';
import type { ModelLoader, Trainer } from '../spec/trainer.js';

/** A trainer and loader for one run; `dir` is the run's folder (checkpoints go under it). */
export interface Backend {
  readonly trainer: Trainer;
  readonly loader: ModelLoader;
  /** Releases worker threads and other resources. */
  close?(): Promise<void>;
}

export type BackendFactory = (options: { readonly dir: string }) => Promise<Backend>;

const factories = new Map<string, BackendFactory>([
  [
    'embedded',
    async ({ dir }) => {
      const { embeddedBackend } = await import('./embedded-backend.js');
      return embeddedBackend(dir);
    },
  ],
]);

/** Registers (or replaces) the backend for ModelRef kind `kind`. */
export function registerBackend(kind: string, factory: BackendFactory): void {
  factories.set(kind, factory);
}

/** The backend for `kind`, created for the run folder `dir`. */
export async function createBackend(kind: string, dir: string): Promise<Backend> {
  const factory = factories.get(kind);
  if (!factory) {
    throw new InvalidInputError(
      `no backend for model kind "${kind}"`,
      { field: 'model.kind' },
      {
        hint: `known kinds: ${[...factories.keys()].join(', ')}`,
      },
    );
  }
  return factory({ dir });
}
