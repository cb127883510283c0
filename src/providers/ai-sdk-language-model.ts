// Any AI SDK language model (LanguageModelV3: OpenAI-compatible servers, hosted providers) as our
// LanguageModel: each SELF section is rendered through a chat template and sampled n times.
import { createHash } from 'node:crypto';
import type {
  JSONValue,
  LanguageModelV3,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
} from '@ai-sdk/provider';
import type {
  CompleteOptions,
  Completion,
  CompletionRequest,
  FinishReason,
  LanguageModel,
  SamplingOptions,
} from '../spec/language-model.js';
import {
  type ChatMessage,
  type ChatTemplates,
  DEFAULT_CHAT_TEMPLATES,
  renderChat,
} from './chat-template.js';
import { completeEach } from './complete-each.js';
import { canonicalJson } from './response-cache.js';

/** Body field carrying the episode itself to a self-evolve `serve` upstream. */
export const EPISODE_FIELD = 'self_episode';

export interface AiSdkModelOptions {
  readonly templates?: ChatTemplates;
  /**
   * Also send the episode (turns and next section) as the request body field `self_episode`, so a
   * self-evolve `serve` upstream runs its model on the exact episode; other servers ignore it.
   */
  readonly nativeEpisodes?: boolean;
  /** Sampling defaults from the config; a request's own fields win. */
  readonly defaults?: SamplingOptions;
  /** Extra identity for cache keys (e.g. the base URL); the model id and templates are included. */
  readonly fingerprint?: string;
}

/** Wraps a LanguageModelV3. Put it behind GuardedLanguageModel for retries, limits and caching. */
export class AiSdkLanguageModel implements LanguageModel {
  readonly id: string;
  /** Everything besides the id that shapes upstream calls, for response-cache keys. */
  readonly fingerprint: string;
  private readonly templates: ChatTemplates;

  constructor(
    readonly model: LanguageModelV3,
    private readonly options: AiSdkModelOptions = {},
  ) {
    this.id = `${model.provider}:${model.modelId}`;
    this.templates = options.templates ?? DEFAULT_CHAT_TEMPLATES;
    this.fingerprint = createHash('sha256')
      .update(
        canonicalJson({
          templates: this.templates,
          native: options.nativeEpisodes ?? false,
          defaults: options.defaults ?? {},
          extra: options.fingerprint ?? '',
        }),
      )
      .digest('hex')
      .slice(0, 16);
  }

  async complete(
    requests: readonly CompletionRequest[],
    options: CompleteOptions = {},
  ): Promise<Completion[]> {
    return completeEach(requests, options, (request) =>
      this.completeOne({ ...this.options.defaults, ...request }, options.signal),
    );
  }

  private completeOne(request: CompletionRequest, signal?: AbortSignal): Promise<Completion> {
    const providerName = this.model.provider.split('.')[0];
    const episode = { turns: request.turns.map((t) => ({ ...t })), next: request.next };
    const extra = this.options.nativeEpisodes
      ? { [providerName]: { [EPISODE_FIELD]: episode } }
      : undefined;
    return this.sample(
      renderChat(request.turns, request.next, this.templates),
      request,
      signal,
      extra,
    );
  }

  /** A plain chat, messages as given (proxy mode): no template, no episode. */
  chat(
    messages: ChatMessage[],
    sampling: SamplingOptions,
    signal?: AbortSignal,
  ): Promise<Completion> {
    return this.sample(messages, { ...this.options.defaults, ...sampling }, signal);
  }

  private async sample(
    messages: ChatMessage[],
    sampling: SamplingOptions,
    signal?: AbortSignal,
    providerOptions?: Record<string, Record<string, JSONValue>>,
  ): Promise<Completion> {
    // V3 has no `n`: sample n times, varying the seed so that seeded samples differ.
    const results = await Promise.all(
      Array.from({ length: sampling.n ?? 1 }, (_, i) =>
        this.generate(messages, sampling, i, signal, providerOptions),
      ),
    );
    return {
      texts: results.map((r) => r.text),
      finishReasons: results.map((r) => r.finishReason),
      usage: {
        inputTokens: results.reduce((a, r) => a + r.inputTokens, 0),
        outputTokens: results.reduce((a, r) => a + r.outputTokens, 0),
      },
    };
  }

  private async generate(
    messages: ChatMessage[],
    request: SamplingOptions,
    sample: number,
    signal?: AbortSignal,
    providerOptions?: Record<string, Record<string, JSONValue>>,
  ) {
    const result = await this.model.doGenerate({
      prompt: toV3Prompt(messages),
      maxOutputTokens: request.maxTokens,
      temperature: request.temperature ?? 0,
      topP: request.topP,
      topK: request.topK,
      stopSequences: request.stop ? [...request.stop] : undefined,
      seed: request.seed === undefined ? undefined : request.seed + sample,
      abortSignal: signal,
      providerOptions,
    });
    const raw = textOf(result);
    const text = cutAtStop(raw, request.stop);
    return {
      text,
      finishReason: text.length < raw.length ? 'stop' : finishReasonOf(result),
      inputTokens:
        result.usage.inputTokens.total ?? estimateTokens(messages.map((m) => m.content).join('\n')),
      outputTokens: result.usage.outputTokens.total ?? estimateTokens(text),
    };
  }
}

/** Our chat messages in the AI SDK's prompt shape. */
export function toV3Prompt(messages: readonly ChatMessage[]): LanguageModelV3Prompt {
  return messages.map((m) =>
    m.role === 'system'
      ? { role: 'system' as const, content: m.content }
      : { role: m.role, content: [{ type: 'text' as const, text: m.content }] },
  );
}

function textOf(result: LanguageModelV3GenerateResult): string {
  return result.content
    .filter((c): c is { type: 'text'; text: string } => c.type === 'text')
    .map((c) => c.text)
    .join('');
}

function finishReasonOf(result: LanguageModelV3GenerateResult): FinishReason {
  const unified = result.finishReason.unified;
  if (unified === 'length') return 'length';
  if (unified === 'error' || unified === 'content-filter') return 'error';
  return 'stop';
}

/** Text before the first stop string: some servers ignore `stop`, the port promises it. */
export function cutAtStop(text: string, stop?: readonly string[]): string {
  let end = text.length;
  for (const s of stop ?? []) {
    const at = s ? text.indexOf(s) : -1;
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}

/** About four characters a token: only for servers that report no usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
