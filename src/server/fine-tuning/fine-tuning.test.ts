// The OpenAI fine-tuning API subset of `serve`, over real HTTP on 127.0.0.1 with the official
// `openai` client: upload, create, poll, events, result files (metrics CSV and GGUF), chat with
// the fine-tuned model, cancel, list, errors and the API key. Then our `openai` trainer against
// it: the model it gets is bit-identical to in-process training of the same examples and seed,
// and resuming attaches to the job already started instead of paying for another.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedTrainer, Engine, loadCheckpoint, Tokenizer } from '../../engine/index.js';
import { TrainerError } from '../../spec/errors.js';
import type { SftExample } from '../../spec/trainer.js';
import { OpenAITrainer } from '../../trainers/openai-trainer.js';
import { checkpointResolver } from '../served-models.js';
import { type RunningServer, startServer } from '../start-server.js';
import { withFineTuning } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'fine-tuning-'));
const KEY = 'sk-test-fine-tuning';
let server: RunningServer;
let client: OpenAI;

const examples: SftExample[] = Array.from({ length: 16 }, (_, i) => ({
  turns: [
    { section: 'prompt', text: `${i % 8} + 1 =`, train: false },
    { section: 'response', text: `${(i % 8) + 1}`, train: true },
  ],
}));
const chatJsonl = examples
  .map((e) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: e.turns[0].text },
        { role: 'assistant', content: e.turns[1].text },
      ],
    }),
  )
  .join('\n');

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
    models: [],
    port: 0,
    apiKey: KEY,
    ...withFineTuning(
      join(dir, 'ft'),
      { resolve: dynamic.resolve, resolvedNames: dynamic.names, onClose: dynamic.close },
      { checkpoints: join(dir, 'checkpoints') },
    ),
  });
  client = new OpenAI({ baseURL: server.baseURL, apiKey: KEY, maxRetries: 0 });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function finished(id: string) {
  for (;;) {
    const job = await client.fineTuning.jobs.retrieve(id);
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('serve --fine-tuning with the openai client', () => {
  it('fine-tunes a served checkpoint and serves the result under its ft: id', async () => {
    const file = await client.files.create({
      file: await toFile(Buffer.from(chatJsonl), 'train.jsonl'),
      purpose: 'fine-tune',
    });
    expect(file).toMatchObject({
      object: 'file',
      purpose: 'fine-tune',
      filename: 'train.jsonl',
      bytes: chatJsonl.length,
    });
    const created = await client.fineTuning.jobs.create({
      model: 'base',
      training_file: file.id,
      seed: 3,
      suffix: 'sums',
      method: {
        type: 'supervised',
        supervised: { hyperparameters: { n_epochs: 2, batch_size: 4 } },
      },
    });
    expect(created.status).toBe('validating_files');
    const job = await finished(created.id);
    expect(job.status).toBe('succeeded');
    expect(job.fine_tuned_model).toMatch(/^ft:base:sums:/);
    expect(job.trained_tokens).toBeGreaterThan(0);
    const events = await client.fineTuning.jobs.listEvents(job.id, { limit: 100 });
    const metrics = events.data.filter((e) => e.type === 'metrics');
    expect(metrics.map((e) => (e.data as { step: number }).step)).toContain(8); // 16 rows, batch 4, 2 epochs
    expect(events.data[0].message).toBe('The job has successfully completed');
    const [csv, gguf] = job.result_files;
    expect(await (await client.files.content(csv)).text()).toMatch(/^step,train_loss\n1,/);
    expect(
      Buffer.from(await (await client.files.content(gguf)).arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('GGUF');
    const chat = await client.chat.completions.create({
      model: job.fine_tuned_model!,
      messages: [{ role: 'user', content: '3 + 1 =' }],
      max_tokens: 4,
    });
    expect(chat.choices[0].message.role).toBe('assistant');
    const listed = await client.fineTuning.jobs.list({ limit: 10 });
    expect(listed.data.map((j) => j.id)).toContain(job.id);
    expect((await client.models.list()).data.map((m) => m.id)).toContain(job.fine_tuned_model);
  });

  it('cancels a job, fails a bad training file, and answers bad requests in OpenAI format', async () => {
    const file = await client.files.create({
      file: await toFile(Buffer.from(chatJsonl), 't.jsonl'),
      purpose: 'fine-tune',
    });
    const long = await client.fineTuning.jobs.create({
      model: 'base',
      training_file: file.id,
      hyperparameters: { steps: 100000 } as never,
    });
    const cancelled = await client.fineTuning.jobs.cancel(long.id);
    expect(['cancelled', 'validating_files', 'running']).toContain(cancelled.status);
    expect((await finished(long.id)).status).toBe('cancelled');
    const junk = await client.files.create({
      file: await toFile(Buffer.from('{"messages": []}\n'), 'junk.jsonl'),
      purpose: 'fine-tune',
    });
    const broken = await finished(
      (await client.fineTuning.jobs.create({ model: 'base', training_file: junk.id })).id,
    );
    expect(broken.status).toBe('failed');
    expect(broken.error).toMatchObject({ code: 'invalid_training_file', param: 'training_file' });
    expect(broken.error!.message).toMatch(/junk.jsonl:1 field "messages"/);
    await expect(
      client.fineTuning.jobs.create({ model: 'nope', training_file: file.id }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    await expect(
      client.fineTuning.jobs.create({ model: 'base', training_file: 'file-x' }),
    ).rejects.toMatchObject({ status: 404, code: 'file_not_found' });
    await expect(
      client.fineTuning.jobs.create({
        model: 'base',
        training_file: file.id,
        hyperparameters: { warp: 9 } as never,
      }),
    ).rejects.toMatchObject({ status: 400, param: 'hyperparameters.warp' });
    await expect(
      client.files.create({ file: await toFile(Buffer.from('x'), 'x'), purpose: 'assistants' }),
    ).rejects.toMatchObject({ status: 400 });
    const stranger = new OpenAI({ baseURL: server.baseURL, apiKey: 'wrong', maxRetries: 0 });
    await expect(stranger.fineTuning.jobs.list()).rejects.toMatchObject({ status: 401 });
  });
});

describe('the openai trainer against serve', () => {
  it('trains the same model as in process, downloads it as GGUF, and attaches on resume', async () => {
    const trainer = new OpenAITrainer({
      baseURL: server.baseURL,
      apiKeyEnv: 'FT_TEST_KEY',
      env: { FT_TEST_KEY: KEY },
      pollSeconds: 0.1,
      episodes: true,
      download: 'gguf',
      workDir: join(dir, 'trainer'),
    });
    const request = {
      base: { kind: 'openai', id: 'base' },
      examples,
      name: 'meta',
      seed: 5,
      hyperparameters: { steps: 5, batchSize: 4 },
    };
    const steps: number[] = [];
    const ref = await trainer.train(request, { onProgress: (p) => steps.push(p.step) });
    expect(ref).toMatchObject({
      kind: 'gguf',
      id: join(dir, 'trainer', 'meta.gguf'),
      parent: 'base',
    });
    expect(readFileSync(ref.id).subarray(0, 4).toString()).toBe('GGUF');
    expect(steps.at(-1)).toBe(5);
    const tuned = (ref.meta as { fineTunedModel: string; job: string }).fineTunedModel;
    const job = await client.fineTuning.jobs.retrieve((ref.meta as { job: string }).job);
    const remote = await loadCheckpoint(join(dir, 'ft', 'models', `ft-${job.id}`));
    const local = new EmbeddedTrainer({ outputDir: join(dir, 'local') });
    const reference = await loadCheckpoint(
      (
        await local.train({
          ...request,
          base: { kind: 'embedded', id: join(dir, 'checkpoints', 'base') },
        })
      ).id,
    );
    await local.close();
    expect(Buffer.from(remote.params.buffer).equals(Buffer.from(reference.params.buffer))).toBe(
      true,
    );
    // Resuming the same stage attaches to the finished job: no new job, the same model.
    const before = (await client.fineTuning.jobs.list({ limit: 100 })).data.length;
    const again = await trainer.train(request);
    expect((again.meta as { fineTunedModel: string }).fineTunedModel).toBe(tuned);
    expect((await client.fineTuning.jobs.list({ limit: 100 })).data.length).toBe(before);
    // The next stage starts from the fine-tuned model.
    const next = await trainer.train({ ...request, base: ref, name: 'round-1' });
    expect((next.meta as { fineTunedModel: string }).fineTunedModel).toMatch(
      new RegExp(`^ft:${tuned.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`),
    );
  });

  it('turns a failed job, or a refused request, into a TrainerError', async () => {
    const trainer = new OpenAITrainer({
      baseURL: server.baseURL,
      apiKeyEnv: 'K',
      env: { K: KEY },
      pollSeconds: 0.1,
      workDir: join(dir, 'trainer2'),
    });
    const request = { base: { kind: 'openai', id: 'base' }, examples, name: 'x', seed: 1 };
    // An example longer than the model's context (32) is found when the job trains.
    const long: SftExample = {
      turns: [
        { section: 'prompt', text: '1 + 1 = '.repeat(8), train: false },
        { section: 'response', text: '2', train: true },
      ],
    };
    const failed = await trainer
      .train({ ...request, examples: [...examples, long] })
      .catch((e) => e);
    expect(failed).toBeInstanceOf(TrainerError);
    expect(failed.message).toMatch(
      /^trainer "openai:http:\/\/127\.0\.0\.1:\d+\/v1" failed: job ftjob-\w+ failed: .*longer than the model's context/,
    );
    expect(failed.lastLines).toContain('Fine-tuning job started: 17 examples');
    // A hyperparameter out of range is refused at creation, in the client's name for it.
    const outOfRange = await trainer
      .train({ ...request, hyperparameters: { gradClip: -1 } })
      .catch((e) => e);
    expect(outOfRange.message).toMatch(/cannot create the job: 400 .*hyperparameters\.gradClip/);
    const refused = await trainer
      .train({ ...request, hyperparameters: { warp: 9 } })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(TrainerError);
    expect(refused.message).toMatch(/cannot create the job: 400 .*unknown hyperparameter/);
  });
});
