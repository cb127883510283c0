// Bad input against `serve` over real HTTP on 127.0.0.1: each case is one request that must get a
// 4xx with an OpenAI-style error naming what was wrong (`param`, and the limit when one was hit),
// never a 500, and must leave the server's state as it was (no file, job or model created).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, Tokenizer } from '../engine/index.js';
import { ScriptedLanguageModel } from '../testing/scripted-language-model.js';
import { BODY_LIMIT, CASES, KEY, rows } from './__fixtures__/bad-requests.js';
import { withFineTuning } from './fine-tuning/index.js';
import type { OpenAIErrorBody } from './openai-error.js';
import { checkpointResolver } from './served-models.js';
import { type RunningServer, startServer } from './start-server.js';

const dir = mkdtempSync(join(tmpdir(), 'bad-input-'));
let server: RunningServer;
/** Ids of two uploaded training files, 16 and 2,000 rows; cases name them `<small>`, `<large>`. */
let small: string;
let large: string;

async function upload(content: string, name: string): Promise<string> {
  const form = new FormData();
  form.set('purpose', 'fine-tune');
  form.set('file', new Blob([content]), name);
  const r = await fetch(`${server.baseURL}/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}` },
    body: form,
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as { id: string }).id;
}

beforeAll(async () => {
  const base = Engine.create({
    tokenizer: Tokenizer.char(' +=0123456789'),
    config: { dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, contextLength: 32 },
    seed: 1,
  });
  await base.save(join(dir, 'checkpoints', 'base'));
  base.dispose();
  const dynamic = checkpointResolver(join(dir, 'checkpoints'));
  server = await startServer({
    models: [{ name: 'tiny', model: new ScriptedLanguageModel(() => 'ok') }],
    port: 0,
    apiKey: KEY,
    maxBodyBytes: BODY_LIMIT,
    ...withFineTuning(
      join(dir, 'ft'),
      { resolve: dynamic.resolve, onClose: dynamic.close },
      { checkpoints: join(dir, 'checkpoints'), gguf: false },
    ),
  });
  small = await upload(rows(16), 'small.jsonl');
  large = await upload(rows(2000), 'large.jsonl');
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the server keeps: every file of the fine-tuning folder. */
function state(): string[] {
  const ft = join(dir, 'ft');
  return ['files', 'jobs', 'models'].flatMap((sub) =>
    readdirSync(join(ft, sub)).map((f) => `${sub}/${f}`),
  );
}

describe('serve answers bad input with a 4xx naming the problem, and changes nothing', () => {
  it('has at least 25 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(25));

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const before = state();
    const headers: Record<string, string> = {};
    const auth = c.auth === undefined ? `Bearer ${KEY}` : c.auth;
    if (auth !== null) headers.authorization = auth;
    let body: string | FormData | undefined;
    if (c.form) body = c.form();
    else if (typeof c.body === 'string') body = c.body;
    else if (c.body !== undefined) {
      body = JSON.stringify(c.body)
        .replace('"<small>"', JSON.stringify(small))
        .replace('"<large>"', JSON.stringify(large));
    }
    if (body !== undefined && !c.form) headers['content-type'] = 'application/json';
    const r = await fetch(`${server.baseURL}${c.path}`, {
      method: c.method ?? 'POST',
      headers,
      body,
    });
    const error = ((await r.json()) as OpenAIErrorBody).error;
    expect({ status: r.status, error }).toMatchObject({
      status: c.status,
      error: {
        type: 'invalid_request_error',
        ...(c.param === undefined ? {} : { param: c.param }),
      },
    });
    expect(error.message).toMatch(c.says ?? /./);
    expect(state()).toEqual(before);
  });
});
