// What the server logs: one line per 5xx with the method, path and error, and never the API key,
// the headers, the prompt or the body; the client gets a generic message.
import { describe, expect, it } from 'vitest';
import type { LanguageModel } from '../spec/language-model.js';
import { ScriptedLanguageModel } from '../testing/scripted-language-model.js';
import type { OpenAIErrorBody } from './openai-error.js';
import { createServerApp } from './server-app.js';

const KEY = 'sk-never-logged-0123';
const broken: LanguageModel = {
  id: 'broken',
  complete: async () => {
    throw new Error('kernel exploded');
  },
};

describe('the server log', () => {
  it('has one line per 5xx, without key, headers or prompt, and nothing for a 4xx', async () => {
    const lines: string[] = [];
    const app = createServerApp({
      apiKey: KEY,
      log: (line) => lines.push(line),
      models: [
        { name: 'broken', model: broken },
        { name: 'fine', model: new ScriptedLanguageModel(() => 'ok') },
      ],
    });
    const chat = (model: string, extra: object = {}) =>
      app.request('/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model,
          messages: [{ role: 'user', content: 'secret prompt' }],
          ...extra,
        }),
      });
    const r = await chat('broken');
    expect(r.status).toBe(500);
    expect(((await r.json()) as OpenAIErrorBody).error.message).toBe('internal server error');
    expect((await chat('fine', { n: 99 })).status).toBe(400);
    expect((await chat('nope')).status).toBe(404);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^POST \/v1\/chat\/completions: Error: kernel exploded \| at /);
    expect(lines[0]).not.toMatch(/\n/);
    for (const secret of [KEY, 'secret prompt', 'authorization', 'Bearer']) {
      expect(lines[0]).not.toContain(secret);
    }
  });
});
