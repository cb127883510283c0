// Proxy mode over real HTTP: `serve` in front of an upstream OpenAI-compatible server (here another
// `serve` with a scripted stand-in, behind a proxy that injects 429s and 500s), adding online
// self-refinement; plain chats pass through with their messages as sent.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextLengthError } from '../spec/errors.js';
import type { CompletionRequest, LanguageModel } from '../spec/language-model.js';
import { type FaultProxy, startFaultProxy } from '../testing/fault-proxy.js';
import { ScriptedLanguageModel } from '../testing/scripted-language-model.js';
import { upstreamModel } from './served-models.js';
import { type RunningServer, startServer } from './start-server.js';

// The upstream sees chats only: it answers the prompt text, and judges a text containing
// "Proposed solution:\nfirst" wrong, anything else right; a refinement request gets "second".
function upstreamScript(r: CompletionRequest): string {
  const text = r.turns[0].text;
  if (text.includes('Review of the solution:')) return 'second';
  if (text.includes('Proposed solution:')) {
    return text.includes('Proposed solution:\nfirst')
      ? 'off by one.\nVerdict: wrong'
      : 'fine.\nVerdict: correct';
  }
  return text.startsWith('Q:') ? 'first' : `echo ${text}`;
}

const upstream = new ScriptedLanguageModel(upstreamScript);
/** An upstream model with a context of 16 characters. */
const shortContext: LanguageModel = {
  id: 'short',
  complete: async (requests) =>
    requests.map((r) => {
      const length = r.turns.reduce((n, t) => n + t.text.length, 0);
      if (length > 16) throw new ContextLengthError(length, 16);
      return { texts: ['ok'], finishReasons: ['stop'], usage: { inputTokens: 1, outputTokens: 1 } };
    }),
};
let upstreamServer: RunningServer;
let faults: FaultProxy;
let proxy: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  // The upstream demands a key: the proxy must send the one named by apiKeyEnv.
  upstreamServer = await startServer({
    port: 0,
    apiKey: 'upstream-secret',
    models: [
      { name: 'up', model: upstream },
      { name: 'short', model: shortContext },
    ],
  });
  faults = await startFaultProxy({
    upstream: upstreamServer.baseURL.replace(/\/v1$/, ''),
    rates: { rateLimited: 0.2, serverError: 0.2 },
    seed: 2,
  });
  process.env.PROXY_TEST_KEY = 'upstream-secret';
  proxy = await startServer({
    port: 0,
    models: [
      upstreamModel('proxied', {
        baseURL: `${faults.origin}/v1`,
        model: 'up',
        apiKeyEnv: 'PROXY_TEST_KEY',
      }),
      upstreamModel('proxied-short', {
        baseURL: upstreamServer.baseURL,
        model: 'short',
        apiKeyEnv: 'PROXY_TEST_KEY',
      }),
    ],
  });
  client = new OpenAI({ baseURL: proxy.baseURL, apiKey: 'x', maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await faults.close();
  await upstreamServer.close();
  delete process.env.PROXY_TEST_KEY;
});

describe('serve --upstream (proxy mode)', () => {
  it('passes plain chats through with their messages, retrying transient upstream errors', async () => {
    const r = await client.chat.completions.create({
      model: 'proxied',
      messages: [
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'hi' },
        { role: 'user', content: 'again' },
      ],
    });
    // The upstream got the three messages (our server renders a conversation as a transcript).
    expect(r.choices[0].message.content).toBe('echo user: hello\nassistant: hi\nuser: again');
    for (let i = 0; i < 6; i++) {
      await client.chat.completions.create({
        model: 'proxied',
        messages: [{ role: 'user', content: `m${i}` }],
      });
    }
    expect(faults.counts.rateLimited + faults.counts.serverError).toBeGreaterThan(0);
  });

  it('adds online self-refinement on top of the upstream model', async () => {
    const r = await client.chat.completions.create({
      model: 'proxied',
      messages: [{ role: 'user', content: 'Q: 2+2?' }],
      // @ts-expect-error extension field of self-evolve serve
      self_refine: { max_iterations: 2, return_trace: true },
    });
    const choice = r.choices[0] as (typeof r.choices)[0] & {
      self_refine_trace: { attempts: { text: string; verdict: string }[] };
    };
    expect(choice.message.content).toBe('second');
    expect(choice.self_refine_trace.attempts.map((a) => [a.text, a.verdict])).toEqual([
      ['first', 'wrong'],
      ['second', 'correct'],
    ]);
  });

  it("passes on the upstream's refusal of a prompt too long for it as a 400, not a 502", async () => {
    const r = client.chat.completions.create({
      model: 'proxied-short',
      messages: [{ role: 'user', content: 'a prompt longer than sixteen characters' }],
    });
    await expect(r).rejects.toMatchObject({ status: 400, code: 'context_length_exceeded' });
    await expect(r).rejects.toThrow(/longer than the model's context of 16/);
    const ok = await client.chat.completions.create({
      model: 'proxied-short',
      messages: [{ role: 'user', content: 'short' }],
    });
    expect(ok.choices[0].message.content).toBe('ok');
  });
});
