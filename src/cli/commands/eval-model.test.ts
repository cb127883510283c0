// `self-evolve eval --task gsm8k --model <config model>`: a model served over real HTTP (a scripted
// stand-in that knows some answers) scored on the first GSM8K test problems.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetPath } from '../../data/datasets.js';
import { type RunningServer, startServer } from '../../server/start-server.js';
import { ScriptedLanguageModel } from '../../testing/scripted-language-model.js';
import { runCli } from '../cli-harness.js';

const gsm8k = datasetPath('gsm8k:test');
const answers = readFileSync(gsm8k, 'utf8')
  .split('\n')
  .slice(0, 4)
  .map((l) => JSON.parse(l) as { question: string; answer: string });

// Right on problems 0 and 2, wrong on 1 and 3; its feedback always approves.
const model = new ScriptedLanguageModel((r) => {
  if (r.next === 'feedback') return 'Looks right.\nVerdict: correct';
  const i = answers.findIndex((a) => r.turns[0].text.includes(a.question));
  return i % 2 === 0 ? answers[i].answer : 'The total is 12345.';
});
let server: RunningServer;
let dir: string;

beforeAll(async () => {
  server = await startServer({ port: 0, models: [{ name: 'm', model }] });
  dir = mkdtempSync(join(tmpdir(), 'eval-model-'));
  writeFileSync(
    join(dir, 'self.json'),
    JSON.stringify({
      models: { student: { kind: 'openai-compatible', baseURL: server.baseURL, model: 'm' } },
    }),
  );
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('self-evolve eval --model', () => {
  it('scores a configured model on GSM8K over HTTP', async () => {
    const config = join(dir, 'self.json');
    const { code, out, err } = await runCli([
      'eval',
      '--task',
      'gsm8k',
      '--data',
      gsm8k,
      '--limit',
      '4',
      '--model',
      'student',
      '--config',
      config,
      '--refine',
      '1',
      '--json',
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      model: 'student',
      n: 4,
      direct_acc: 0.5,
      refined_acc: 0.5,
    });
    // The instruct prompt format reached the model, and paid calls are cached beside the config.
    expect(model.requests[0].turns[0].text).toContain('#### <number>');
    expect(readFileSync(`${config}.cache.sqlite`).length).toBeGreaterThan(0);
  });

  it('makes no critique calls with --refine 0', async () => {
    const before = model.requests.length;
    // --max-tokens 64 makes every request new to the cache, so each one reaches the model.
    const config = join(dir, 'self.json');
    const args = ['--model', 'student', '--config', config, '--refine', '0', '--max-tokens', '64'];
    const { code, out } = await runCli([
      'eval',
      '--task',
      'gsm8k',
      '--limit',
      '4',
      ...args,
      '--json',
    ]);
    expect(code).toBe(0);
    const asked = model.requests.slice(before);
    expect(asked.map((r) => r.next)).toEqual(['response', 'response', 'response', 'response']);
    expect(JSON.parse(out)).toMatchObject({ n: 4, refine_steps: 0, feedback_precision: null });
  });

  it('needs --config with --model', async () => {
    const { code, err } = await runCli(['eval', '--task', 'gsm8k', '--model', 'student']);
    expect(code).toBe(2);
    expect(err).toContain('--config');
  });
});

describe('the response cache of eval --model', () => {
  it('is keyed by what the server says the model is: a new checkpoint behind a name is asked again', async () => {
    const { EmbeddedTrainer, NEW_MODEL_ID } = await import('../../engine/index.js');
    const { checkpointResolver } = await import('../../server/served-models.js');
    const root = join(dir, 'served');
    const save = async (seed: number) => {
      const engine = new EmbeddedTrainer({ outputDir: root, kernels: 'js' });
      const shape = { config: { dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, contextLength: 128 } };
      const m = await engine.open({ kind: 'embedded', id: NEW_MODEL_ID, meta: shape }, seed, []);
      await m.save(join(root, 'ck'), { overwrite: true });
      m.dispose();
      await engine.close();
    };
    // The same port each time: the endpoint is part of the cache key too.
    let port = 0;
    const serveAndEval = async () => {
      const resolver = checkpointResolver(root);
      let calls = 0;
      const counted = await startServer({
        port,
        models: [],
        resolve: async (name) => {
          const m = await resolver.resolve(name);
          if (!m) return undefined;
          return {
            ...m,
            model: {
              id: m.model.id,
              complete: (rs, o) => {
                calls += rs.length;
                return m.model.complete(rs, o);
              },
            },
          };
        },
        onClose: resolver.close,
      });
      port = counted.port;
      const config = join(dir, 'cached.json');
      writeFileSync(
        config,
        JSON.stringify({
          task: { name: 'equations' },
          models: {
            ck: {
              kind: 'openai-compatible',
              baseURL: counted.baseURL,
              model: 'ck',
              nativeEpisodes: true,
            },
          },
        }),
      );
      const args = [
        'eval',
        '--model',
        'ck',
        '--config',
        config,
        '--n',
        '4',
        '--refine',
        '0',
        '--max-tokens',
        '8',
      ];
      const r = await runCli([...args, '--json']);
      await counted.close();
      expect(r.code, r.err).toBe(0);
      return calls;
    };
    await save(1);
    expect(await serveAndEval()).toBe(4);
    // The same model again: every answer comes from the cache.
    expect(await serveAndEval()).toBe(0);
    // Another checkpoint under the same name: its digest differs, so nothing stale is returned.
    await save(2);
    expect(await serveAndEval()).toBe(4);
  });
});
