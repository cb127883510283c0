// The run config: defaults, presets, paths resolved against the config's folder, and every
// mistake named by file:line and field (unknown fields, bad model entries, tasks, data specs).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESETS } from './presets.js';
import { loadRunConfigFile, mergeConfig, parseRunConfig } from './run-config.js';

const dir = mkdtempSync(join(tmpdir(), 'run-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const json = (name: string, value: unknown) => file(name, JSON.stringify(value, null, 2));

describe('run config', () => {
  it('fills every default', () => {
    const c = parseRunConfig({});
    expect(c.evolve).toMatchObject({ rounds: 3, from: 'previous' });
    expect(c.task).toEqual({ name: 'equations', params: {} });
    expect(c.base).toEqual({ skip: false, train: {} });
    expect(c.generation.maxTokens).toEqual({ response: 64, feedback: 120, refinement: 64 });
    expect(c.trainer).toBeUndefined();
  });

  it('merges a file over a preset; a model of another kind replaces the preset one', () => {
    const path = json('ok.json', {
      seed: 4,
      evolve: { rounds: 1 },
      models: {
        student: { kind: 'openai-compatible', baseURL: 'http://127.0.0.1:1/v1', model: 'm' },
      },
    });
    const c = loadRunConfigFile(path, PRESETS.demo);
    expect(c.seed).toBe(4);
    expect(c.evolve).toMatchObject({ rounds: 1, prompts: 2000 });
    expect(c.models.student).toMatchObject({
      kind: 'openai-compatible',
      model: 'm',
      concurrency: 8,
    });
    expect(c.models.student).not.toHaveProperty('new');
    // Same kind: fields merge.
    const merged = mergeConfig(PRESETS.demo, {
      models: { student: { kind: 'embedded', new: { seed: 3 } } },
    });
    expect(merged.models?.student).toMatchObject({
      new: { seed: 3, alphabet: expect.any(String) },
    });
  });

  it('resolves relative paths against the config file, and keeps dataset names', () => {
    const path = json('paths.json', {
      task: { module: 'task.mjs' },
      models: { student: { kind: 'embedded', checkpoint: 'ckpt' } },
      data: { trainFile: 'train.jsonl', testFile: 'gsm8k:test', promptsFile: { path: 'p.jsonl' } },
      trainer: { kind: 'command', command: ['node', 'train.mjs'] },
    });
    const c = loadRunConfigFile(path);
    expect(c.task).toMatchObject({ module: join(dir, 'task.mjs') });
    expect(c.models.student).toMatchObject({ checkpoint: join(dir, 'ckpt') });
    expect(c.data.trainFile).toBe(join(dir, 'train.jsonl'));
    expect(c.data.testFile).toBe('gsm8k:test');
    expect(c.data.promptsFile).toEqual({ path: join(dir, 'p.jsonl') });
    expect(c.trainer).toMatchObject({ cwd: dir });
  });

  it('names file, line and field of a bad value', () => {
    const path = file(
      'bad.json',
      '{\n  "seed": 1,\n  "evolve": {\n    "rounds": 2,\n    "from": "scratch"\n  }\n}\n',
    );
    expect(() => loadRunConfigFile(path)).toThrow(new RegExp(`${path}:5 field "evolve.from"`));
  });

  it('names an unknown field at its own line', () => {
    const path = file('unknown.json', '{\n  "meta": {\n    "promts": 5\n  }\n}');
    expect(() => loadRunConfigFile(path)).toThrow(
      /unknown\.json:3 field "meta\.promts": unknown field/,
    );
  });

  it('rejects the old "model" section, pointing at models.student', () => {
    const path = json('old.json', { model: { kind: 'embedded', id: 'new' } });
    expect(() => loadRunConfigFile(path)).toThrow(
      /old\.json:2 field "model": this field moved: .*models\.student/,
    );
  });

  it('checks model entries by their kind', () => {
    const student = { kind: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1', model: 'm' };
    expect(() =>
      loadRunConfigFile(
        json('m1.json', { models: { student: { ...student, baseURL: 'nowhere' } } }),
      ),
    ).toThrow(/m1\.json:5 field "models\.student\.baseURL"/);
    expect(() =>
      loadRunConfigFile(json('m2.json', { models: { teacher: { kind: 'gpt' } } })),
    ).toThrow(
      /m2\.json:4 field "models\.teacher\.kind": unknown model kind "gpt" \(known: embedded, openai-compatible, llama-cpp, checker/,
    );
    expect(() =>
      loadRunConfigFile(json('m3.json', { models: { student: { ...student, apiKey: 'sk-1' } } })),
    ).toThrow(/field "models\.student\.apiKey": secrets are read from environment variables only/);
    expect(() =>
      loadRunConfigFile(json('m4.json', { models: { student: { ...student, temprature: 1 } } })),
    ).toThrow(/m4\.json:7 field "models\.student\.temprature": unknown field/);
    expect(() =>
      loadRunConfigFile(
        json('m5.json', { models: { s: { kind: 'embedded', new: { config: { dModel: -5 } } } } }),
      ),
    ).toThrow(/field "models\.s\.new\.config\.dModel"/);
  });

  it('checks the three forms of task', () => {
    expect(() => loadRunConfigFile(json('t1.json', { task: { name: 'equashuns' } }))).toThrow(
      /t1\.json:3 field "task\.name": unknown task "equashuns"/,
    );
    expect(() =>
      loadRunConfigFile(
        json('t2.json', { task: { answer: { kind: 'regex', pattern: 'answer: \\d+' } } }),
      ),
    ).toThrow(/t2\.json:5 field "task\.answer\.pattern": needs a capture group/);
    expect(() =>
      loadRunConfigFile(json('t3.json', { task: { answer: 'last-number', compare: 'fuzzy' } })),
    ).toThrow(/t3\.json:4 field "task\.compare"/);
    expect(() =>
      loadRunConfigFile(json('t4.json', { task: { answer: 'text', anwser_format: 'x' } })),
    ).toThrow(/t4\.json:4 field "task\.anwser_format": unknown field/);
    expect(() =>
      loadRunConfigFile(json('t5.json', { task: { answer: { kind: 'regex', pattern: '(' } } })),
    ).toThrow(/field "task\.answer\.pattern": is not a valid regular expression/);
    expect(
      loadRunConfigFile(json('t6.json', { task: { answer: 'last-number', compare: 'numeric' } }))
        .task,
    ).toMatchObject({
      name: 'custom',
      compare: 'numeric',
      tolerance: 0,
    });
  });

  it('checks data specs and trainers', () => {
    expect(() =>
      loadRunConfigFile(json('d1.json', { data: { trainFile: { path: 'a', dataset: 'svamp' } } })),
    ).toThrow(/field "data\.trainFile"/);
    expect(() =>
      loadRunConfigFile(
        json('d2.json', { data: { testFile: { path: 'a', fields: { question: 'q' } } } }),
      ),
    ).toThrow(/d2\.json:6 field "data\.testFile\.fields\.question"/);
    expect(() => loadRunConfigFile(json('d3.json', { data: { train: 1e12 } }))).toThrow(
      /field "data\.train"/,
    );
    expect(() =>
      loadRunConfigFile(json('r1.json', { seed: 1, trainer: { kind: 'command', command: [] } })),
    ).toThrow(/r1\.json:5 field "trainer\.command"/);
    expect(() => loadRunConfigFile(json('r2.json', { trainer: { kind: 'tinker' } }))).toThrow(
      /field "trainer\.kind": unknown trainer kind/,
    );
    expect(() => loadRunConfigFile(json('r3.json', { llamaCpp: { feedback: 'regex' } }))).toThrow(
      /field "llamaCpp\.feedback"/,
    );
    expect(() => parseRunConfig({ trainer: { kind: 'embedded', parallel: 3 } })).toThrow(
      /field "trainer\.parallel"/,
    );
    expect(parseRunConfig({ trainer: { kind: 'embedded', parallel: 1 } }).trainer).toEqual({
      kind: 'embedded',
      parallel: 1,
    });
    expect(parseRunConfig({ trainer: { kind: 'openai' } }).trainer).toEqual({
      kind: 'openai',
      baseURL: 'https://api.openai.com/v1',
      pollSeconds: 10,
      episodes: false,
    });
  });

  it('gives the line of a JSON syntax error', () => {
    const path = file('syntax.json', '{\n  "seed": 1,\n}\n');
    expect(() => loadRunConfigFile(path)).toThrow(/syntax\.json:3: not valid JSON/);
  });
});
