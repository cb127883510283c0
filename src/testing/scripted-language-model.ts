// A LanguageModel whose answers come from a function: for tests of the plumbing (server, retries,
// cache) where the model's content is beside the point. It records every request it receives.
import type {
  CompleteOptions,
  Completion,
  CompletionRequest,
  LanguageModel,
} from '../spec/language-model.js';

/** Writes the text of sample `sample` for `request`. */
export type Script = (request: CompletionRequest, sample: number) => string;

/** Answers by `script`; counts tokens as whitespace-separated words. */
export class ScriptedLanguageModel implements LanguageModel {
  readonly requests: CompletionRequest[] = [];
  closed = false;

  constructor(
    private readonly script: Script,
    readonly id = 'scripted',
  ) {}

  async complete(
    requests: readonly CompletionRequest[],
    options: CompleteOptions = {},
  ): Promise<Completion[]> {
    return requests.map((request, i) => {
      if (options.signal?.aborted) throw options.signal.reason;
      this.requests.push(request);
      const texts = Array.from({ length: request.n ?? 1 }, (_, s) => {
        const text = this.script(request, s);
        return request.maxTokens === undefined
          ? text
          : text.split(' ').slice(0, request.maxTokens).join(' ');
      });
      options.onProgress?.(i + 1, requests.length);
      return {
        texts,
        finishReasons: texts.map((t, s) => (t === this.script(request, s) ? 'stop' : 'length')),
        usage: {
          inputTokens: request.turns.reduce((a, t) => a + words(t.text), 0),
          outputTokens: texts.reduce((a, t) => a + words(t), 0),
        },
      };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
