// The server against the official `openai` npm client over real HTTP on 127.0.0.1. The served
// model is a scripted stand-in (the plumbing is under test, not the model's content).
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletionRequest } from '../spec/language-model.js';
import { ScriptedLanguageModel } from '../testing/scripted-language-model.js';
import type { OpenAIErrorBody } from './openai-error.js';
import { type RunningServer, startServer } from './start-server.js';

/**
 * Answers `answer: <prompt>`; its feedback rejects first answers and accepts refinements, except
 * for prompts with `stubborn`, where it rejects everything.
 */
function script(request: CompletionRequest, sample: number): string {
  const prompt = request.turns.find((t) => t.section === 'prompt')?.text ?? '';
  const last = request.turns[request.turns.length - 1];
  if (request.next === 'feedback') {
    return last.text.startsWith('refined') && !prompt.includes('stubborn')
      ? 'all good.\nverdict: correct'
      : 'step 2 is wrong.\nverdict: wrong';
  }
  if (request.next === 'refinement') return `refined answer: ${prompt}`;
  return `answer${sample ? ` ${sample}` : ''}: ${prompt}`;
}

const KEY = 'test-key-123';
let server: RunningServer;
let model: ScriptedLanguageModel;
let client: OpenAI;

beforeAll(async () => {
  model = new ScriptedLanguageModel(script);
  server = await startServer({
    port: 0,
    apiKey: KEY,
    maxBodyBytes: 4096,
    models: [{ name: 'tiny', model }],
  });
  client = new OpenAI({ baseURL: server.baseURL, apiKey: KEY, maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
});

describe('serve with the openai client', () => {
  it('lists the served models', async () => {
    const list = await client.models.list();
    expect(list.data.map((m) => m.id)).toEqual(['tiny']);
    expect((await client.models.retrieve('tiny')).id).toBe('tiny');
  });

  it('answers a chat completion with usage', async () => {
    const r = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'What is 2+2?' }],
      seed: 7,
      max_tokens: 50,
    });
    expect(r.object).toBe('chat.completion');
    expect(r.choices[0].message.content).toBe('answer: What is 2+2?');
    expect(r.choices[0].finish_reason).toBe('stop');
    expect(r.usage?.completion_tokens).toBe(4);
    const seen = model.requests[model.requests.length - 1];
    expect(seen).toMatchObject({ seed: 7, maxTokens: 50, next: 'response' });
  });

  it('returns n choices and reports truncation as length', async () => {
    const r = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'one two three four' }],
      n: 2,
      max_tokens: 2,
    });
    expect(r.choices.map((c) => c.message.content)).toEqual(['answer: one', 'answer 1:']);
    expect(r.choices.map((c) => c.finish_reason)).toEqual(['length', 'length']);
  });

  it('streams the same text as server-sent events, with usage last', async () => {
    const stream = await client.chat.completions.create({
      model: 'tiny',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say something long enough to split' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let deltas = 0;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) {
        text += choice.delta.content;
        deltas++;
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('answer: Be brief.\n\nSay something long enough to split');
    expect(deltas).toBeGreaterThan(3);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(9);
  });

  it('refines online and returns the trace on request', async () => {
    const r = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'Solve 3x = 9' }],
      // @ts-expect-error extension field of self-evolve serve
      self_refine: { max_iterations: 3, return_trace: true },
    });
    const choice = r.choices[0] as (typeof r.choices)[0] & {
      self_refine_trace: { attempts: { text: string; verdict: string }[] };
    };
    expect(choice.message.content).toBe('refined answer: Solve 3x = 9');
    const attempts = choice.self_refine_trace.attempts;
    expect(attempts.map((a) => a.text)).toEqual([
      'answer: Solve 3x = 9',
      'refined answer: Solve 3x = 9',
    ]);
    expect(attempts.map((a) => a.verdict)).toEqual(['wrong', 'correct']);
  });

  it('returns the last accepted attempt, or the first answer when none was accepted', async () => {
    const r = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'a stubborn one' }],
      // @ts-expect-error extension field of self-evolve serve
      self_refine: { max_iterations: 2, return_trace: true },
    });
    const choice = r.choices[0] as (typeof r.choices)[0] & {
      self_refine_trace: { attempts: { verdict: string }[] };
    };
    expect(choice.self_refine_trace.attempts.map((a) => a.verdict)).toEqual([
      'wrong',
      'wrong',
      'wrong',
    ]);
    expect(choice.message.content).toBe('answer: a stubborn one');
  });

  it('continues a SELF episode given in self_episode', async () => {
    const r = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'ignored for episodes' }],
      // @ts-expect-error extension field of self-evolve serve
      self_episode: {
        turns: [
          { section: 'prompt', text: 'p' },
          { section: 'response', text: 'r' },
        ],
        next: 'feedback',
      },
    });
    expect(r.choices[0].message.content).toBe('step 2 is wrong.\nverdict: wrong');
  });
});

describe('serve rejects bad requests in OpenAI error format', () => {
  it('400 names the bad field', async () => {
    const bad = client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 5,
    });
    await expect(bad).rejects.toMatchObject({ status: 400, param: 'temperature' });
    const empty = client.chat.completions.create({ model: 'tiny', messages: [] });
    await expect(empty).rejects.toMatchObject({ status: 400, param: 'messages' });
  });

  it('404 for an unknown model', async () => {
    const r = client.chat.completions.create({
      model: 'nope',
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(r).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('401 without the right key', async () => {
    const wrong = new OpenAI({ baseURL: server.baseURL, apiKey: 'wrong', maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });
  });

  it('400 for a body that is not JSON and 413 for one too large', async () => {
    const post = (body: string) =>
      fetch(`${server.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body,
      });
    const notJson = await post('{"model": "tiny",');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as OpenAIErrorBody).error.type).toBe('invalid_request_error');
    const big = await post(
      JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'x'.repeat(5000) }] }),
    );
    expect(big.status).toBe(413);
    expect(((await big.json()) as OpenAIErrorBody).error.code).toBe('body_too_large');
  });
});

describe('graceful shutdown', () => {
  it('finishes requests in flight, then refuses connections and closes the model', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow = new ScriptedLanguageModel(() => 'done');
    const original = slow.complete.bind(slow);
    slow.complete = async (requests, options) => {
      await gate;
      return original(requests, options);
    };
    const s = await startServer({ port: 0, models: [{ name: 'slow', model: slow }] });
    const c = new OpenAI({ baseURL: s.baseURL, apiKey: 'x', maxRetries: 0 });
    const pending = c.chat.completions.create({
      model: 'slow',
      messages: [{ role: 'user', content: 'hi' }],
    });
    while (!(await fetch(`${s.baseURL.replace('/v1', '')}/health`).then((r) => r.ok))) {}
    // Let the request reach the model before shutting down.
    await new Promise((r) => setTimeout(r, 50));
    const closed = s.close();
    release();
    expect((await pending).choices[0].message.content).toBe('done');
    await closed;
    expect(slow.closed).toBe(true);
    await expect(fetch(`${s.baseURL}/models`)).rejects.toThrow();
  });
});
