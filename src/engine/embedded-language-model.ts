// The embedded engine as a LanguageModel: an episode's turns become section tokens, the model
// writes section `next` and stops at the end of the section. All requests of a call share one
// batched generation; each sample's text depends only on its own request, seed and index.
import { ContextLengthError } from '../spec/errors.js';
import type {
  CompleteOptions,
  Completion,
  CompletionRequest,
  FinishReason,
  LanguageModel,
} from '../spec/language-model.js';
import type { Engine } from './engine.js';
import { encodePrompt } from './episode.js';
import { SPECIAL_TOKENS, UNK } from './tokenizer.js';

export interface EmbeddedLanguageModelOptions {
  /** Defaults to `embedded`. */
  readonly id?: string;
  /**
   * A prompt longer than the context: `throw` (default) a ContextLengthError for the whole call,
   * or answer that request with empty texts and finish reason `error` and go on with the rest.
   */
  readonly onContextOverflow?: 'throw' | 'error';
  /** Dispose the engine on close() (default true). */
  readonly ownsEngine?: boolean;
}

/** Every special token but `<|unk|>` ends a section. */
const SECTION_STOPS = SPECIAL_TOKENS.map((_, id) => id).filter((id) => id !== UNK);

export class EmbeddedLanguageModel implements LanguageModel {
  readonly id: string;

  constructor(
    readonly engine: Engine,
    private readonly options: EmbeddedLanguageModelOptions = {},
  ) {
    this.id = options.id ?? 'embedded';
  }

  async complete(
    requests: readonly CompletionRequest[],
    options: CompleteOptions = {},
  ): Promise<Completion[]> {
    const { tokenizer, config } = this.engine;
    // The prompt is the caller's text; later sections were written by a model in its alphabet.
    tokenizer.warnUnknown(
      requests.flatMap((r) => r.turns.filter((t) => t.section === 'prompt').map((t) => t.text)),
      this.id,
    );
    const prompts = requests.map((r) => encodePrompt(tokenizer, r.turns, r.next));
    const fits = prompts.map((p) => p.length <= config.contextLength);
    const overflow = fits.indexOf(false);
    if (overflow >= 0 && this.options.onContextOverflow !== 'error') {
      throw new ContextLengthError(
        prompts[overflow].length,
        config.contextLength,
        `episode of request ${overflow}`,
      );
    }
    const index = requests.map((_, i) => i).filter((i) => fits[i]);
    const samples = await this.engine.generate(
      index.map((i) => {
        const r = requests[i];
        return {
          prompt: prompts[i],
          maxTokens: r.maxTokens,
          temperature: r.temperature,
          topK: r.topK,
          topP: r.topP,
          stop: r.stop,
          seed: r.seed,
          n: r.n,
          stopTokens: SECTION_STOPS,
        };
      }),
      {
        signal: options.signal,
        // Requests that did not fit are already done (as errors).
        onRequestDone: (done) =>
          options.onProgress?.(done + requests.length - index.length, requests.length),
      },
    );
    const completions: Completion[] = requests.map((r, i) => ({
      texts: Array.from({ length: r.n ?? 1 }, () => ''),
      finishReasons: Array.from({ length: r.n ?? 1 }, (): FinishReason => 'error'),
      usage: { inputTokens: prompts[i].length, outputTokens: 0 },
      error: new ContextLengthError(prompts[i].length, config.contextLength, 'the episode').message,
    }));
    index.forEach((i, j) => {
      const out = samples[j];
      completions[i] = {
        texts: out.map((s) => s.text),
        finishReasons: out.map((s) => s.finishReason),
        usage: {
          inputTokens: prompts[i].length,
          outputTokens: out.reduce((n, s) => n + s.tokens.length, 0),
        },
      };
    });
    return completions;
  }

  async close(): Promise<void> {
    if (this.options.ownsEngine ?? true) this.engine.dispose();
  }
}
