// The OpenAI-compatible HTTP app: GET /v1/models and POST /v1/chat/completions (plain or SSE
// stream), with online self-refinement as the extension field `self_refine`. Hono; no I/O here,
// `start-server.ts` binds it to a port.
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { type ChatMessage, chatToTurns, readVerdict } from '../providers/chat-template.js';
import { acceptedAttempt } from '../self/evaluation.js';
import { type RefineTrace, refineLoop } from '../self/refine-loop.js';
import { deriveSeed } from '../self/seeds.js';
import type { Completion, LanguageModel, SamplingOptions } from '../spec/language-model.js';
import type { Task } from '../spec/task.js';
import { bearerKey } from './api-key.js';
import { type ChatRequest, parseChatRequest } from './chat-request.js';
import { HttpError, sendError, toHttpError } from './openai-error.js';
import { HTTP_LIMITS } from './server-limits.js';

/** A model the server offers under `name`. */
export interface ServedModel {
  /** The id clients pass as `model`. */
  readonly name: string;
  /** Writes SELF sections (answers, feedback, refinements): used for `self_refine` and episodes. */
  readonly model: LanguageModel;
  /**
   * Answers a plain chat. Default: the conversation as an episode for `model` (see chatToTurns).
   * Proxy mode passes the messages through to the upstream unchanged.
   */
  readonly chat?: (
    messages: ChatMessage[],
    sampling: SamplingOptions,
    signal?: AbortSignal,
  ) => Promise<Completion>;
  /** Reads verdicts for `self_refine`; default: the last `verdict: correct|wrong` line. */
  readonly task?: Task;
  readonly ownedBy?: string;
  /**
   * What the model is, beyond its name (an embedded checkpoint's weight digest): reported as
   * `fingerprint` by `GET /v1/models/{id}`, so a client's response cache can tell two models
   * served under one name apart.
   */
  readonly fingerprint?: string;
  /**
   * Set on a model that `resolve` lent for one request: the server calls it once that request is
   * done with the model, so a resolver can close models it evicted when nobody uses them.
   */
  readonly release?: () => void;
}

export interface ServerAppOptions {
  readonly models: readonly ServedModel[];
  /** When set, every /v1 request needs `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string;
  /** Largest request body accepted, in bytes. Default 1 MiB (HTTP_LIMITS.bodyBytes). */
  readonly maxBodyBytes?: number;
  /**
   * Finds a model not in `models` by name, once per request (e.g. a checkpoint loaded on first
   * use). The server keeps nothing it returns: caching, and its bound, are the resolver's; a model
   * with `release` is released when the request is done.
   */
  readonly resolve?: (name: string) => Promise<ServedModel | undefined>;
  /** Names that /v1/models lists besides `models` (e.g. what `resolve` has loaded). */
  readonly resolvedNames?: () => readonly string[];
  /** Adds routes (e.g. the fine-tuning API subset) after ours, behind the same auth. */
  readonly extend?: (app: Hono) => void;
  /**
   * Told about each request answered with a 5xx: one line with the method, path and error (never
   * headers, bodies or keys). Default: nothing is logged.
   */
  readonly log?: (line: string) => void;
}

/** Builds the app. Routes under /v1 follow OpenAI's API and error format. */
export function createServerApp(options: ServerAppOptions): Hono {
  const models = modelRegistry(options);
  const maxBodyBytes = options.maxBodyBytes ?? HTTP_LIMITS.bodyBytes;
  const app = new Hono();
  app.onError((error, c) => {
    const http = toHttpError(error);
    if (http.status >= 500) options.log?.(`${c.req.method} ${c.req.path}: ${errorText(error)}`);
    return c.json(http.body(), http.status);
  });
  app.notFound((c) => sendError(c, new HttpError(404, `no route ${c.req.method} ${c.req.path}`)));
  app.get('/health', (c) => c.json({ status: 'ok' }));
  if (options.apiKey) app.use('/v1/*', bearerKey(options.apiKey));
  app.use('/v1/*', bodyLimit({ maxSize: maxBodyBytes, onError: tooLarge(maxBodyBytes) }));
  app.get('/v1/models', (c) => c.json({ object: 'list', data: models.list() }));
  app.get('/v1/models/:id{.+}', async (c) => {
    const served = await models.find(c.req.param('id'));
    served.release?.();
    return c.json(models.describe(served));
  });
  app.post('/v1/chat/completions', (c) => chatCompletions(c, models.find));
  options.extend?.(app);
  return app;
}

/** The static models by name, then whatever the resolver finds (never kept here). */
function modelRegistry(options: ServerAppOptions) {
  const created = Math.floor(Date.now() / 1000);
  const byName = new Map(options.models.map((m) => [m.name, m]));
  const describe = (m: ServedModel | string) => ({
    id: typeof m === 'string' ? m : m.name,
    object: 'model',
    created,
    owned_by: (typeof m !== 'string' && m.ownedBy) || 'self-evolve',
    ...(typeof m !== 'string' && m.fingerprint ? { fingerprint: m.fingerprint } : {}),
  });
  return {
    describe,
    list: () => {
      const dynamic = (options.resolvedNames?.() ?? []).filter((n) => !byName.has(n));
      return [...[...byName.values()].map(describe), ...[...new Set(dynamic)].map(describe)];
    },
    /** The model named `name`; release it (`served.release?.()`) when done. */
    async find(name: string): Promise<ServedModel> {
      const m = byName.get(name) ?? (await options.resolve?.(name));
      if (!m) throw modelNotFound(name);
      return m;
    },
  };
}

