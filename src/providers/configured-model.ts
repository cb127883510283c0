// Builds a callable model from a config entry (src/config/models.ts): an OpenAI-compatible
// endpoint behind the guard (limits, retries, cache, accounting), an embedded checkpoint, or a
// local GGUF file through llama.cpp.
import type { ModelSpec } from '../config/models.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { ModelLoader } from '../spec/trainer.js';
import { type ChatTemplates, DEFAULT_CHAT_TEMPLATES, validateTemplates } from './chat-template.js';
import { GuardedLanguageModel } from './guarded-language-model.js';
import { createOpenAICompatibleModel } from './openai-compatible.js';
import type { ResponseCache } from './response-cache.js';
import type { UsageLedger } from './usage-ledger.js';

export interface ModelContext {
  /** Loads `embedded` checkpoints (the engine's loader). */
  readonly loader?: ModelLoader;
  readonly ledger?: UsageLedger;
  readonly cache?: ResponseCache;
  /** Stage name for accounting; also settable later with withStage. */
  readonly stage?: string;
  /** The config file, for error messages. */
  readonly source?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** The defaults with a config's overrides on top, checked for unknown placeholders. */
export function resolveTemplates(
  overrides: Partial<ChatTemplates> | undefined,
  source = 'config',
): ChatTemplates {
  const templates = { ...DEFAULT_CHAT_TEMPLATES, ...overrides };
  validateTemplates(templates, source);
  return templates;
}

/** A LanguageModel for a config entry. External models come wrapped in GuardedLanguageModel. */
export async function createConfiguredModel(
  spec: ModelSpec,
  context: ModelContext = {},
): Promise<LanguageModel> {
  if (spec.kind === 'embedded') {
    if (!context.loader) throw new Error('an embedded model needs a ModelLoader');
    return context.loader.load({ kind: 'embedded', id: spec.checkpoint });
  }
  if (spec.kind === 'llama-cpp') {
    const { LlamaCppLanguageModel } = await import('./llama-cpp/llama-cpp-language-model.js');
    const { kind: _, path, templates, ...options } = spec;
    const resolved = resolveTemplates(templates, context.source);
    return LlamaCppLanguageModel.load({ ...options, modelPath: path, templates: resolved });
  }
  const model = createOpenAICompatibleModel(
    {
      baseURL: spec.baseURL,
      model: spec.model,
      apiKeyEnv: spec.apiKeyEnv,
      nativeEpisodes: spec.nativeEpisodes,
      sampling: spec.sampling,
      templates: resolveTemplates(spec.templates, context.source),
      source: context.source,
    },
    context.env,
  );
  return new GuardedLanguageModel(model, {
    concurrency: spec.concurrency,
    timeoutMs: spec.timeoutMs,
    retry: { maxRetries: spec.maxRetries },
    prices: spec.prices,
    ledger: context.ledger,
    cache: context.cache,
    stage: context.stage,
  });
}
