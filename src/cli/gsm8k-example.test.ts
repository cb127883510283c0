// examples/gsm8k.json end to end on GSM8K's own files (the copies the package ships), every stage
// of a run whose models are all behind OpenAI-compatible URLs, as a user with vLLM, a hosted
// teacher and TRL runs it. What stands in for what: `serve --checkpoints` serving a tiny fresh
// embedded checkpoint stands in for vLLM serving the student; a scripted model that knows GSM8K's
// reference solutions, behind a second server with an API key, stands in for the hosted teacher;
// examples/command-trainer/embedded-trainer.mjs --checkpoints stands in for TRL beside vLLM (it
// trains the served checkpoint and reports the result as a served model). The accuracies mean
// nothing. The test checks the stages, what the trainer received, that no label reaches the
// rounds, and that a run killed mid-stage resumes without calling the teacher twice for anything.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetPath } from '../data/datasets.js';
import { EmbeddedTrainer, NEW_MODEL_ID } from '../engine/index.js';
import { checkpointResolver } from '../server/served-models.js';
import type { ServedModel } from '../server/server-app.js';
import { type RunningServer, startServer } from '../server/start-server.js';
import type { CompletionRequest, LanguageModel } from '../spec/language-model.js';
import { ScriptedLanguageModel } from '../testing/scripted-language-model.js';

const repo = join(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'self-evolve.js');
const root = mkdtempSync(join(tmpdir(), 'gsm8k-example-'));
const checkpoints = join(root, 'served');
const runsDir = join(checkpoints, 'runs');
const KEY = 'sk-stand-in';

