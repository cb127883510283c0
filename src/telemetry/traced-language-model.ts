// A LanguageModel wrapper that records each request as an OpenTelemetry span with the GenAI
// semantic conventions: `{gen_ai.operation.name} {gen_ai.request.model}`, the request's sampling
// attributes, `gen_ai.usage.input_tokens` / `output_tokens`, the finish reasons, and, for a
// critique, the verdict as a `gen_ai.evaluation.result` event. Prompts and completions are
// recorded only when the tracer captures content.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type {
  CompleteOptions,
  Completion,
  CompletionRequest,
  LanguageModel,
} from '../spec/language-model.js';
import type { Verdict } from '../spec/task.js';
import { type RunTracer, under } from './run-tracer.js';

export interface TracedModelOptions {
  /** `gen_ai.provider.name`: `openai` for OpenAI-compatible endpoints, `self-evolve` for ours. */
  readonly provider: string;
  /** `gen_ai.operation.name`: `chat` through a chat API, `text_completion` for an episode. */
  readonly operation: 'chat' | 'text_completion';
  /** Who wrote the critique, for the evaluation's name: `self_verdict` or `teacher_verdict`. */
  readonly role: 'student' | 'teacher';
  /** Reads a critique's verdict. */
  readonly parseVerdict: (feedback: string) => Verdict | undefined;
}

export class TracedLanguageModel implements LanguageModel {
  readonly id: string;

  constructor(
    private readonly inner: LanguageModel,
    private readonly tracer: RunTracer,
    private readonly options: TracedModelOptions,
  ) {
    this.id = inner.id;
  }

  async complete(
    requests: readonly CompletionRequest[],
    options?: CompleteOptions,
  ): Promise<Completion[]> {
    const { tracer } = this.tracer;
    const parent = under(this.tracer.current());
    const spans = requests.map((r) =>
      tracer.startSpan(
        `${this.options.operation} ${this.inner.id}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'gen_ai.operation.name': this.options.operation,
            'gen_ai.provider.name': this.options.provider,
            'gen_ai.request.model': this.inner.id,
            ...(r.temperature !== undefined ? { 'gen_ai.request.temperature': r.temperature } : {}),
            ...(r.topP !== undefined ? { 'gen_ai.request.top_p': r.topP } : {}),
            ...(r.topK !== undefined ? { 'gen_ai.request.top_k': r.topK } : {}),
            ...(r.maxTokens !== undefined ? { 'gen_ai.request.max_tokens': r.maxTokens } : {}),
            ...(r.seed !== undefined ? { 'gen_ai.request.seed': r.seed } : {}),
            ...(r.n !== undefined && r.n !== 1 ? { 'gen_ai.request.choice.count': r.n } : {}),
            'self_evolve.section': r.next,
            ...(this.tracer.captureContent
              ? {
                  'gen_ai.input.messages': JSON.stringify(
                    r.turns.map((t) => ({
                      role: t.section,
                      parts: [{ type: 'text', content: t.text }],
                    })),
                  ),
                }
              : {}),
          },
        },
        parent,
      ),
    );
    let completions: Completion[];
    try {
      completions = await this.inner.complete(requests, options);
    } catch (error) {
      for (const span of spans) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        span.end();
      }
      throw error;
    }
    completions.forEach((c, i) => {
      this.finish(spans[i], requests[i], c);
    });
    return completions;
  }

  private finish(
    span: ReturnType<RunTracer['tracer']['startSpan']>,
    request: CompletionRequest,
    c: Completion,
  ): void {
    span.setAttributes({
      'gen_ai.response.model': this.inner.id,
      'gen_ai.usage.input_tokens': c.usage.inputTokens,
      'gen_ai.usage.output_tokens': c.usage.outputTokens,
      'gen_ai.response.finish_reasons': [...c.finishReasons],
    });
    if (this.tracer.captureContent) {
      span.setAttribute(
        'gen_ai.output.messages',
        JSON.stringify(
          c.texts.map((text) => ({ role: request.next, parts: [{ type: 'text', content: text }] })),
        ),
      );
    }
    if (c.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: c.error });
    if (request.next === 'feedback' && c.error === undefined) {
      const verdict = this.options.parseVerdict(c.texts[0] ?? '');
      span.addEvent('gen_ai.evaluation.result', {
        'gen_ai.evaluation.name':
          this.options.role === 'teacher' ? 'teacher_verdict' : 'self_verdict',
        'gen_ai.evaluation.score.label': verdict ?? 'none',
        ...(verdict ? { 'gen_ai.evaluation.score.value': verdict === 'correct' ? 1 : 0 } : {}),
        ...(this.tracer.captureContent
          ? { 'gen_ai.evaluation.explanation': c.texts[0] ?? '' }
          : {}),
      });
    }
    span.end();
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}
