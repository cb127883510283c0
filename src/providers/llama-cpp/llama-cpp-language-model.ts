// Any local GGUF model through llama.cpp (node-llama-cpp) as a LanguageModel, student or teacher.
// Models exported by self-evolve are driven natively with SELF section tokens; any other model
// (Qwen, Llama, ...) through its own chat template and our section templates. Samples run on a
// pool of context sequences that llama.cpp evaluates in shared batches.
import type {
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
  Token,
} from 'node-llama-cpp';
import { SELF_EVOLVE_FORMAT } from '../../gguf/gguf-format.js';
import { CancelledError, ContextLengthError, InvalidInputError } from '../../spec/errors.js';
import type {
  CompleteOptions,
  Completion,
  CompletionRequest,
  FinishReason,
  LanguageModel,
} from '../../spec/language-model.js';
import { type ChatTemplates, DEFAULT_CHAT_TEMPLATES } from '../chat-template.js';
import { runChatSample } from './chat-sample.js';
import { type LlamaGpu, llamaRuntime, loadGguf } from './llama-runtime.js';
import { NativeEpisodes } from './native-episodes.js';
import { SequencePool } from './sequence-pool.js';
import {
  type FeedbackConstraint,
  renderJsonFeedback,
  type VerdictLimits,
  verdictGbnf,
  verdictJsonSchema,
} from './verdict-grammar.js';

const SMALL_MODEL_BYTES = 256 * 1024 * 1024;

export interface LlamaCppModelOptions {
  /** Path of the .gguf file. */
  readonly modelPath: string;
  /** Default `llama-cpp:<file>`. */
  readonly id?: string;
  /**
   * `native`: SELF section tokens (GGUF files exported by self-evolve); `chat`: the model's chat
   * template with our section templates; `auto` (default): native when the file says it is ours.
   */
  readonly mode?: 'auto' | 'native' | 'chat';
  /** Tokens per sequence (default: the model's training context, at most 4096). */
  readonly contextSize?: number;
  /** Samples generated in parallel (default 4). */
  readonly sequences?: number;
  /** Chat mode: how sections become messages (default DEFAULT_CHAT_TEMPLATES). */
  readonly templates?: ChatTemplates;
  /** Constrain feedback sections so they end in a verdict line (default `none`). */
  readonly feedback?: FeedbackConstraint;
  /** Bounds of a constrained critique (default DEFAULT_VERDICT_LIMITS). */
  readonly verdictLimits?: VerdictLimits;
  /**
   * Precision of the KV cache. Default: `F32` in native mode (our models are small, and float32
   * keys and values make llama.cpp agree with the embedded engine to ~1e-6), llama.cpp's `F16`
   * in chat mode.
   */
  readonly kvCache?: 'F16' | 'F32';
  readonly gpu?: LlamaGpu;
  /**
   * CPU threads. Default: 1 for files under 256 MB (tiny models gain nothing from more, and
   * llama.cpp's spinning threads slow to a crawl on a busy machine), else node-llama-cpp's choice.
   */
  readonly threads?: number;
}