function tooLarge(limit: number) {
  return (c: Context): Response => {
    // The rest of the body is never read: close the connection rather than leave the client
    // writing into a socket that a keep-alive request would reuse.
    c.header('connection', 'close');
    return sendError(
      c,
      new HttpError(
        413,
        `request body too large: the limit is ${limit} bytes (serve --max-body-bytes)`,
        'invalid_request_error',
        null,
        'body_too_large',
      ),
    );
  };
}

/** An error for the server's log: its stack (or message), its frames joined on one line. */
function errorText(error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return text.replace(/\s*\n\s*/g, ' | ');
}

/** POST /v1/chat/completions: validate, answer, and reply as JSON or as an SSE stream. */
async function chatCompletions(
  c: Context,
  find: (name: string) => Promise<ServedModel>,
): Promise<Response> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON');
  }
  const request = parseChatRequest(body);
  const served = await find(request.model);
  let result: Answer;
  try {
    // Our models are not incremental: the whole answer exists before the first byte is sent, so
    // every failure (a prompt longer than the context, say) still gets its own status code.
    result = await answer(served, request, c.req.raw.signal);
  } finally {
    served.release?.();
  }
  if (!request.stream) return c.json(completionBody(result, request));
  return streamSSE(c, async (stream) => {
    for (const chunk of streamChunks(result, request)) {
      await stream.writeSSE({ data: JSON.stringify(chunk) });
    }
    await stream.writeSSE({ data: '[DONE]' });
  });
}

function modelNotFound(name: string): HttpError {
  return new HttpError(
    404,
    `the model "${name}" does not exist`,
    'invalid_request_error',
    'model',
    'model_not_found',
  );
}

/** The answers for a request: texts, finish reasons, usage, and traces when refined. */
interface Answer {
  readonly id: string;
  readonly created: number;
  readonly completion: Completion;
  readonly traces?: RefineTrace[];
}

/** Reads `verdict: correct|wrong` lines: enough of a task for online refinement. */
const verdictOnly: Task = {
  name: 'verdict',
  extractAnswer: () => undefined,
  isCorrect: () => false,
  parseVerdict: readVerdict,
};

async function answer(
  served: ServedModel,
  request: ChatRequest,
  signal: AbortSignal,
): Promise<Answer> {
  const base = { id: `chatcmpl-${crypto.randomUUID()}`, created: Math.floor(Date.now() / 1000) };
  if (request.refine) return { ...base, ...(await refined(served, request, signal)) };
  const turns = request.episode?.turns ?? chatToTurns(request.messages);
  const next = request.episode?.next ?? 'response';
  const completion =
    request.episode || !served.chat
      ? (await served.model.complete([{ ...request.sampling, turns, next }], { signal }))[0]
      : await served.chat(request.messages, request.sampling, signal);
  return { ...base, completion };
}

/** Online self-refinement with the SELF refine loop, one trace per requested choice. */
async function refined(served: ServedModel, request: ChatRequest, signal: AbortSignal) {
  const { sampling } = request;
  const prompt = chatToTurns(request.messages)[0].text;
  const seed = sampling.seed ?? 0;
  const maxTokens = sampling.maxTokens ?? 512;
  const traces = await refineLoop(
    served.model,
    served.task ?? verdictOnly,
    Array.from({ length: sampling.n }, (_, i) => ({
      id: String(i),
      prompt,
      seed: deriveSeed(seed, 'serve', i),
    })),
    {
      refine: request.refine?.maxIterations ?? 1,
      temperature: sampling.temperature ?? 0,
      maxTokens: { response: maxTokens, feedback: maxTokens, refinement: maxTokens },
      signal,
    },
  );
  const outputTokens = traces.reduce((a, t) => a + t.tokens, 0);
  const completion: Completion = {
    // The last attempt the model's own feedback accepted, else its first answer (as `ask` does).
    texts: traces.map((t) => t.attempts[acceptedAttempt(t)].text),
    finishReasons: traces.map(() => 'stop'),
    // The loop counts generated tokens only; prompt tokens of its calls are not reported.
    usage: { inputTokens: 0, outputTokens },
  };
  return { completion, traces };
}

function finishReason(reason: string | undefined): 'stop' | 'length' {
  return reason === 'length' ? 'length' : 'stop';
}

function usageBody(completion: Completion) {
  const { inputTokens, outputTokens } = completion.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
}

function completionBody(a: Answer, request: ChatRequest) {
  return {
    id: a.id,
    object: 'chat.completion',
    created: a.created,
    model: request.model,
    choices: a.completion.texts.map((text, index) => ({
      index,
      message: { role: 'assistant', content: text },
      finish_reason: finishReason(a.completion.finishReasons[index]),
      logprobs: null,
      ...(request.refine?.returnTrace && a.traces ? { self_refine_trace: a.traces[index] } : {}),
    })),
    usage: usageBody(a.completion),
  };
}

/** The SSE chunks of a finished answer: role, text in word-sized deltas, finish, usage. */
function* streamChunks(a: Answer, request: ChatRequest) {
  const chunk = (choices: unknown[], extra: object = {}) => ({
    id: a.id,
    object: 'chat.completion.chunk',
    created: a.created,
    model: request.model,
    choices,
    ...extra,
  });
  for (const [index, text] of a.completion.texts.entries()) {
    yield chunk([{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    for (const piece of text.match(/\s*\S+|\s+$/g) ?? []) {
      yield chunk([{ index, delta: { content: piece }, finish_reason: null }]);
    }
    const reason = finishReason(a.completion.finishReasons[index]);
    yield chunk([{ index, delta: {}, finish_reason: reason }]);
  }
  if (request.includeUsage) yield chunk([], { usage: usageBody(a.completion) });
}
