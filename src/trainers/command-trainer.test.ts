// The command-trainer contract for real: the embedded engine run as an external program
// (examples/command-trainer/embedded-trainer.mjs, from the built dist/) trains exactly the model
// the in-process trainer trains; broken trainers (non-zero exit, no model, garbage on stdout, a
// model that is not there, a missing program, a cancel) fail with a TrainerError that names the
// trainer and quotes its last output lines. The last test breaks the trainer in the middle of a
// SELF run and resumes the run once it is fixed.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeConfig, parseRunConfig } from '../config/run-config.js';
import { EmbeddedTrainer, loadCheckpoint } from '../engine/index.js';
import { studentRef } from '../runtime/model-factory.js';
import { runPipeline } from '../self/pipeline.js';
import { roundPreferences } from '../self/preference-pairs.js';
import { CancelledError, TrainerError } from '../spec/errors.js';
import type { SftExample, TrainRequest } from '../spec/trainer.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { createTask } from '../tasks/task-registry.js';
import { TINY_CONFIG } from '../testing/test-configs.js';
import { CommandTrainer } from './command-trainer.js';

const SCRIPT = resolve('examples/command-trainer/embedded-trainer.mjs');
const dir = mkdtempSync(join(tmpdir(), 'command-trainer-'));

beforeAll(() => {
  // The example imports the package from dist/: `npm test` builds it before running the tests.
  if (!existsSync(resolve('dist/index.js')))
    throw new Error('dist/ is missing: run `npm run build`');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const examples: SftExample[] = Array.from({ length: 12 }, (_, i) => ({
  turns: [
    { section: 'prompt', text: `${i} + 1`, train: false },
    { section: 'response', text: `${i + 1}`, train: true },
    { section: 'feedback', text: 'verdict: correct', train: i % 2 === 0 },
  ],
}));

const request = (name: string): TrainRequest => ({
  base: {
    kind: 'embedded',
    id: 'new',
    meta: {
      config: { dModel: 16, nLayers: 1, nHeads: 2, dFF: 16, contextLength: 48 },
      alphabet: ' +0123456789:cdeortv',
    },
  },
  examples,
  name,
  seed: 4,
  hyperparameters: { steps: 6, batchSize: 4 },
});

/** A trainer that runs `node <script>` where the script is `body`. */
function scripted(
  name: string,
  body: string,
  extra: Partial<ConstructorParameters<typeof CommandTrainer>[0]> = {},
) {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, body);
  return new CommandTrainer({
    command: ['node', file],
    workDir: join(dir, 'work'),
    outputDir: join(dir, 'out'),
    ...extra,
  });
}

describe('command trainer', () => {
  it('runs the embedded engine as an external command and gets the same model as in process', async () => {
    const trainer = new CommandTrainer({
      command: ['node', SCRIPT],
      workDir: join(dir, 'work'),
      outputDir: join(dir, 'out'),
    });
    const steps: number[] = [];
    const ref = await trainer.train(request('m1'), { onProgress: (p) => steps.push(p.step) });
    expect(ref).toMatchObject({ kind: 'embedded', id: join(dir, 'out', 'm1'), parent: 'new' });
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    const inProcess = new EmbeddedTrainer({ outputDir: join(dir, 'inproc') });
    const reference = await inProcess.train(request('m1'));
    const [a, b] = [await loadCheckpoint(ref.id), await loadCheckpoint(reference.id)];
    expect(Buffer.from(a.params.buffer).equals(Buffer.from(b.params.buffer))).toBe(true);
    // The data it was given: TRL prompt-completion rows, one per trained section.
    const rows = readFileSync(join(dir, 'work', 'm1', 'sft.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(rows).toHaveLength(18);
    expect(JSON.parse(rows[0])).toMatchObject({
      prompt: [{ role: 'user', content: '0 + 1' }],
      completion: [{ role: 'assistant', content: '1' }],
    });
    // A second round starts from the model the first one reported.
    const next = await trainer.train({ ...request('m2'), base: ref });
    expect(next.parent).toBe(ref.id);
    expect(existsSync(join(next.id, 'model.safetensors'))).toBe(true);
  });

  const failures: [string, string, RegExp, string[]][] = [
    [
      'non-zero exit',
      'console.log(JSON.stringify({event:"progress",step:1,total_steps:9}));console.error("CUDA out of memory");process.exit(3)',
      /exited with code 3/,
      ['{"event":"progress","step":1,"total_steps":9}', 'CUDA out of memory'],
    ],
    [
      'no model',
      'console.log(JSON.stringify({event:"log",message:"done"}))',
      /without printing a model event/,
      ['{"event":"log","message":"done"}'],
    ],
    [
      'garbage on stdout',
      'console.log("Epoch 1/3: loss 2.1");setTimeout(() => console.log("late"), 60000)',
      /line 1 of its stdout is not a JSON object/,
      ['Epoch 1/3: loss 2.1'],
    ],
    [
      'a model that is not there',
      'console.log(JSON.stringify({event:"model",model:{kind:"embedded",id:"/nowhere/m"}}))',
      /reported model \/nowhere\/m \(embedded\), which does not exist/,
      [],
    ],
    [
      'an unknown event',
      'console.log(JSON.stringify({event:"done"}))',
      /unknown event "done"/,
      ['{"event":"done"}'],
    ],
  ];
  it.each(failures)(
    'fails clearly on %s, naming the trainer and its last lines',
    async (name, body, message, lines) => {
      const trainer = scripted(name.replace(/\W+/g, '-'), body);
      const error = await trainer.train(request('x')).catch((e) => e);
      expect(error).toBeInstanceOf(TrainerError);
      expect(error.trainer).toBe(trainer.id);
      expect(error.message).toContain(`trainer "${trainer.id}" failed`);
      expect(error.message).toMatch(message);
      expect(error.message).toContain(join(dir, 'work', 'x', 'trainer.log'));
      for (const line of lines) expect(error.lastLines).toContain(line);
      expect(error.hint).toMatch(/resume/);
    },
  );

  it('fails clearly when the program does not exist, and stops a cancelled training', async () => {
    const missing = new CommandTrainer({
      command: [join(dir, 'no-such-trainer')],
      workDir: join(dir, 'work'),
      outputDir: join(dir, 'out'),
    });
    await expect(missing.train(request('y'))).rejects.toThrow(
      /cannot start .*no-such-trainer.*ENOENT/,
    );
    const slow = scripted(
      'slow',
      'console.log(JSON.stringify({event:"progress",step:1,total_steps:2}));setTimeout(() => {}, 60000)',
    );
    const controller = new AbortController();
    const started = slow.train(request('z'), {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(started).rejects.toThrow(CancelledError);
  });
});

describe('a SELF run with a command trainer', () => {
  it('stops with a TrainerError when the trainer breaks, and resumes once it is fixed', async () => {
    const broken = join(dir, 'broken');
    writeFileSync(broken, '');
    // Fails on the meta stage while the flag file exists, otherwise it is the embedded example.
    const wrapper = join(dir, 'flaky-trainer.mjs');
    writeFileSync(
      wrapper,
      [
        "import { existsSync, readFileSync } from 'node:fs';",
        "const request = JSON.parse(readFileSync(process.argv[process.argv.indexOf('--request') + 1], 'utf8'));",
        `if (request.name === 'meta' && existsSync(${JSON.stringify(broken)})) {`,
        '  console.error("Traceback: ValueError: dataset has no column \\"messages\\"");',
        '  process.exit(1);',
        '}',
        `await import(${JSON.stringify(SCRIPT)});`,
      ].join('\n'),
    );
    const config = parseRunConfig(mergeConfig(TINY_CONFIG, { evolve: { rounds: 1 } }));
    const store = new SqliteRunStore(join(dir, 'runs.db'));
    const runDir = join(dir, 'run');
    store.createRun({ name: 'r', config, seed: config.seed, dir: runDir });
    const { task, teacher } = createTask(
      'equations',
      (config.task as { params: Record<string, unknown> }).params,
    );
    const trainer = new CommandTrainer({
      command: ['node', wrapper],
      workDir: join(runDir, 'trainer'),
      outputDir: join(runDir, 'models'),
    });
    const loader = new EmbeddedTrainer({ outputDir: join(runDir, 'models') });
    const start = studentRef(config.models.student);
    const ports = { store, trainer, loader, task, teacher: teacher!, start };
    const error = await runPipeline({ run: 'r', settings: config, ports }).catch((e) => e);
    expect(error).toBeInstanceOf(TrainerError);
    expect(error.message).toMatch(/exited with code 1/);
    expect(error.lastLines).toContain('Traceback: ValueError: dataset has no column "messages"');
    expect(store.models('r').map((m) => m.name)).toEqual(['base']);
    rmSync(broken);
    const summary = await runPipeline({ run: 'r', settings: config, ports });
    expect(summary.stages.map((s) => s.name)).toEqual(['base', 'meta', 'round-1']);
    expect(store.models('r').map((m) => [m.name, m.ref.kind])).toEqual([
      ['base', 'embedded'],
      ['meta', 'embedded'],
      ['round-1', 'embedded'],
    ]);
    expect(store.getRun('r')!.status).toBe('finished');
    // The round's request counts its preference pairs (from the same stored samples).
    const round = JSON.parse(
      readFileSync(join(runDir, 'trainer', 'round-1', 'request.json'), 'utf8'),
    );
    expect(round.rows.dpo).toBe(roundPreferences(store.samples('r', 'round-1')).length);
    expect(round.rows.sft).toBeGreaterThan(0);
    store.close();
  });
});