/** One sample's result. */
export interface SampleResult {
  readonly text: string;
  readonly finishReason: FinishReason;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export class LlamaCppLanguageModel implements LanguageModel {
  readonly id: string;
  readonly mode: 'native' | 'chat';

  private constructor(
    readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly pool: SequencePool,
    private readonly options: LlamaCppModelOptions,
    private readonly native: NativeEpisodes | undefined,
    private readonly grammar: LlamaGrammar | undefined,
  ) {
    this.id = options.id ?? `llama-cpp:${options.modelPath}`;
    this.mode = native ? 'native' : 'chat';
  }

  /** Loads the model and creates its context; close() releases both. */
  static async load(options: LlamaCppModelOptions): Promise<LlamaCppLanguageModel> {
    const sequences = options.sequences ?? 4;
    if (!Number.isInteger(sequences) || sequences < 1 || sequences > 64) {
      throw new InvalidInputError(`must be an integer in [1, 64], got ${sequences}`, {
        field: 'sequences',
      });
    }
    const model = await loadGguf(options.modelPath, options.gpu ?? false);
    try {
      // node-llama-cpp nests dotted keys: `self_evolve.format` is metadata.self_evolve.format.
      const ours = (model.fileInfo.metadata as unknown as { self_evolve?: { format?: string } })
        .self_evolve?.format;
      const mode = options.mode ?? 'auto';
      const native =
        mode === 'native' || (mode === 'auto' && ours === SELF_EVOLVE_FORMAT)
          ? new NativeEpisodes(model, options.modelPath)
          : undefined;
      if (native) checkConstraintVocabulary(native, options);
      const contextSize = options.contextSize ?? Math.min(model.trainContextSize, 4096);
      const kvCache = options.kvCache ?? (native ? 'F32' : 'F16');
      const context = await model.createContext({
        contextSize,
        sequences,
        threads: options.threads ?? (model.size < SMALL_MODEL_BYTES ? 1 : undefined),
        flashAttention: false,
        experimentalKvCacheKeyType: kvCache,
        experimentalKvCacheValueType: kvCache,
      });
      serializeFirstSampling(context);
      const pool = new SequencePool(Array.from({ length: sequences }, () => context.getSequence()));
      const grammar = await createGrammar(options);
      return new LlamaCppLanguageModel(model, context, pool, options, native, grammar);
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  /** Tokens each sequence holds (prompt and generated text together). */
  get contextSize(): number {
    return this.context.contextSize;
  }

  async complete(
    requests: readonly CompletionRequest[],
    options: CompleteOptions = {},
  ): Promise<Completion[]> {
    const prompts = requests.map((r) =>
      this.native ? this.native.encodePrompt(r.turns, r.next) : undefined,
    );
    const limit = this.native ? this.model.trainContextSize : this.contextSize;
    prompts.forEach((p, i) => {
      if (p && p.length > Math.min(limit, this.contextSize)) {
        throw new ContextLengthError(p.length, limit, `episode of request ${i}`);
      }
    });
    let done = 0;
    return Promise.all(
      requests.map(async (request, i) => {
        const samples = await Promise.all(
          Array.from({ length: request.n ?? 1 }, (_, k) =>
            this.pool.use((sequence) => this.sample(sequence, request, prompts[i], k, options)),
          ),
        );
        options.onProgress?.(++done, requests.length);
        return {
          texts: samples.map((s) => s.text),
          finishReasons: samples.map((s) => s.finishReason),
          usage: {
            inputTokens: samples[0]?.inputTokens ?? 0,
            outputTokens: samples.reduce((a, s) => a + s.outputTokens, 0),
          },
        };
      }),
    );
  }

  private sample(
    sequence: LlamaContextSequence,
    request: CompletionRequest,
    prompt: Token[] | undefined,
    index: number,
    options: CompleteOptions,
  ): Promise<SampleResult> {
    if (options.signal?.aborted) throw new CancelledError('generation cancelled');
    const seed = ((request.seed ?? 0) + index) >>> 0;
    const grammar = request.next === 'feedback' ? this.grammar : undefined;
    if (this.native && prompt) {
      return this.nativeSample(sequence, request, prompt, seed, grammar, options.signal);
    }
    return runChatSample(sequence, request, {
      templates: this.options.templates ?? DEFAULT_CHAT_TEMPLATES,
      seed,
      grammar,
      json: this.options.feedback === 'json',
      signal: options.signal,
    });
  }

  /** Our own decoding loop: stops at any section token, like the embedded engine. */
  private async nativeSample(
    sequence: LlamaContextSequence,
    request: CompletionRequest,
    prompt: Token[],
    seed: number,
    grammar: LlamaGrammar | undefined,
    signal?: AbortSignal,
  ): Promise<SampleResult> {
    const native = this.native!;
    const { LlamaGrammarEvaluationState } = await import('node-llama-cpp');
    // Reuse the cached prefix of the previous sample on this sequence; feed at least one token.
    await sequence.adaptStateToTokens(prompt, false);
    const start = Math.min(sequence.nextTokenIndex, prompt.length - 1);
    if (sequence.nextTokenIndex > start) {
      await sequence.eraseContextTokenRanges([{ start, end: sequence.nextTokenIndex }]);
    }
    // Like the engine: generation may fill the context, the last token is never fed back.
    const room = this.model.trainContextSize + 1 - prompt.length;
    const maxTokens = Math.min(request.maxTokens ?? room, room);
    const generated: Token[] = [];
    let text = '';
    let finishReason: FinishReason = 'length';
    const tokens = sequence.evaluate(prompt.slice(start), {
      temperature: request.temperature ?? 0,
      topK: request.topK,
      topP: request.topP,
      seed,
      yieldEogToken: true,
      grammarEvaluationState: grammar
        ? new LlamaGrammarEvaluationState({ model: this.model, grammar })
        : undefined,
    });
    for await (const token of tokens) {
      if (signal?.aborted) throw new CancelledError('generation cancelled');
      if (native.stops.has(token)) {
        finishReason = 'stop';
        break;
      }
      generated.push(token);
      text = this.model.detokenize(generated);
      const cut = firstStop(text, request.stop);
      if (cut >= 0) {
        text = text.slice(0, cut);
        finishReason = 'stop';
        break;
      }
      if (generated.length >= maxTokens) break;
    }
    if (grammar && this.options.feedback === 'json') text = renderJsonFeedback(text);
    return { text, finishReason, inputTokens: prompt.length, outputTokens: generated.length };
  }

  async close(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }

  /** The runtime this model runs on (for tests and benchmarks). */
  static runtime(gpu: LlamaGpu = false) {
    return llamaRuntime(gpu);
  }
}

/**
 * Makes the first token sampling after each decode run alone. node-llama-cpp samples every
 * sequence of a batch at once, each on a libuv worker thread, and llama.cpp's first logits access
 * after a decode applies the batch's pending output reordering (`output_reorder`, for a batch of
 * several sequences that the KV cache split out of order) without a lock. Two samplers doing it
 * together swap rows twice or halfway, so a sequence can sample from another's logits: under load,
 * now and then a wrong token. Once reordered, the logits are only read, so the other samplers then
 * run together. Wraps node-llama-cpp's internal `_ctx` (3.21.1); without one, nothing changes.
 */
export function serializeFirstSampling(context: LlamaContext): void {
  type Native = (...args: unknown[]) => Promise<unknown>;
  const ctx = (context as unknown as { _ctx?: Record<string, unknown> })._ctx;
  const decode = ctx?.decodeBatch as Native | undefined;
  const sample = ctx?.sampleToken as Native | undefined;
  if (!ctx || typeof decode !== 'function' || typeof sample !== 'function') return;
  let decoded = false;
  let first: Promise<unknown> = Promise.resolve();
  const run = (args: unknown[]) => sample.apply(ctx, args);
  // Own properties: the native class's methods are read-only.
  Object.defineProperty(ctx, 'decodeBatch', {
    value: async (...args: unknown[]) => {
      const result = await decode.apply(ctx, args);
      decoded = true;
      return result;
    },
  });
  Object.defineProperty(ctx, 'sampleToken', {
    value: (...args: unknown[]) => {
      const after = () => run(args);
      if (!decoded) return first.then(after, after);
      decoded = false;
      first = run(args);
      return first;
    },
  });
}

/** Index of the first stop string in `text`, or -1. */
export function firstStop(text: string, stop: readonly string[] | undefined): number {
  let at = -1;
  for (const s of stop ?? []) {
    const i = s ? text.indexOf(s) : -1;
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

/** The characters each constraint must be able to write (one spelling of the keyword suffices). */
const CONSTRAINT_CHARS = {
  grammar: 'verdict: correctwrong\n',
  json: '{}":, critique verdict correctwrong',
};

/** A char vocabulary that cannot spell the verdict would silently defeat the constraint. */
function checkConstraintVocabulary(native: NativeEpisodes, options: LlamaCppModelOptions): void {
  const constraint = options.feedback ?? 'none';
  if (constraint === 'none') return;
  const missing = native.missing(CONSTRAINT_CHARS[constraint]);
  if (missing.length > 0) {
    throw new InvalidInputError(
      `the model's vocabulary lacks ${JSON.stringify(missing.join(''))}, which the ${constraint} verdict needs`,
      { file: options.modelPath, field: 'feedback' },
      { hint: 'use feedback "none", or a model whose alphabet has these characters' },
    );
  }
}

async function createGrammar(options: LlamaCppModelOptions): Promise<LlamaGrammar | undefined> {
  const constraint = options.feedback ?? 'none';
  if (constraint === 'none') return undefined;
  const llama = await llamaRuntime(options.gpu ?? false);
  if (constraint === 'grammar') {
    return llama.createGrammar({ grammar: verdictGbnf(options.verdictLimits) });
  }
  if (constraint === 'json') {
    return llama.createGrammarForJsonSchema(verdictJsonSchema(options.verdictLimits));
  }
  throw new InvalidInputError(`must be none, grammar or json, got ${JSON.stringify(constraint)}`, {
    field: 'feedback',
  });
}
