// The quick demo end to end through the CLI (real engine, real store), then every command that
// reads a run: runs, runs show, ask, eval on a generated file, export, and the bad-input paths.
// Then the same run by the general road, as a user with their own model, data and task makes it:
// the problems written to files, the task declared in the config (or given as a module), the
// student and the teacher behind `serve` over HTTP (the equations checker stands in for a hosted
// LLM teacher), training through the OpenAI fine-tuning API of `serve --fine-tuning` (standing in
// for a hosted fine-tuning API): its stage table must equal the built-in demo's.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_JS_VERSION } from '../../report/chart-library.js';

const bin = join(import.meta.dirname, '../../../bin/self-evolve.js');
const dir = mkdtempSync(join(tmpdir(), 'demo-'));
const runsDir = join(dir, 'runs');

/** Runs the CLI; commands that read or write runs get `--runs-dir`. */
function cli(...args: string[]) {
  const where = ['data', 'model'].includes(args[0]) ? [] : ['--runs-dir', runsDir];
  const r = spawnSync(process.execPath, [bin, ...args, ...where], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A stage table without wall times (those differ from run to run). */
const table = (summary: { stages: Record<string, unknown>[] }) =>
  summary.stages.map(({ seconds: _, ...rest }) => rest);

/** The declarative twin of the built-in equations task: how answers and verdicts are read. */
const DECLARED_TASK = {
  name: 'equations-declared',
  answer: { kind: 'regex', pattern: 'answer:\\s*(-?\\d+)', flags: 'i' },
  compare: 'numeric',
  verdict: { pattern: 'verdict:\\s*(correct|wrong)' },
  answerFormat: 'answer: {answer}',
};

let builtin: { stages: Record<string, unknown>[] } | undefined;

/** The quick demo's own problems as files, as a user's data would be. */
function writeData(): Record<string, string> {
  const made = cli(
    'data',
    'gen',
    '--preset',
    'quick',
    '--seed',
    '1',
    '--out-dir',
    'data',
    '--labels',
  );
  expect(made.code, made.stderr).toBe(0);
  return {
    trainFile: 'data/train.jsonl',
    promptsFile: 'data/prompts.jsonl',
    testFile: 'data/test.jsonl',
  };
}

describe('self-evolve demo --quick', () => {
  // The quick demo takes 1.5-3 minutes, longer while another test file shares the 2 cores.
  it('runs SELF end to end and every command reads the run', () => {
    const demo = cli('demo', '--quick', '--json');
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).toBe('');
    const summary = JSON.parse(demo.stdout);
    expect(summary.run).toBe('demo-quick');
    const names = summary.stages.map((s: { name: string }) => s.name);
    expect(names).toEqual(['base', 'meta', 'round-1', 'round-2']);
    for (const s of summary.stages) {
      for (const k of [
        'direct_acc',
        'refined_acc',
        'feedback_precision',
        'feedback_recall',
        'kept',
        'kept_precision',
        'seconds',
      ]) {
        expect(s).toHaveProperty(k);
      }
    }
    const [base, meta] = summary.stages;
    // The base model learnt the task (an untrained model scores 0), D_meta holds every tuple
    // (the programmatic teacher's refinements are always right), and the base model, which never
    // learnt to write feedback, gets no verdict and so no refinement.
    expect(base.direct_acc).toBeGreaterThan(0.05);
    expect(meta.kept).toBe(meta.generated);
    expect(meta.kept_precision).toBe(1);
    expect(base.refined_acc).toBe(base.direct_acc);
    for (const s of summary.stages.slice(2)) expect(s.kept).toBeLessThanOrEqual(s.generated);
    // The method's effect, which the quick preset is sized to show (docs/results.md, "The quick
    // preset"): the learnt feedback lifts M_meta's refined answers above the base model, online
    // refinement helps M_meta and never loses to the direct answer, and the rounds, trained on
    // what the model's own feedback kept, lift direct accuracy above M_meta's. A self-filter that
    // keeps nothing, or feedback that always says "correct", fails it.
    builtin = summary;
    const last = summary.stages.at(-1);
    expect(meta.refined_acc).toBeGreaterThan(base.direct_acc);
    expect(meta.refined_acc).toBeGreaterThan(meta.direct_acc);
    for (const s of summary.stages) expect(s.refined_acc).toBeGreaterThanOrEqual(s.direct_acc);
    expect(last.direct_acc).toBeGreaterThan(meta.direct_acc);

    const report = readFileSync(join(runsDir, 'demo-quick', 'report.html'), 'utf8');
    // Self-contained: the plots are canvases drawn by Chart.js, inlined with its draw script;
    // nothing is loaded from elsewhere (no script src, stylesheet link, image or url()).
    expect(report).toContain('<canvas data-chart=');
    expect(report).toContain(`Chart.js v${CHART_JS_VERSION}`);
    expect(report.match(/<script>/g)).toHaveLength(2);
    expect(report).not.toMatch(
      /<script[^>]*\ssrc\s*=|<link\b|<img\b|<iframe\b|(?:src|href)\s*=\s*["']?(?:https?:)?\/\/|url\(\s*["']?(?:https?:)?\/\/|@import/i,
    );

    expect(cli('runs').stdout).toMatch(/demo-quick\s+finished/);
    const shown = JSON.parse(cli('runs', 'show', 'demo-quick', '--json').stdout);
    expect(shown.models.map((m: { name: string }) => m.name)).toEqual(names);

    const ask = JSON.parse(
      cli('ask', '--run', 'demo-quick', '--json', 'Solve for x: 3*x + 4 = 19').stdout,
    );
    expect(ask.attempts[0].feedback).toBeDefined();

    const data = join(dir, 'test.jsonl');
    expect(cli('data', 'gen', '--n', '20', '--seed', '5', '--out', data).code).toBe(0);
    const evaluated = JSON.parse(
      cli('eval', '--run', 'demo-quick', '--data', data, '--refine', '1', '--json').stdout,
    );
    expect(evaluated.n).toBe(20);
    expect(evaluated.refined_acc).toBeGreaterThanOrEqual(0);

    const out = join(dir, 'export');
    const exported = JSON.parse(cli('export', 'demo-quick', '--out', out, '--json').stdout);
    expect(exported.counts.chat).toBe(
      summary.stages.slice(2).reduce((n: number, s: { kept: number }) => n + s.kept, 0),
    );
    const chat = readFileSync(join(out, 'chat.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(chat).toHaveLength(exported.counts.chat);
    for (const line of chat) {
      expect(JSON.parse(line).messages.map((m: { role: string }) => m.role)).toEqual([
        'user',
        'assistant',
      ]);
    }
    const rows = (name: string) =>
      readFileSync(join(out, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    // DPO pairs in TRL's conversational preference form, as docs/trainers.md shows them.
    for (const pair of rows('dpo.jsonl')) {
      expect(pair.prompt[0].role).toBe('user');
      expect(pair.chosen).toEqual([{ role: 'assistant', content: expect.any(String) }]);
      expect(pair.rejected).toEqual([{ role: 'assistant', content: expect.any(String) }]);
    }
    // The meta-skill corpus as chat rows: a critique row per kept tuple, a refinement row per
    // correction, each asking with the chat templates.
    const corpus = rows('meta.jsonl');
    expect(corpus.length).toBe(exported.counts.meta);
    expect(corpus.length).toBeGreaterThanOrEqual(summary.stages[1].kept);
    expect(
      corpus.some((r: { messages: { content: string }[] }) =>
        r.messages.at(-2)?.content.includes('Review of the solution'),
      ),
    ).toBe(true);
    // Every meta and round sample, with its verdict, kept flag and reason.
    const episodes = rows('episodes.jsonl');
    const generated = summary.stages.reduce(
      (n: number, st: { generated: number | null }) => n + (st.generated ?? 0),
      0,
    );
    expect(episodes.length).toBe(generated);
    expect(episodes.filter((e) => e.kept).length).toBe(
      summary.stages.reduce((n: number, st: { kept: number | null }) => n + (st.kept ?? 0), 0),
    );
    for (const e of episodes)
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['verdict', 'kept', 'reason']));
    // Exporting again writes the same files: nothing to refuse. A file changed since is refused.
    expect(cli('export', 'demo-quick', '--out', out).code).toBe(0);
    writeFileSync(join(out, 'chat.jsonl'), 'edited\n');
    const again = cli('export', 'demo-quick', '--out', out);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/chat\.jsonl: already exists/);
  }, 900_000);

  it('rejects bad input with file:line and field, exit code 2', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{\n  "evolve": {\n    "rounds": -1\n  }\n}\n');
    const r = cli('run', '--config', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json:3 field "evolve\.rounds"/);
    const jsonl = join(dir, 'bad.jsonl');
    writeFileSync(jsonl, '{"prompt": "Solve for x: 2*x = 4", "answer": 2}\n{"answer": 3}\n');
    const e = cli('eval', '--run', 'demo-quick', '--data', jsonl);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/bad\.jsonl:2 field "prompt"/);
    const missing = cli('resume', 'nope');
    expect(missing.code).toBe(2);
  });

  it('runs the same by the general road: files, a declared task, student and teacher over HTTP', async () => {
    expect(builtin, 'the built-in quick demo ran first').toBeDefined();
    const data = writeData();
    const init = cli(
      'model',
      'new',
      '--preset',
      'quick',
      '--seed',
      '1',
      '--out',
      'checkpoints/init',
    );
    expect(init.code, init.stderr).toBe(0);
    const serve: ChildProcess = spawn(
      process.execPath,
      // biome-ignore format: one flag a line reads worse here
      [bin, 'serve', '--checkpoints', 'checkpoints', '--fine-tuning', 'ft', '--teacher', 'equations', '--port', '0', '--json', '--max-body-bytes', String(64 << 20)],
      { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        serve.stdout!.once('data', (b: Buffer) => resolve(b.toString()));
        serve.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const baseURL = JSON.parse(line).baseURL as string;
      const endpoint = {
        kind: 'openai-compatible',
        baseURL,
        nativeEpisodes: true,
        concurrency: 64,
      };
      writeFileSync(
        join(dir, 'general.json'),
        JSON.stringify({
          task: DECLARED_TASK,
          models: {
            student: { ...endpoint, model: 'init' },
            teacher: { ...endpoint, model: 'equations-checker' },
          },
          trainer: { kind: 'openai', baseURL, pollSeconds: 0.2, episodes: true },
          data,
        }),
      );
      const run = cli('run', '--preset', 'quick', '--config', 'general.json', '--json');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      const general = JSON.parse(run.stdout);
      expect(table(general)).toEqual(table(builtin!));
      // Every model of the run is a fine-tuned model of serve's fine-tuning API, called over HTTP.
      const shown = JSON.parse(cli('runs', 'show', 'general', '--json').stdout);
      expect(shown.models.map((m: { ref: { kind: string; id: string } }) => m.ref.kind)).toEqual(
        Array(4).fill('openai'),
      );
      expect(shown.models[0].ref.id).toMatch(/^ft:init:/);
    } finally {
      serve.kill('SIGTERM');
    }
  }, 600_000);

  it('runs the same with the task given as a module by path', () => {
    expect(builtin, 'the built-in quick demo ran first').toBeDefined();
    const data = existsSync(join(dir, 'data', 'train.jsonl'))
      ? {
          trainFile: 'data/train.jsonl',
          promptsFile: 'data/prompts.jsonl',
          testFile: 'data/test.jsonl',
        }
      : writeData();
    // A user's own task in plain JavaScript, no import of self-evolve: what a module must export.
    writeFileSync(
      join(dir, 'my-task.mjs'),
      [
        'const answer = (text) => { const all = [...text.matchAll(/answer:\\s*(-?\\d+)/gi)];',
        '  return all.length ? String(Number(all.at(-1)[1])) : undefined; };',
        'export const task = {',
        "  name: 'my-equations',",
        '  extractAnswer: answer,',
        '  isCorrect: (text, label) => answer(text) === String(Number(label.trim())),',
        '  parseVerdict: (f) => [...f.matchAll(/verdict:\\s*(correct|wrong)/gi)].at(-1)?.[1].toLowerCase(),',
        "  formatAnswer: (a) => 'answer: ' + a,",
        '};',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'module.json'),
      JSON.stringify({
        task: { module: 'my-task.mjs' },
        models: { teacher: { kind: 'checker', task: 'equations' } },
        data,
      }),
    );
    const run = cli('run', '--preset', 'quick', '--config', 'module.json', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(table(JSON.parse(run.stdout))).toEqual(table(builtin!));
  }, 420_000);
});
