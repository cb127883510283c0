// Proxy mode over real HTTP: `serve` in front of an upstream OpenAI-compatible server (here another
// `serve` with a scripted stand-in, behind a proxy that injects 429s and 500s), adding online
// self-refinement; plain chats pass through with their messages as sent.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletionRequest } from '../spec/language-model.js';
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
let upstreamServer: RunningServer;
let faults: FaultProxy;
let proxy: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  // The upstream demands a key: the proxy must send the one named by apiKeyEnv.
  upstreamServer = await startServer({
    port: 0,
    apiKey: 'upstream-secret',
    models: [{ name: 'up', model: upstream }],
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
});
