// One sample from a chat model (any GGUF with a chat template): the section is rendered with our
// chat templates, the model's own template (through node-llama-cpp) turns it into tokens.
import type { ChatHistoryItem, LlamaContextSequence, LlamaGrammar } from 'node-llama-cpp';
import type { CompletionRequest } from '../../spec/language-model.js';
import { type ChatTemplates, renderChat } from '../chat-template.js';
import type { SampleResult } from './llama-cpp-language-model.js';
import { renderJsonFeedback } from './verdict-grammar.js';

export interface ChatSampleOptions {
  readonly templates: ChatTemplates;
  readonly seed: number;
  readonly grammar?: LlamaGrammar;
  /** The grammar is the JSON verdict schema: turn its JSON back into feedback text. */
  readonly json: boolean;
  readonly signal?: AbortSignal;
}

/** Generates one reply on `sequence`, starting from an empty state. */
export async function runChatSample(
  sequence: LlamaContextSequence,
  request: CompletionRequest,
  options: ChatSampleOptions,
): Promise<SampleResult> {
  const { LlamaChat } = await import('node-llama-cpp');
  const history: ChatHistoryItem[] = renderChat(request.turns, request.next, options.templates).map(
    (m) =>
      m.role === 'assistant'
        ? { type: 'model', response: [m.content] }
        : { type: m.role, text: m.content },
  );
  history.push({ type: 'model', response: [] });
  await sequence.clearHistory();
  const meter = sequence.tokenMeter.getState();
  const chat = new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false });
  try {
    const result = await chat.generateResponse(history, {
      maxTokens: request.maxTokens,
      temperature: request.temperature ?? 0,
      topK: request.topK,
      topP: request.topP,
      seed: options.seed,
      grammar: options.grammar,
      customStopTriggers: request.stop?.filter((s) => s.length > 0),
      signal: options.signal,
    });
    const used = sequence.tokenMeter.diff(meter);
    const text =
      options.grammar && options.json ? renderJsonFeedback(result.response) : result.response;
    return {
      text,
      finishReason: result.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
      inputTokens: used.usedInputTokens,
      outputTokens: used.usedOutputTokens,
    };
  } finally {
    chat.dispose({ disposeSequence: false });
  }
}
