// The engine's CLI commands run in-process through the real entry point: train → sample round
// trip, bench output, and bad input (exit code 2, a one-line message, nothing written).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-harness.js';

const cli = (...argv: string[]) => runCli(argv);

describe('engine CLI: train, sample, bench engine', () => {
  let dir: string;
  let model: string;
  const data = () => join(dir, 'qa.jsonl');
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engine-cli-'));
    writeFileSync(
      data(),
      ['{"prompt":"2+3","response":"5"}', '{"prompt":"4+4","response":"8"}', ''].join('\n'),
    );
    writeFileSync(
      join(dir, 'shape.json'),
      JSON.stringify({ dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, contextLength: 16 }),
    );
    model = join(dir, 'model');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains a checkpoint and samples the trained answers from it', async () => {
    const args = [
      '--data',
      data(),
      '--out',
      model,
      '--config',
      join(dir, 'shape.json'),
      '--tokenizer',
      'char',
    ];
    const train = await cli(
      'train',
      ...args,
      '--steps',
      '80',
      '--batch-size',
      '2',
      '--lr',
      '2e-2',
      '--kernels',
      'js',
      '--json',
    );
    expect(train.code).toBe(0);
    const summary = JSON.parse(train.out);
    expect(summary).toMatchObject({ out: model, steps: 80, kernels: 'js', examples: 2 });
    expect(summary.loss_last).toBeLessThan(0.05);
    expect(train.err).toBe('');
    const sample = await cli('sample', model, '2+3', '4+4', '--kernels', 'js', '--json');
    expect(sample.code).toBe(0);
    const { results } = JSON.parse(sample.out);
    expect(results.map((r: { samples: { text: string }[] }) => r.samples[0].text)).toEqual([
      '5',
      '8',
    ]);
  });

  it('bench engine --json prints one JSON line with the required fields', async () => {
    const r = await cli(
      'bench',
      'engine',
      '--json',
      '--kernels',
      'js',
      '--steps',
      '1',
      '--d-model',
      '16',
      '--batch-size',
      '2',
    );
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const line = JSON.parse(r.out);
    for (const key of [
      'params',
      'train_tokens_per_s',
      'gen_tokens_per_s',
      'matmul_gflops',
      'peak_rss_mb',
    ]) {
      expect(line[key], key).toBeGreaterThan(0);
    }
    expect(line.config).toMatchObject({ dModel: 16, dFF: 48, batchSize: 2 });
  });

  it('demo engine --json trains, tests on held-out words and prints one JSON object', async () => {
    const r = await cli(
      'demo',
      'engine',
      '--json',
      '--steps',
      '5',
      '--seed',
      '2',
      '--kernels',
      'js',
    );
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out);
    expect(result).toMatchObject({ steps: 5, tested: 200, kernels: 'js' });
    expect(result.examples).toHaveLength(6);
    expect(r.err).toBe('');
  });

  it('bad input exits 2 with a one-line error and writes nothing', async () => {
    const out = join(dir, 'never');
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"prompt":"a","response":"b"}\n{"prompt":3,"response":"b"}\n');
    const cases: [string[], RegExp][] = [
      [['train', '--data', bad, '--out', out], /bad.jsonl:2 field "prompt": must be a string/],
      [
        ['train', '--data', join(dir, 'missing.jsonl'), '--out', out],
        /missing.jsonl: cannot read the training file: no such file/,
      ],
      [['train', '--data', data(), '--out', out, '--lr', 'fast'], /field "--lr"/],
      [['train', '--data', data(), '--out', model], /already exists/],
      [['sample', join(dir, 'nothing'), 'x'], /not a checkpoint directory/],
      [['sample', model, '2+3'.repeat(6)], /longer than the model's context of 16/],
      [['sample', model, 'x', '--next', 'answer'], /field "--next"/],
      [['bench', 'engine', '--kernels', 'gpu'], /field "--kernels"/],
    ];
    const before = readFileSync(join(model, 'model.safetensors'));
    for (const [argv, pattern] of cases) {
      const r = await cli(...argv, ...(argv.includes('--kernels') ? [] : ['--kernels', 'js']));
      expect(r.code, argv.join(' ')).toBe(2);
      const errorLine = r.err.split('\n').find((l) => l.startsWith('error: ')) ?? '';
      expect(errorLine, argv.join(' ')).toMatch(pattern);
      expect(r.out).toBe('');
    }
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(join(model, 'model.safetensors')).equals(before)).toBe(true);
    writeFileSync(join(model, 'config.json'), '{"format":');
    const corrupt = await cli('sample', model, '2+3', '--kernels', 'js');
    expect(corrupt.code).toBe(2);
    expect(corrupt.err).toMatch(/config.json: is not a valid JSON object/);
  });
});
