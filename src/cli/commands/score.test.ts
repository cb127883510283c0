// `self-evolve score` through the CLI entry, on the real GSM8K test file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetPath } from '../../data/datasets.js';
import { runCli } from '../cli-harness.js';

const gsm8k = datasetPath('gsm8k:test');
const tmp = mkdtempSync(join(tmpdir(), 'score-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = runCli;

describe('self-evolve score', () => {
  it('prints strict and flexible accuracy as one JSON object', async () => {
    const refs = readFileSync(gsm8k, 'utf8').trim().split('\n').slice(0, 4);
    const file = join(tmp, 'preds.jsonl');
    const completions = [
      JSON.parse(refs[0]).answer, // the reference: right both ways
      'The answer is 3.', // right answer (3) without "####": flexible only
      '#### 1', // wrong
      'no number',
    ];
    writeFileSync(
      file,
      completions.map((c, index) => JSON.stringify({ index, completion: c })).join('\n'),
    );
    const { code, out } = await cli([
      'score',
      '--task',
      'gsm8k',
      '--data',
      gsm8k,
      '--predictions',
      file,
      '--json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      task: 'gsm8k',
      scored: 4,
      problems: 1319,
      strict_correct: 1,
      flexible_correct: 2,
      strict_accuracy: 0.25,
    });
  });

  it('exits 2 with file:line on a bad predictions file', async () => {
    const file = join(tmp, 'bad.jsonl');
    writeFileSync(file, '{"index": 0, "completion": "x"}\n{"index": "a"}\n');
    const { code, out, err } = await cli([
      'score',
      '--task',
      'gsm8k',
      '--data',
      gsm8k,
      '--predictions',
      file,
    ]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(`${file}:2 field "index"`);
  });
});