const gsm8k = readFileSync(datasetPath('gsm8k:train'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { question: string; answer: string });

/** Requests the student's server received, by served model name. */
const studentCalls: { model: string; request: CompletionRequest }[] = [];
const teacher = new ScriptedLanguageModel((r) => {
  const text = r.turns[0].text;
  const known = gsm8k.find((p) => text.includes(p.question));
  if (text.includes('Review of the solution:')) return known?.answer ?? 'I cannot tell.';
  return 'The final number does not follow from the steps.\nVerdict: wrong';
}, 'teacher-stand-in');
/** While set, the teacher's 13th call on stops the run: a kill in the middle of the meta stage. */
let killAt13th: (() => void) | undefined;
/** Requests the teacher answered before the kill: none of these may be paid for again. */
const answeredBeforeKill = new Set<string>();
const teacherModel: LanguageModel = {
  id: teacher.id,
  async complete(requests, options) {
    const out = [];
    for (const request of requests) {
      const key = JSON.stringify(request);
      if (killAt13th && teacher.requests.length >= 12) {
        const kill = killAt13th;
        killAt13th = undefined;
        setTimeout(kill, 200);
        // Never answered: the run is killed while it waits.
        await new Promise((r) => setTimeout(r, 2000));
        throw new Error('the run was killed while this call was in flight');
      }
      const [completion] = await teacher.complete([request], options);
      if (killAt13th) answeredBeforeKill.add(key);
      out.push(completion);
    }
    return out;
  },
};
let student: RunningServer;
let hosted: RunningServer;

beforeAll(async () => {
  // The student as vLLM would serve it: a fresh tiny model, byte tokenizer, context for GSM8K.
  const engine = new EmbeddedTrainer({ outputDir: checkpoints, kernels: 'js' });
  const fresh = await engine.open(
    {
      kind: 'embedded',
      id: NEW_MODEL_ID,
      meta: { config: { dModel: 32, nLayers: 1, nHeads: 2, dFF: 64, contextLength: 1536 } },
    },
    1,
    [],
  );
  await fresh.save(join(checkpoints, 'student-init'));
  fresh.dispose();
  await engine.close();
  const resolver = checkpointResolver(checkpoints);
  student = await startServer({
    port: 0,
    models: [],
    resolve: async (name) => {
      const served = await resolver.resolve(name);
      if (!served) return undefined;
      const recorded: ServedModel = {
        ...served,
        model: {
          id: served.model.id,
          complete: (requests, options) => {
            for (const request of requests) studentCalls.push({ model: name, request });
            return served.model.complete(requests, options);
          },
        },
      };
      return recorded;
    },
    onClose: resolver.close,
  });
  hosted = await startServer({
    port: 0,
    apiKey: KEY,
    models: [{ name: 'gpt-4o-mini', model: teacherModel }],
  });
});

afterAll(async () => {
  await student?.close();
  await hosted?.close();
  rmSync(root, { recursive: true, force: true });
});

/** The CLI in a child process (the servers live in this one, so it must not block). */
function cli(args: string[], killable = false) {
  return new Promise<{ code: number | null; signal: string | null; out: string; err: string }>(
    (resolve) => {
      const child = spawn(process.execPath, [bin, ...args, '--runs-dir', runsDir], {
        env: { ...process.env, OPENAI_API_KEY: KEY },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (b) => (out += b));
      child.stderr.on('data', (b) => (err += b));
      if (killable) killAt13th = () => child.kill('SIGKILL');
      child.on('exit', (code, signal) => resolve({ code, signal, out, err }));
    },
  );
}

describe('examples/gsm8k.json', () => {
  it('runs every stage over HTTP with a command trainer, resuming after a kill', async () => {
    const example = JSON.parse(readFileSync(join(repo, 'examples', 'gsm8k.json'), 'utf8'));
    // The example as it is, pointed at the stand-ins and made small.
    example.models.student = {
      ...example.models.student,
      baseURL: student.baseURL,
      model: 'student-init',
      nativeEpisodes: true,
      concurrency: 4,
    };
    example.models.teacher = { ...example.models.teacher, baseURL: hosted.baseURL };
    example.trainer.command = [
      'node',
      join(repo, 'examples', 'command-trainer', 'embedded-trainer.mjs'),
      '--request',
      '{request}',
      '--checkpoints',
      checkpoints,
    ];
    example.data.trainFile.limit = 12;
    example.data.testFile.limit = 6;
    example.meta = { ...example.meta, prompts: 12, train: { steps: 3, batchSize: 4 } };
    example.evolve = {
      ...example.evolve,
      rounds: 1,
      prompts: 8,
      train: { steps: 2, batchSize: 4 },
    };
    example.generation = { chunk: 4, maxTokens: { response: 12, feedback: 12, refinement: 12 } };
    mkdirSync(checkpoints, { recursive: true });
    const config = join(root, 'gsm8k.json');
    writeFileSync(config, JSON.stringify(example, null, 2));

    // Killed in the meta stage's second chunk, after the teacher answered its feedback requests
    // (12 calls: 4 tuples' feedback and refinement, then 4 feedbacks) and while it writes the
    // refinements: those feedbacks were paid for, but their chunk was not stored.
    const args = ['run', '--config', config, '--name', 'gsm8k', '--json'];
    const killed = await cli(args, true);
    expect(killed.signal, killed.err).toBe('SIGKILL');
    expect(answeredBeforeKill.size).toBe(12);
    const resumed = await cli(['resume', 'gsm8k', '--json']);
    expect(resumed.code, resumed.err).toBe(0);
    const summary = JSON.parse(resumed.out);
    expect(summary.stages.map((s: { name: string }) => s.name)).toEqual([
      'base',
      'meta',
      'round-1',
    ]);

    // Nothing the teacher answered before the kill was asked again: the resumed chunk's feedbacks
    // came from the run's response cache.
    const asked = teacher.requests.map((r) => JSON.stringify(r));
    for (const key of answeredBeforeKill) expect(asked.filter((k) => k === key)).toHaveLength(1);
    expect(teacher.requests.length).toBeGreaterThan(12);

    // base.skip: M_init is the served student itself, untrained; meta and round-1 came from the
    // command trainer, reported as served models and called over HTTP.
    const shown = JSON.parse((await cli(['runs', 'show', 'gsm8k', '--json'])).out);
    const refs = shown.models.map((m: { ref: { kind: string; id: string } }) => m.ref);
    expect(refs[0]).toMatchObject({ kind: 'openai-compatible', id: 'student-init' });
    expect(refs.slice(1).map((r: { kind: string }) => r.kind)).toEqual([
      'openai-compatible',
      'openai-compatible',
    ]);
    const served = new Set(studentCalls.map((c) => c.model));
    for (const r of refs) expect(served.has(r.id), r.id).toBe(true);

    // What the trainer received: the meta stage's D_meta as TRL rows rendered with the chat
    // templates, started from the served student; round-1 started from the meta model.
    const work = join(runsDir, 'gsm8k', 'trainer');
    const meta = JSON.parse(readFileSync(join(work, 'meta', 'request.json'), 'utf8'));
    expect(meta.base).toMatchObject({ kind: 'openai-compatible', id: 'student-init' });
    expect(meta.hyperparameters).toEqual({ steps: 3, batchSize: 4 });
    const rows = readFileSync(meta.data.sft, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(rows.length).toBe(meta.rows.sft);
    expect(rows.some((r) => r.prompt.at(-1).content.includes('Proposed solution:'))).toBe(true);
    expect(rows.every((r) => r.self_episode === undefined)).toBe(true);
    const round = JSON.parse(readFileSync(join(work, 'round-1', 'request.json'), 'utf8'));
    expect(round.base).toEqual(refs[1]);

    // No label reached the rounds: the round's prompts are GSM8K questions in the instruct format,
    // and no request of the round holds a reference solution; the teacher is not asked at all.
    const textOf = (r: CompletionRequest) => r.turns.map((t) => t.text).join('\n');
    const roundQuestions = gsm8k.slice(2000, 2008);
    const byMeta = studentCalls.filter((c) => c.model === refs[1].id);
    const roundCalls = byMeta.filter((c) =>
      roundQuestions.some((p) => textOf(c.request).includes(p.question)),
    );
    expect(roundCalls.length).toBeGreaterThanOrEqual(roundQuestions.length * 2);
    for (const { request } of byMeta) {
      for (const p of roundQuestions) expect(textOf(request).includes(p.answer)).toBe(false);
    }
    const taught = new Set(teacher.requests.map(textOf));
    for (const p of roundQuestions) {
      expect([...taught].some((t) => t.includes(p.question))).toBe(false);
    }
  }, 300_000);
});
