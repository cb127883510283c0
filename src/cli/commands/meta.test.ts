// `self-evolve meta build` against models served over real HTTP. The student and teacher are
// scripted stand-ins behind `serve` (the data flow and filtering are under test, not the models).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../server/start-server.js';
import { ScriptedLanguageModel } from '../../testing/scripted-language-model.js';
import { runCli } from '../cli-harness.js';

const student = new ScriptedLanguageModel(() => 'I think it is 5.\n#### 5');
// A teacher that always finds fault and "fixes" every answer to 7.
const teacher = new ScriptedLanguageModel((r) =>
  r.next === 'feedback' ? 'The sum is off.\nVerdict: wrong' : 'Recomputed.\n#### 7',
);
let server: RunningServer;
let dir: string;
let config: string;

beforeAll(async () => {
  server = await startServer({
    port: 0,
    models: [
      { name: 'student', model: student },
      { name: 'teacher', model: teacher },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'meta-build-'));
  config = join(dir, 'self.json');
  const endpoint = (model: string) => ({
    kind: 'openai-compatible',
    baseURL: server.baseURL,
    model,
    nativeEpisodes: true,
  });
  writeFileSync(
    config,
    JSON.stringify(
      { models: { student: endpoint('student'), teacher: endpoint('teacher') } },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'prompts.jsonl'),
    [
      { prompt: 'What is 3+4?', answer: '7' },
      { prompt: 'What is 2+2?', answer: '4' },
      { prompt: 'What is 1+1?' },
    ]
      .map((p) => JSON.stringify(p))
      .join('\n'),
  );
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('self-evolve meta build', () => {
  const args = () => [
    'meta',
    'build',
    '--config',
    config,
    '--teacher',
    'teacher',
    '--data',
    join(dir, 'prompts.jsonl'),
    '--out',
    join(dir, 'dmeta.jsonl'),
    '--json',
  ];

  it('writes teacher tuples, dropping those whose refinement misses the reference', async () => {
    const { code, out, err } = await runCli(args());
    expect(err).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(out);
    expect(summary).toMatchObject({ tuples: 3, kept: 2, teacher_verdicts: { wrong: 3 } });
    expect(summary.usage.teacher.calls).toBe(6);
    const tuples = readFileSync(join(dir, 'dmeta.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const byPrompt = Object.fromEntries(tuples.map((t) => [t.prompt, t]));
    expect(byPrompt['What is 3+4?']).toMatchObject({
      kept: true,
      response: 'I think it is 5.\n#### 5',
      refinement: 'Recomputed.\n#### 7',
    });
    expect(byPrompt['What is 2+2?']).toMatchObject({
      kept: false,
      reason: 'refinement still wrong',
    });
    expect(byPrompt['What is 1+1?'].kept).toBe(true);
    expect(byPrompt['What is 1+1?'].reason).toContain('no reference answer');
  });

  it('never overwrites without --force, and pays nothing twice when run again', async () => {
    const refused = await runCli(args());
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('already exists');
    const calls = student.requests.length + teacher.requests.length;
    const again = await runCli([...args(), '--force']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out).usage.teacher).toMatchObject({ calls: 0, cachedCalls: 6 });
    expect(student.requests.length + teacher.requests.length).toBe(calls);
  });

  it('rejects an API key written in the config, naming file, line and field', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      '{\n  "models": {\n    "teacher": {\n      "kind": "openai-compatible",\n      "baseURL": "http://127.0.0.1:1/v1",\n      "model": "m",\n      "apiKey": "sk-123"\n    }\n  }\n}\n',
    );
    const { code, err } = await runCli([
      'meta',
      'build',
      '--config',
      bad,
      '--teacher',
      'teacher',
      '--data',
      join(dir, 'prompts.jsonl'),
      '--out',
      join(dir, 'x.jsonl'),
    ]);
    expect(code).toBe(2);
    expect(err).toContain(
      `${bad}:7 field "models.teacher.apiKey": secrets are read from environment variables only`,
    );
    expect(err).not.toContain('sk-123');
  });
});
