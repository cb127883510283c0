// Loads models by ModelRef from an OpenAI-compatible server: with `serve --checkpoints <dir>`, a
// ref's id (a checkpoint directory) is the model name, so a run's every model call goes over HTTP.
import type { LanguageModel } from '../spec/language-model.js';
import type { ModelLoader, ModelRef } from '../spec/trainer.js';
import { GuardedLanguageModel, type GuardOptions } from './guarded-language-model.js';
import { createOpenAICompatibleModel } from './openai-compatible.js';
import { UsageLedger } from './usage-ledger.js';

export interface HttpModelLoaderOptions {
  /** e.g. `http://127.0.0.1:8000/v1`. */
  readonly baseURL: string;
  readonly apiKeyEnv?: string;
  /**
   * Send SELF episodes natively (`self_episode`), for a self-evolve `serve` upstream. Default true;
   * set false for other servers, which then see the chat templates.
   */
  readonly nativeEpisodes?: boolean;
  /** Guards for every loaded model; the ledger and cache are shared by all of them. */
  readonly guard?: GuardOptions;
}

/** A ModelLoader whose models live behind an OpenAI-compatible endpoint. */
export class HttpModelLoader implements ModelLoader {
  /** Shared by every model this loader returns: usage by stage, budget. */
  readonly ledger: UsageLedger;

  constructor(private readonly options: HttpModelLoaderOptions) {
    this.ledger = options.guard?.ledger ?? new UsageLedger();
  }

  async load(ref: ModelRef): Promise<LanguageModel> {
    const model = createOpenAICompatibleModel({
      baseURL: this.options.baseURL,
      model: ref.id,
      apiKeyEnv: this.options.apiKeyEnv,
      nativeEpisodes: this.options.nativeEpisodes ?? true,
    });
    // Usage is counted under the name of the model that produced it (`base`, `meta`, ...).
    const stage = `model:${ref.id.split(/[\\/]/).pop() ?? ref.id}`;
    return new GuardedLanguageModel(model, { ...this.options.guard, ledger: this.ledger, stage });
  }
}
