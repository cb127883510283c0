// The fine-tuning store's bounds over real HTTP with the openai client, with small limits: pending
// jobs past the limit are a 429, files and their bytes past theirs a 400, each naming the limit
// and creating nothing.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, Tokenizer } from '../../engine/index.js';
import { checkpointResolver } from '../served-models.js';
import { type RunningServer, startServer } from '../start-server.js';
import { withFineTuning } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'fine-tuning-limits-'));
let server: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  const base = Engine.create({
    tokenizer: Tokenizer.char(' +=0123456789'),
    config: { dModel: 8, nLayers: 1, nHeads: 1, dFF: 16, contextLength: 16 },
    seed: 1,
  });
  await base.save(join(dir, 'checkpoints', 'base'));
  base.dispose();
  const dynamic = checkpointResolver(join(dir, 'checkpoints'));
  server = await startServer({
    models: [],
    port: 0,
    ...withFineTuning(
      join(dir, 'ft'),
      { resolve: dynamic.resolve, onClose: dynamic.close },
      {
        checkpoints: join(dir, 'checkpoints'),
        gguf: false,
        limits: { files: 3, pendingJobs: 1, storedBytes: 1000 },
      },
    ),
  });
  client = new OpenAI({ baseURL: server.baseURL, apiKey: 'x', maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const jobs = () => readdirSync(join(dir, 'ft', 'jobs'));
const upload = async (bytes: number) =>
  client.files.create({
    file: await toFile(
      Buffer.from('{"prompt": "1+1=", "response": "2"}\n'.padEnd(bytes)),
      'f.jsonl',
    ),
    purpose: 'fine-tune',
  });

describe('serve --fine-tuning keeps its store bounded', () => {
  it('refuses a job past the pending limit, and files past the count and byte limits', async () => {
    const file = await upload(100);
    const running = await client.fineTuning.jobs.create({
      model: 'base',
      training_file: file.id,
      hyperparameters: { steps: 100000 } as never,
    });
    await expect(
      client.fineTuning.jobs.create({ model: 'base', training_file: file.id }),
    ).rejects.toMatchObject({ status: 429, code: 'too_many_jobs' });
    expect(jobs()).toEqual([`${running.id}.json`]);
    await expect(upload(1000)).rejects.toMatchObject({ status: 400, code: 'limit_exceeded' });
    await upload(100);
    await upload(100);
    const full = upload(100);
    await expect(full).rejects.toMatchObject({ status: 400, param: 'file' });
    await expect(full).rejects.toThrow(/at most 3 files/);
    await client.fineTuning.jobs.cancel(running.id);
    while ((await client.fineTuning.jobs.retrieve(running.id)).status !== 'cancelled') {
      await new Promise((r) => setTimeout(r, 50));
    }
    // No room for the result files of another job either.
    await expect(
      client.fineTuning.jobs.create({ model: 'base', training_file: file.id }),
    ).rejects.toMatchObject({ status: 400, code: 'limit_exceeded' });
    expect((await client.files.list()).data).toHaveLength(3);
  });
});
