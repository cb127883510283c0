// The request body of POST /v1/chat/completions: validated with zod, with our two extension
// fields, `self_refine` (online self-refinement) and `self_episode` (a SELF episode to continue).
import { z } from 'zod';
import type { ChatMessage } from '../providers/chat-template.js';
import type { Section, Turn } from '../spec/language-model.js';
import { HttpError, invalidRequest } from './openai-error.js';
import { CHAT_LIMITS } from './server-limits.js';

const L = CHAT_LIMITS;

const textPart = z.object({ type: z.literal('text'), text: z.string() });

const message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(textPart).max(L.contentParts)]),
});

const section = z.enum(['prompt', 'response', 'feedback', 'refinement']);

/** Extension: refine the answer online, up to `max_iterations` rounds of feedback + refinement. */
const selfRefine = z.object({
  max_iterations: z.number().int().min(1).max(L.refineIterations).default(2),
  /** Include the initial answer, feedback, verdicts and refinements as `self_refine_trace`. */
  return_trace: z.boolean().default(false),
});

const maxTokens = z.number().int().positive().max(L.maxTokens).nullish();
const stopSequence = z.string().max(L.stopLength);

/** Every size is bounded (CHAT_LIMITS); the body as a whole by --max-body-bytes. */
export const chatRequestSchema = z.looseObject({
  model: z.string().min(1).max(L.modelName),
  messages: z.array(message).min(1).max(L.messages),
  max_tokens: maxTokens,
  max_completion_tokens: maxTokens,
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  top_k: z.number().int().positive().max(L.topK).nullish(),
  n: z.number().int().min(1).max(L.choices).nullish(),
  seed: z.int().nullish(),
  stop: z.union([stopSequence, z.array(stopSequence).max(L.stopSequences)]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(z.unknown()).max(0, 'tools are not supported by this server').nullish(),
  self_refine: selfRefine.nullish(),
  self_episode: z
    .object({
      turns: z
        .array(z.object({ section, text: z.string() }))
        .min(1)
        .max(L.episodeTurns),
      next: section,
    })
    .nullish(),
});

/** A validated request in the shapes the rest of the server uses. */
export interface ChatRequest {
  readonly model: string;
  readonly messages: ChatMessage[];
  readonly sampling: {
    maxTokens?: number;
    temperature?: number;
    topP?: number;
    topK?: number;
    n: number;
    seed?: number;
    stop?: string[];
  };
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly refine?: { maxIterations: number; returnTrace: boolean };
  readonly episode?: { turns: Turn[]; next: Section };
}

/** Validates a parsed JSON body; throws HttpError 400 naming the first bad field. */
export function parseChatRequest(body: unknown): ChatRequest {
  const parsed = chatRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidRequest(parsed.error.issues);
  const r = parsed.data;
  if (r.self_refine && r.stream) {
    throw new HttpError(
      400,
      'self_refine cannot be combined with stream: true',
      'invalid_request_error',
      'stream',
    );
  }
  const messages: ChatMessage[] = r.messages.map((m) => ({
    role: m.role === 'developer' ? 'system' : m.role,
    content: typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join(''),
  }));
  return {
    model: r.model,
    messages,
    sampling: {
      maxTokens: r.max_completion_tokens ?? r.max_tokens ?? undefined,
      temperature: r.temperature ?? undefined,
      topP: r.top_p ?? undefined,
      topK: r.top_k ?? undefined,
      n: r.n ?? 1,
      seed: r.seed ?? undefined,
      stop: r.stop == null ? undefined : typeof r.stop === 'string' ? [r.stop] : r.stop,
    },
    stream: r.stream ?? false,
    includeUsage: r.stream_options?.include_usage ?? false,
    refine: r.self_refine
      ? { maxIterations: r.self_refine.max_iterations, returnTrace: r.self_refine.return_trace }
      : undefined,
    episode: r.self_episode ?? undefined,
  };
}
