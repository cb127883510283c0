import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from './config.js';
import { readProblems } from './problems-file.js';

const dir = mkdtempSync(join(tmpdir(), 'config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('SELF config', () => {
  it('fills every default', () => {
    const c = parseConfig({});
    expect(c.evolve).toMatchObject({ rounds: 3, from: 'previous' });
    expect(c.task.name).toBe('equations');
  });

  it('merges a file over a preset', () => {
    const path = file('ok.json', '{ "seed": 4, "evolve": { "rounds": 1 } }');
    const c = loadConfigFile(path, { evolve: { rounds: 2, prompts: 9 } });
    expect(c.seed).toBe(4);
    expect(c.evolve).toMatchObject({ rounds: 1, prompts: 9 });
  });

  it('names file, line and field of a bad value', () => {
    const path = file(
      'bad.json',
      '{\n  "seed": 1,\n  "evolve": {\n    "rounds": 2,\n    "from": "scratch"\n  }\n}\n',
    );
    expect(() => loadConfigFile(path)).toThrow(new RegExp(`${path}:5 field "evolve.from"`));
  });

  it('names an unknown field', () => {
    const path = file('unknown.json', '{\n  "meta": {\n    "promts": 5\n  }\n}');
    expect(() => loadConfigFile(path)).toThrow(/unknown\.json:2 field "meta".*promts/);
  });

  it('accepts the models and budget sections beside the SELF fields, and checks them', async () => {
    const { loadModelsConfig } = await import('../config/models.js');
    const student = { kind: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1', model: 'm' };
    const both = { seed: 3, models: { student }, budget: { maxTokens: 1000 } };
    const path = file('both.json', JSON.stringify(both, null, 2));
    expect(loadConfigFile(path).budget).toEqual({ maxTokens: 1000 });
    expect(loadModelsConfig(path).models.student).toMatchObject({ model: 'm' });
    const bad = { models: { student: { ...student, baseURL: 'nowhere' } } };
    const badPath = file('bad-model.json', JSON.stringify(bad, null, 2));
    expect(() => loadConfigFile(badPath)).toThrow(
      /bad-model\.json:5 field "models\.student\.baseURL"/,
    );
  });

  it('gives the line of a JSON syntax error', () => {
    const path = file('syntax.json', '{\n  "seed": 1,\n}\n');
    expect(() => loadConfigFile(path)).toThrow(/syntax\.json:3: not valid JSON/);
  });
});

describe('problems JSONL', () => {
  it('reads prompts and answers and reports a bad line with its field', () => {
    const ok = file(
      'ok.jsonl',
      '{"prompt": "Solve for x: 2*x + 1 = 5", "answer": 2}\n\n{"prompt": "p2"}\n',
    );
    expect(readProblems(ok).map((p) => p.answer)).toEqual(['2', undefined]);
    expect(() => readProblems(ok, { requireAnswer: true })).toThrow(/ok\.jsonl:3 field "answer"/);
    const bad = file('bad.jsonl', '{"prompt": "a"}\n{"prompt": 3}\n');
    expect(() => readProblems(bad)).toThrow(/bad\.jsonl:2 field "prompt"/);
    const broken = file('broken.jsonl', '{"prompt": "a"}\n{"prompt": \n');
    expect(() => readProblems(broken)).toThrow(/broken\.jsonl:2: not valid JSON/);
  });
});
