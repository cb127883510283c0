// Our LanguageModel as an AI SDK LanguageModelV3, so `generateText`/`streamText` from `ai` work on
// an embedded checkpoint (or any model behind the port), and a provider that loads checkpoints.
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
  SharedV3Warning,
} from '@ai-sdk/provider';
import { UnsupportedFunctionalityError } from '@ai-sdk/provider';
import { InvalidInputError } from '../spec/errors.js';
import type { Completion, LanguageModel, Section, Turn } from '../spec/language-model.js';
import type { ModelLoader, ModelRef } from '../spec/trainer.js';
import { EPISODE_FIELD } from './ai-sdk-language-model.js';
import { type ChatMessage, chatToTurns } from './chat-template.js';

/** Key under `providerOptions` for self-evolve options, e.g. `{ episode: { turns, next } }`. */
export const PROVIDER_OPTIONS_KEY = 'selfEvolve';

/** An episode to continue instead of the chat prompt: lets AI SDK callers ask for feedback. */
export interface EpisodeOption {
  readonly turns: readonly Turn[];
  readonly next: Section;
}

/** The AI SDK prompt as plain chat messages; only text parts are supported. */
export function fromV3Prompt(prompt: LanguageModelV3CallOptions['prompt']): ChatMessage[] {
  return prompt.map((message) => {
    if (message.role === 'system') return { role: 'system', content: message.content };
    if (message.role === 'tool') {
      throw new UnsupportedFunctionalityError({ functionality: 'tool messages' });
    }
    const text = message.content.map((part) => {
      if (part.type !== 'text') {
        throw new UnsupportedFunctionalityError({ functionality: `${part.type} content parts` });
      }
      return part.text;
    });
    return { role: message.role, content: text.join('') };
  });
}

function episodeOf(options: LanguageModelV3CallOptions, provider: string): EpisodeOption {
  const own = options.providerOptions?.[PROVIDER_OPTIONS_KEY] as
    | { episode?: EpisodeOption }
    | undefined;
  if (own?.episode) return own.episode;
  // AiSdkLanguageModel with nativeEpisodes sends it under the provider's own name.
  const native = options.providerOptions?.[provider] as
    | { [EPISODE_FIELD]?: EpisodeOption }
    | undefined;
  if (native?.[EPISODE_FIELD]) return native[EPISODE_FIELD];
  return { turns: chatToTurns(fromV3Prompt(options.prompt)), next: 'response' };
}

function warningsOf(options: LanguageModelV3CallOptions): SharedV3Warning[] {
  const warnings: SharedV3Warning[] = [];
  if (options.tools?.length) warnings.push({ type: 'unsupported', feature: 'tools' });
  if (options.responseFormat?.type === 'json') {
    warnings.push({ type: 'unsupported', feature: 'responseFormat json' });
  }
  for (const key of ['presencePenalty', 'frequencyPenalty'] as const) {
    if (options[key] !== undefined) warnings.push({ type: 'unsupported', feature: key });
  }
  return warnings;
}

function usageOf(completion: Completion): LanguageModelV3Usage {
  const { inputTokens, outputTokens } = completion.usage;
  return {
    inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
  };
}

function finishOf(completion: Completion): LanguageModelV3FinishReason {
  const raw = completion.finishReasons[0] ?? 'stop';
  return { unified: raw, raw };
}

/** Presents `model` through the AI SDK's LanguageModelV3 specification. */
export class SelfEvolveLanguageModelV3 implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly supportedUrls = {};

  constructor(
    private readonly load: () => Promise<LanguageModel>,
    readonly modelId: string,
    readonly provider = 'self-evolve',
  ) {}

  private async run(options: LanguageModelV3CallOptions): Promise<Completion> {
    const model = await this.load();
    const { turns, next } = episodeOf(options, this.provider);
    const [completion] = await model.complete(
      [
        {
          turns,
          next,
          maxTokens: options.maxOutputTokens,
          temperature: options.temperature,
          topK: options.topK,
          topP: options.topP,
          stop: options.stopSequences,
          seed: options.seed,
        },
      ],
      { signal: options.abortSignal },
    );
    return completion;
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const completion = await this.run(options);
    return {
      content: [{ type: 'text', text: completion.texts[0] ?? '' }],
      finishReason: finishOf(completion),
      usage: usageOf(completion),
      warnings: warningsOf(options),
      response: { modelId: this.modelId, timestamp: new Date() },
    };
  }

  /** The port is not incremental, so the text arrives as one delta once it is complete. */
  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const warnings = warningsOf(options);
    const run = () => this.run(options);
    const modelId = this.modelId;
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      async start(controller) {
        controller.enqueue({ type: 'stream-start', warnings });
        try {
          const completion = await run();
          controller.enqueue({ type: 'response-metadata', modelId, timestamp: new Date() });
          controller.enqueue({ type: 'text-start', id: '0' });
          controller.enqueue({ type: 'text-delta', id: '0', delta: completion.texts[0] ?? '' });
          controller.enqueue({ type: 'text-end', id: '0' });
          controller.enqueue({
            type: 'finish',
            usage: usageOf(completion),
            finishReason: finishOf(completion),
          });
        } catch (error) {
          controller.enqueue({ type: 'error', error });
        }
        controller.close();
      },
    });
    return { stream };
  }
}

/** Wraps an already loaded model. */
export function asLanguageModelV3(model: LanguageModel): SelfEvolveLanguageModelV3 {
  return new SelfEvolveLanguageModelV3(async () => model, model.id);
}

/** `provider(checkpointDir)` gives a LanguageModelV3 for `generateText` / `streamText`. */
export interface SelfEvolveProvider {
  (modelId: string): SelfEvolveLanguageModelV3;
  languageModel(modelId: string): SelfEvolveLanguageModelV3;
  /** Releases every model this provider loaded. */
  close(): Promise<void>;
}

/**
 * An AI SDK provider over a ModelLoader: model ids are checkpoint directories (or any id the
 * loader understands), loaded once on first use. For the embedded engine:
 * `createSelfEvolveProvider({ loader: embeddedLoader })`.
 */
export function createSelfEvolveProvider(options: {
  readonly loader: ModelLoader;
  readonly kind?: string;
}): SelfEvolveProvider {
  const kind = options.kind ?? 'embedded';
  const loaded = new Map<string, Promise<LanguageModel>>();
  const load = (id: string) => {
    if (!id) throw new InvalidInputError('model id is empty', { field: 'modelId' });
    let model = loaded.get(id);
    if (!model) {
      const ref: ModelRef = { kind, id };
      model = options.loader.load(ref);
      loaded.set(id, model);
    }
    return model;
  };
  const languageModel = (id: string) => new SelfEvolveLanguageModelV3(() => load(id), id, kind);
  const provider = Object.assign((id: string) => languageModel(id), {
    languageModel,
    async close() {
      for (const model of loaded.values()) await (await model).close?.();
      loaded.clear();
    },
  });
  return provider;
}
