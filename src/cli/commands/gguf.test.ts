// `self-evolve gguf export|sample` in-process through the real entry point: the export runs in
// llama.cpp and writes what the engine writes (greedy), a run's model exports by stage, and bad
// input exits 2 with a one-line message and nothing written.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, encodePrompt, Tokenizer } from '../../engine/index.js';
import { SqliteRunStore } from '../../store/sqlite-run-store.js';
import { runCli } from '../cli-harness.js';

const cli = (...argv: string[]) => runCli(argv);
const dir = mkdtempSync(join(tmpdir(), 'gguf-cli-'));
const checkpoint = join(dir, 'model');
const alphabet = ' =+0123456789x';

beforeAll(async () => {
  const engine = Engine.create({
    tokenizer: Tokenizer.char(alphabet),
    config: { dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, contextLength: 64 },
    seed: 2,
  });
  await engine.save(checkpoint);
  engine.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('self-evolve gguf', () => {
  it('exports a checkpoint that llama.cpp runs exactly as the engine (greedy)', async () => {
    const out = join(dir, 'model.gguf');
    const exported = await cli('gguf', 'export', checkpoint, '-o', out, '--json');
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.out)).toMatchObject({ checkpoint, output: out });
    const sample = await cli(
      'gguf',
      'sample',
      out,
      '-p',
      'x + 2 = 5',
      '--max-tokens',
      '12',
      '--json',
    );
    expect(sample.code).toBe(0);
    const result = JSON.parse(sample.out);
    const engine = await Engine.load(checkpoint);
    const prompt = encodePrompt(
      engine.tokenizer,
      [{ section: 'prompt', text: 'x + 2 = 5' }],
      'response',
    );
    const [[ours]] = await engine.generate([
      { prompt, maxTokens: 12, stopTokens: [0, 1, 2, 3, 4, 5] },
    ]);
    engine.dispose();
    expect(result).toMatchObject({ text: ours.text, mode: 'native' });
    expect(result.usage.inputTokens).toBe(prompt.length);
  });

  it("exports a run's model by stage, next to its checkpoint", async () => {
    const runs = join(dir, 'runs');
    const store = new SqliteRunStore(join(runs, 'runs.db'));
    store.createRun({ name: 'r', config: {}, seed: 1, dir: join(runs, 'r') });
    const ref = { kind: 'embedded', id: checkpoint };
    store.putModel('r', { name: 'meta', ref, createdAt: new Date().toISOString() });
    store.close();
    const res = await cli(
      'gguf',
      'export',
      '--run',
      'r',
      '--stage',
      'meta',
      '--runs-dir',
      runs,
      '--force',
    );
    expect(res.code).toBe(0);
    expect(readFileSync(`${checkpoint}.gguf`).subarray(0, 4).toString()).toBe('GGUF');
    const missing = await cli(
      'gguf',
      'export',
      '--run',
      'r',
      '--stage',
      'round-9',
      '--runs-dir',
      runs,
    );
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no embedded model "round-9"/);
  });

  it('scores a GGUF model from the models config (llama-cpp) exactly as the checkpoint', async () => {
    const file = join(dir, 'config-model.gguf');
    expect((await cli('gguf', 'export', checkpoint, '-o', file)).code).toBe(0);
    const config = join(dir, 'models.json');
    writeFileSync(
      config,
      JSON.stringify({
        models: {
          gguf: { kind: 'llama-cpp', path: file, sequences: 2 },
          ckpt: { kind: 'embedded', checkpoint },
        },
      }),
    );
    const data = join(dir, 'eq.jsonl');
    writeFileSync(
      data,
      ['{"prompt":"x + 2 = 5","answer":"3"}', '{"prompt":"x = 1","answer":"1"}'].join('\n'),
    );
    const score = async (model: string) => {
      const args = [
        '--task',
        'equations',
        '--data',
        data,
        '--model',
        model,
        '--config',
        config,
        '--refine',
        '1',
      ];
      const res = await cli('eval', ...args, '--max-tokens', '16', '--json');
      expect(res.code, res.err).toBe(0);
      return JSON.parse(res.out);
    };
    const [viaLlama, viaEngine] = [await score('gguf'), await score('ckpt')];
    const same = (r: Record<string, unknown>) => ({ ...r, model: '', stage: '', seconds: 0 });
    expect(same(viaLlama)).toEqual(same(viaEngine));
    expect(viaLlama).toMatchObject({ model: 'gguf', n: 2 });
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ models: { m: { kind: 'llama-cpp', path: file, sequences: 0 } } }),
    );
    const refused = await cli(
      'eval',
      '--task',
      'equations',
      '--data',
      data,
      '--model',
      'm',
      '--config',
      bad,
    );
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/field "models.m.sequences"/);
  });

  it('refuses bad input with exit code 2 and writes nothing', async () => {
    const out = join(dir, 'nothing.gguf');
    const noCheckpoint = await cli('gguf', 'export', join(dir, 'absent'), '-o', out);
    expect(noCheckpoint.code).toBe(2);
    expect(noCheckpoint.err).toMatch(/absent: not a checkpoint directory/);
    expect(existsSync(out)).toBe(false);
    const taken = await cli('gguf', 'export', checkpoint, '-o', join(dir, 'model.gguf'));
    expect(taken.code).toBe(2);
    expect(taken.err).toMatch(/already exists/);
    const noFile = await cli('gguf', 'sample', join(dir, 'absent.gguf'), '-p', 'x');
    expect(noFile.code).toBe(2);
    expect(noFile.err).toMatch(/absent.gguf: no such GGUF file/);
  });
});
