// The open-ended quick demo end to end through the CLI (real engine, real store): `demo --task
// constraints --quick`, whose critiques end with a score line, then the judged evaluation of its
// last round against its base model. The judge is the one thing faked: a hosted LLM judge is
// stood in for by a model that grades both answers with the task's reference grade (the fraction
// of constraints met), served over HTTP on 127.0.0.1 so its calls go through the response cache.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../server/start-server.js';
import type { Attempt } from '../../spec/run-store.js';
import { createTask } from '../../tasks/task-registry.js';
import { answerInSlot, gradingJudge, questionShown } from '../../testing/scripted-judges.js';
import { runCli } from '../cli-harness.js';

const bin = join(import.meta.dirname, '../../../bin/self-evolve.js');
const dir = mkdtempSync(join(tmpdir(), 'demo-constraints-'));
const runsDir = join(dir, 'runs');
const { task } = createTask('constraints');
const grade = (question: string, answer: string) =>
  task.score?.grade?.({ id: 'q', prompt: question }, answer) ?? Number.NaN;
const judge = gradingJudge(grade, 'grading-judge');
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.close();
});

/** The score line a critique ends with, read independently of the task's reader. */
const scoreLine = (feedback: string) => /score:\s*(-?\d+)\/5\s*$/i.exec(feedback.trim())?.[1];

describe('self-evolve demo --task constraints --quick', () => {
  let run = '';

  it('parses every self-score, and the rounds keep exactly what scores at the threshold', () => {
    const demo = spawnSync(
      process.execPath,
      [bin, 'demo', '--task', 'constraints', '--quick', '--json', '--runs-dir', runsDir],
      { encoding: 'utf8', cwd: dir },
    );
    expect(demo.status, demo.stderr).toBe(0);
    const summary = JSON.parse(demo.stdout);
    run = summary.run;
    const names = summary.stages.map((s: { name: string }) => s.name);
    expect(names).toEqual(['base', 'meta', 'round-1', 'round-2']);
    const db = new Database(join(runsDir, 'runs.db'), { readonly: true });
    // Every stage after base writes scored critiques of the held-out answers; each is read, or
    // counted as missing or out of range, never dropped silently.
    const critiques = db.prepare('SELECT attempts FROM samples WHERE run = ? AND stage = ?');
    for (const s of summary.stages.slice(1)) {
      const e = s.scores.eval;
      expect(e.scale).toEqual({ min: 0, max: 5, threshold: 5 });
      expect(e.scored).toBeGreaterThan(0);
      const written = (critiques.all(run, `eval:${s.name}`) as { attempts: string }[])
        .flatMap((r) => JSON.parse(r.attempts) as Attempt[])
        .filter((a) => a.feedback !== undefined).length;
      expect(e.scored + e.missing + e.out_of_range, s.name).toBe(written);
    }
    const rows = db
      .prepare("SELECT stage, attempts, kept FROM samples WHERE run = ? AND stage LIKE 'round-%'")
      .all(run) as { stage: string; attempts: string; kept: number }[];
    db.close();
    expect(rows.length).toBeGreaterThan(0);
    let kept = 0;
    let dropped = 0;
    for (const row of rows) {
      const attempts = JSON.parse(row.attempts) as Attempt[];
      for (const a of attempts) {
        if (a.feedback === undefined) continue;
        const line = scoreLine(a.feedback);
        // The stored score is the line's number when it is on the 0..5 scale, else null with
        // the reason.
        if (line === undefined) expect(a).toMatchObject({ score: null, scoreProblem: 'missing' });
        else if (Number(line) > 5 || Number(line) < 0)
          expect(a).toMatchObject({ score: null, scoreProblem: 'out-of-range' });
        else expect(a.score).toBe(Number(line));
      }
      // The threshold filter: kept exactly when the deciding (last) self-score reaches 5/5 (and
      // the final answer has a word at all).
      const last = attempts.at(-1);
      const reaches = typeof last?.score === 'number' && last.score >= 5;
      const words = task.extractAnswer(last?.text ?? '') !== undefined;
      expect(row.kept === 1, `${row.stage}: ${row.attempts}`).toBe(reaches && words);
      if (row.kept) kept++;
      else dropped++;
    }
    // Both sides of the filter were exercised.
    expect(kept).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
  }, 600_000);

  it('judges the last round against base in both orders, and a second evaluation is all cache', async () => {
    expect(run).not.toBe('');
    server = await startServer({ port: 0, models: [{ name: 'grader', model: judge }] });
    const config = join(dir, 'judge.json');
    writeFileSync(
      config,
      JSON.stringify({
        task: { name: 'constraints' },
        models: {
          grader: { kind: 'openai-compatible', baseURL: server.baseURL, model: 'grader' },
          checker: { kind: 'checker' },
        },
      }),
    );
    const evaluate = (judgeName: string, judgements: string) =>
      runCli([
        'eval',
        '--run',
        run,
        '--stage',
        'round-2',
        '--baseline-stage',
        'base',
        '--n',
        '100',
        '--refine',
        '0',
        '--judge',
        judgeName,
        '--config',
        config,
        '--judgements',
        join(dir, judgements),
        '--json',
        '--runs-dir',
        runsDir,
      ]);
    const first = await evaluate('grader', 'first.jsonl');
    expect(first.code, first.err).toBe(0);
    const report = JSON.parse(first.out);
    const { pairwise } = report;
    expect(pairwise.pairs).toBe(100);
    expect(pairwise.unparseable).toBe(0);
    expect(pairwise.wins + pairwise.ties + pairwise.losses).toBe(100);
    // A judge that grades well never disagrees with itself across the two orders.
    expect(pairwise.inconsistent).toBe(0);

    // Each pair was asked twice, the answers swapped between slots A and B.
    const asked = judge.requests.map((r) => {
      const prompt = r.turns[0].text;
      return [questionShown(prompt), answerInSlot(prompt, 'A'), answerInSlot(prompt, 'B')];
    });
    expect(asked).toHaveLength(200);
    const key = ([q, a, b]: string[]) => JSON.stringify([q, a, b]);
    const swapped = asked.map(([q, a, b]) => key([q, b, a])).sort();
    expect(asked.map(key).sort()).toEqual(swapped);
    for (const line of readFileSync(join(dir, 'first.jsonl'), 'utf8').trim().split('\n'))
      expect(JSON.parse(line).orders).toHaveLength(2);

    // Again: every judgement comes from the cache, none from the judge, with the same result.
    const again = await evaluate('grader', 'again.jsonl');
    expect(again.code, again.err).toBe(0);
    expect(judge.requests).toHaveLength(200);
    expect(JSON.parse(again.out).pairwise).toEqual(pairwise);

    // The programmatic checker, grading the same answers in-process, comes to the same counts.
    const checked = await evaluate('checker', 'checker.jsonl');
    expect(checked.code, checked.err).toBe(0);
    const c = JSON.parse(checked.out).pairwise;
    expect([c.wins, c.ties, c.losses]).toEqual([pairwise.wins, pairwise.ties, pairwise.losses]);
  }, 300_000);
});
