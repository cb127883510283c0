// ModelRefs of kind `gguf` (a GGUF file path) as LanguageModels through llama.cpp, with the run's
// llama.cpp settings.
import { InvalidInputError } from '../../spec/errors.js';
import type { LanguageModel } from '../../spec/language-model.js';
import type { ModelLoader, ModelRef } from '../../spec/trainer.js';
import { LlamaCppLanguageModel, type LlamaCppModelOptions } from './llama-cpp-language-model.js';

export type LlamaCppLoaderOptions = Omit<LlamaCppModelOptions, 'modelPath' | 'id'>;

/** Loads `gguf` refs; each load opens the file with its own context. */
export class LlamaCppLoader implements ModelLoader {
  constructor(private readonly options: LlamaCppLoaderOptions = {}) {}

  async load(ref: ModelRef): Promise<LanguageModel> {
    if (ref.kind !== 'gguf') {
      throw new InvalidInputError(`model kind "${ref.kind}" is not gguf`, { field: 'model.kind' });
    }
    return LlamaCppLanguageModel.load({ ...this.options, modelPath: ref.id, id: `gguf:${ref.id}` });
  }
}
