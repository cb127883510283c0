// A run is checked before anything is stored: a dead endpoint, a missing teacher, a trainer that
// cannot start, data that does not map: each refused with a clear message, leaving no run record
// behind and every existing run as it was. A teacher whose feedback has no verdict stops the
// meta stage naming the model and the problem (or, within meta.maxErrors, drops the tuple).
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-harness.js';
import { mergeConfig, parseRunConfig } from '../config/run-config.js';
import { TeacherVerdictError } from '../self/meta-skills.js';
import { type RunningServer, startServer } from '../server/start-server.js';
import { ScriptedLanguageModel } from '../testing/scripted-language-model.js';
import { TINY_CONFIG } from '../testing/test-configs.js';
import { openRunStore, runSelf } from './run-session.js';

const dir = mkdtempSync(join(tmpdir(), 'run-session-'));
const runsDir = join(dir, 'runs');
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
};
const run = (config: string, ...more: string[]) =>
  runCli(['run', '--config', config, '--runs-dir', runsDir, '--preset', 'quick', ...more]);
/** The store's run names and the runs folder's entries, to show a refusal changed nothing. */
const state = () => {
  const store = openRunStore(runsDir);
  const names = store.listRuns().map((r) => r.name);
  store.close();
  return { names, folders: readdirSync(runsDir).sort() };
};
/** A port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}
const DEAD = `http://127.0.0.1:${await closedPort()}/v1`;
const DEAD_RE = DEAD.replace(/[.:/]/g, (c) => `\\${c}`);

describe('a run refused at start', () => {
  it('leaves no record and changes no existing run', async () => {
    const ok = await runCli([
      'run',
      '--config',
      file('tiny.json', TINY_CONFIG),
      '--runs-dir',
      runsDir,
      '--json',
    ]);
    expect(ok.code, ok.err).toBe(0);
    const before = state();
    expect(before.names).toEqual(['tiny']);

    const cases: [string, unknown, RegExp][] = [
      [
        'dead-student',
        {
          models: { student: { kind: 'openai-compatible', baseURL: DEAD, model: 'm' } },
          trainer: { kind: 'openai', baseURL: DEAD },
        },
        new RegExp(`cannot reach the student at ${DEAD_RE} \\(connection refused`),
      ],
      [
        'dead-teacher',
        { models: { teacher: { kind: 'openai-compatible', baseURL: DEAD, model: 't' } } },
        new RegExp(`cannot reach the teacher at ${DEAD_RE}`),
      ],
      [
        'no-teacher',
        { task: { answer: 'last-number' } },
        /field "models\.teacher": the task "custom" has no programmatic checker/,
      ],
      [
        'no-trainer',
        { models: { student: { kind: 'openai-compatible', baseURL: DEAD, model: 'm' } } },
        /field "trainer": a "openai-compatible" student needs a trainer/,
      ],
      [
        'bad-command',
        { trainer: { kind: 'command', command: ['no-such-trainer-program'] } },
        /field "trainer\.command": cannot start the trainer: "no-such-trainer-program"/,
      ],
      [
        'no-student',
        { models: { student: { kind: 'checker' } } },
        /a "checker" model cannot be the student/,
      ],
    ];
    for (const [name, config, message] of cases) {
      const r = await run(file(`${name}.json`, config));
      expect(r.err, name).toMatch(message);
      expect(r.code, name).not.toBe(0);
      expect(r.err, name).not.toMatch(/internal error|\n\s+at /);
      expect(state(), name).toEqual(before);
    }
  });

  it('names the line and field of data that does not map', async () => {
    const data = file(
      'data.jsonl',
      '{"question": "Solve for x: 2*x + 1 = 5", "answer": 2}\n{"question": "Solve for x: 3*x = 9"}\n',
    );
    const cases: [string, unknown, RegExp][] = [
      [
        'map-missing',
        { data: { testFile: { path: 'data.jsonl', fields: { prompt: 'problem' } } } },
        /data\.jsonl:1 field "problem": has no field "problem" \(mapped to prompt\)/,
      ],
      [
        'lines-lack',
        {
          data: {
            testFile: { path: 'data.jsonl', fields: { prompt: 'question', answer: 'answer' } },
          },
        },
        /data\.jsonl:2 field "answer": has no field "answer"/,
      ],
      [
        'default-map',
        { data: { testFile: 'data.jsonl' } },
        /data\.jsonl:1 field "prompt": has no field "prompt"/,
      ],
      [
        'no-file',
        { data: { trainFile: 'nowhere.jsonl' } },
        /field "data\.trainFile": no such file: .*nowhere\.jsonl/,
      ],
      ['no-dataset', { data: { trainFile: { dataset: 'gsm9k' } } }, /unknown dataset "gsm9k"/],
    ];
    expect(existsSync(data)).toBe(true);
    const before = state();
    for (const [name, config, message] of cases) {
      const r = await run(file(`${name}.json`, config));
      expect(r.err, name).toMatch(message);
      expect(r.code, name).toBe(2);
      expect(state(), name).toEqual(before);
    }
  });
});

describe('a teacher that writes no verdict', () => {
  it('stops the meta stage naming the model and the problem; maxErrors drops instead', async () => {
    const teacher = new ScriptedLanguageModel(() => 'Looks fine to me.', 'silent');
    const server = await startServer({ port: 0, models: [{ name: 'silent', model: teacher }] });
    servers.push(server);
    const config = (maxErrors: number) =>
      parseRunConfig(
        mergeConfig(TINY_CONFIG, {
          models: {
            teacher: { kind: 'openai-compatible', baseURL: server.baseURL, model: 'silent' },
          },
          base: { train: { steps: 5, batchSize: 8 } },
          meta: { prompts: 8, maxErrors, train: { steps: 2, batchSize: 8 } },
          evolve: { rounds: 0 },
          data: { test: 4 },
        }),
      );
    const failed = await runSelf(config(0), { runsDir, name: 'silent' }).catch((e) => e);
    expect(failed).toBeInstanceOf(TeacherVerdictError);
    expect(failed.message).toMatch(
      /teacher model:\S*silent wrote no verdict for problem eq-\d+-\d+ \(its feedback ends: "Looks fine to me\."\)/,
    );
    const store = openRunStore(runsDir);
    expect(store.getRun('silent')?.status).toBe('failed');
    expect(store.models('silent').map((m) => m.name)).toEqual(['base']);
    store.close();

    const dropped = await runSelf(config(100), { runsDir, name: 'tolerant' });
    const meta = dropped.summary.stages.find((s) => s.name === 'meta')!;
    expect(meta.generated).toBe(8);
    expect(meta.kept).toBe(0);
  }, 120_000);
});

describe('a run stopped by its budget', () => {
  it('continues with a larger one, counting what it spent before', async () => {
    const teacher = new ScriptedLanguageModel(
      (r) =>
        r.turns[0].text.includes('Review of the solution') ? 'answer: 1' : 'no.\nVerdict: wrong',
      'paid',
    );
    const server = await startServer({ port: 0, models: [{ name: 'paid', model: teacher }] });
    servers.push(server);
    const config = parseRunConfig(
      mergeConfig(TINY_CONFIG, {
        models: { teacher: { kind: 'openai-compatible', baseURL: server.baseURL, model: 'paid' } },
        base: { train: { steps: 5, batchSize: 8 } },
        meta: { prompts: 32, train: { steps: 2, batchSize: 8 } },
        evolve: { rounds: 0 },
        data: { test: 4 },
        generation: { chunk: 8 },
        budget: { maxTokens: 400 },
      }),
    );
    const stopped = await runSelf(config, { runsDir, name: 'budget' }).catch((e) => e);
    expect(stopped.code).toBe('budget_exceeded');
    expect(stopped.hint).toMatch(/resume <run> --max-cost-usd/);
    const paid = teacher.requests.length;
    expect(paid).toBeGreaterThan(0);
    const r = await runCli([
      'resume',
      'budget',
      '--runs-dir',
      runsDir,
      '--max-tokens',
      '1000000',
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    const store = openRunStore(runsDir);
    expect(store.getRun('budget')?.config.budget).toEqual({ maxTokens: 1_000_000 });
    expect(store.getRun('budget')?.status).toBe('finished');
    store.close();
    // 32 tuples, each a critique and a refinement: every one asked once, across both sessions.
    const keys = teacher.requests.map((q) => JSON.stringify(q));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(64);
    const bad = await runCli(['resume', 'budget', '--runs-dir', runsDir, '--max-cost-usd', '-3']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/field "--max-cost-usd": must be a positive number/);
  }, 120_000);
});
