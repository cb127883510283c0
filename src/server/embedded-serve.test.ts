// Serving a real embedded checkpoint: the official openai client and the AI SDK's generateText get
// exactly what the engine writes in process, and concurrent HTTP requests are batched.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedTrainer } from '../engine/index.js';
import type { BatchingLanguageModel } from '../providers/batching-language-model.js';
import { GuardedLanguageModel } from '../providers/guarded-language-model.js';
import { createOpenAICompatibleModel } from '../providers/openai-compatible.js';
import { createSelfEvolveProvider } from '../providers/self-evolve-provider.js';
import type { CompletionRequest, LanguageModel } from '../spec/language-model.js';
import type { SftExample } from '../spec/trainer.js';
import { checkpointResolver } from './served-models.js';
import { type RunningServer, startServer } from './start-server.js';

// A tiny model trained for a second: it learns to answer sums and judge answers.
const PAIRS = [
  ['2+3', '5', 'verdict: correct'],
  ['7-4', '3', 'verdict: correct'],
  ['1+1', '3', 'verdict: wrong'],
  ['9-9', '0', 'verdict: correct'],
];
const EXAMPLES: SftExample[] = PAIRS.map(([p, r, f]) => ({
  turns: [
    { section: 'prompt', text: p, train: false },
    { section: 'response', text: r, train: true },
    { section: 'feedback', text: f, train: true },
  ],
}));

let dir: string;
let checkpoint: string;
let inProcess: LanguageModel;
let server: RunningServer;
let resolver: ReturnType<typeof checkpointResolver>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'serve-embedded-'));
  const trainer = new EmbeddedTrainer({ outputDir: dir });
  const ref = await trainer.train({
    base: {
      kind: 'embedded',
      id: 'new',
      meta: {
        config: { dModel: 32, nLayers: 2, nHeads: 2, dFF: 64, contextLength: 48 },
        alphabet: '0123456789+-: acdeinortvw',
      },
    },
    examples: EXAMPLES,
    name: 'm1',
    seed: 1,
    hyperparameters: { steps: 150, batchSize: 4, learningRate: 1e-2, warmupSteps: 10 },
  });
  checkpoint = ref.id;
  inProcess = await trainer.load(ref);
  resolver = checkpointResolver(dir);
  server = await startServer({
    port: 0,
    models: [],
    resolve: resolver.resolve,
    resolvedNames: resolver.names,
    onClose: resolver.close,
  });
});

afterAll(async () => {
  await server?.close();
  await inProcess?.close?.();
  rmSync(dir, { recursive: true, force: true });
});

const episode = (p: string, r?: string): CompletionRequest => ({
  turns:
    r === undefined
      ? [{ section: 'prompt', text: p }]
      : [
          { section: 'prompt', text: p },
          { section: 'response', text: r },
        ],
  next: r === undefined ? 'response' : 'feedback',
  maxTokens: 20,
  seed: 1,
});

describe('serve with an embedded checkpoint', () => {
  it('answers a chat as the engine does in process', async () => {
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'none', maxRetries: 0 });
    const [expected] = await inProcess.complete([episode('2+3')]);
    const r = await client.chat.completions.create({
      model: 'm1',
      messages: [{ role: 'user', content: '2+3' }],
      max_tokens: 20,
      seed: 1,
    });
    expect(r.choices[0].message.content).toBe(expected.texts[0]);
    expect(expected.texts[0]).toBe('5');
    expect((await client.models.list()).data.map((m) => m.id)).toContain('m1');
  });

  it('gives the same texts over HTTP with native episodes, batched, as in process', async () => {
    const requests = PAIRS.flatMap(([p, r]) => [episode(p), episode(p, r)]);
    const expected = await inProcess.complete(requests);
    const remote = new GuardedLanguageModel(
      createOpenAICompatibleModel({
        baseURL: server.baseURL,
        model: checkpoint,
        nativeEpisodes: true,
      }),
      { concurrency: 8 },
    );
    const got = await remote.complete(requests);
    expect(got.map((c) => c.texts)).toEqual(expected.map((c) => c.texts));
    expect(got.map((c) => c.texts[0]).filter((t) => t.startsWith('verdict'))).toHaveLength(4);
    const served = (await resolver.resolve(checkpoint))?.model as BatchingLanguageModel;
    expect(Math.max(...served.batchSizes)).toBeGreaterThan(1);
  });

  it('works under generateText from ai through the embedded provider', async () => {
    const provider = createSelfEvolveProvider({ loader: new EmbeddedTrainer({ outputDir: dir }) });
    const result = await generateText({
      model: provider(checkpoint),
      prompt: '7-4',
      maxOutputTokens: 20,
      seed: 1,
    });
    const [expected] = await inProcess.complete([episode('7-4')]);
    expect(result.text).toBe(expected.texts[0]);
    await provider.close();
  });

  it('answers a prompt longer than the context with a 400 naming it, streamed or not', async () => {
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'none', maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: '1+1 '.repeat(40) }];
    const context = { status: 400, code: 'context_length_exceeded', param: 'messages' };
    await expect(client.chat.completions.create({ model: 'm1', messages })).rejects.toMatchObject(
      context,
    );
    const streamed = (async () => {
      const stream = await client.chat.completions.create({ model: 'm1', messages, stream: true });
      for await (const _ of stream);
    })();
    await expect(streamed).rejects.toMatchObject(context);
    await expect(
      client.chat.completions.create({
        model: 'm1',
        messages,
        // @ts-expect-error extension field of self-evolve serve
        self_refine: { max_iterations: 1 },
      }),
    ).rejects.toMatchObject(context);
    // The server is still up, and answers the next request.
    const r = await client.chat.completions.create({
      model: 'm1',
      messages: [{ role: 'user', content: '2+3' }],
    });
    expect(r.choices).toHaveLength(1);
  });

  it('does not serve paths outside the checkpoints folder', async () => {
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'none', maxRetries: 0 });
    const r = client.chat.completions.create({
      model: '../../etc',
      messages: [{ role: 'user', content: 'x' }],
    });
    await expect(r).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });
});
