// The OpenAI-compatible backend (vLLM, SGLang, llama.cpp server, Ollama, LM Studio, hosted APIs,
// and our own `serve`), built on @ai-sdk/openai-compatible so it is one AI SDK provider among many.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { InvalidInputError } from '../spec/errors.js';
import type { SamplingOptions } from '../spec/language-model.js';
import { AiSdkLanguageModel } from './ai-sdk-language-model.js';
import type { ChatTemplates } from './chat-template.js';

/** Where and how to reach an OpenAI-compatible chat model. */
export interface OpenAICompatibleOptions {
  /** e.g. `http://127.0.0.1:8000/v1`. */
  readonly baseURL: string;
  /** The server's model id. */
  readonly model: string;
  /** Name of the environment variable holding the API key; the key itself is never stored. */
  readonly apiKeyEnv?: string;
  /** Provider name in ids and logs. Default `openai-compatible`. */
  readonly name?: string;
  readonly templates?: ChatTemplates;
  readonly nativeEpisodes?: boolean;
  readonly sampling?: SamplingOptions;
  /** Custom fetch (tests, proxies). */
  readonly fetch?: typeof fetch;
  /** Where these options came from, for error messages. */
  readonly source?: string;
  /**
   * What the server says the model is (its `fingerprint` or `created` from `GET /models/{id}`),
   * part of the cache key so a changed model behind the same name is never answered from cache.
   */
  readonly identity?: string;
}

/**
 * An OpenAI-compatible chat model as our LanguageModel. Retries are not done here: wrap the result
 * in GuardedLanguageModel, the one place that retries, limits, caches and counts.
 */
export function createOpenAICompatibleModel(
  options: OpenAICompatibleOptions,
  env: NodeJS.ProcessEnv = process.env,
): AiSdkLanguageModel {
  let apiKey: string | undefined;
  if (options.apiKeyEnv) {
    apiKey = env[options.apiKeyEnv];
    if (!apiKey) {
      throw new InvalidInputError(
        `environment variable ${options.apiKeyEnv} is not set`,
        { file: options.source, field: 'apiKeyEnv' },
        { hint: `export ${options.apiKeyEnv}=<your key> before running` },
      );
    }
  }
  try {
    new URL(options.baseURL);
  } catch {
    throw new InvalidInputError(`baseURL "${options.baseURL}" is not a URL`, {
      file: options.source,
      field: 'baseURL',
    });
  }
  const provider = createOpenAICompatible({
    name: options.name ?? 'openai-compatible',
    baseURL: options.baseURL,
    apiKey,
    includeUsage: true,
    fetch: options.fetch,
  });
  return new AiSdkLanguageModel(provider.chatModel(options.model), {
    templates: options.templates,
    nativeEpisodes: options.nativeEpisodes,
    defaults: options.sampling,
    fingerprint: options.identity ? `${options.baseURL}|${options.identity}` : options.baseURL,
  });
}
