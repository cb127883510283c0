// The CLI's bad-input suite: one table of mistakes a user makes (flags, configs, data files,
// checkpoints, GGUF files), each answered with a one-line message that names what was wrong and
// where, exit code 2, no stack trace, and nothing existing changed (the runs and fixtures are
// fingerprinted before and after every case). The server's own suite is src/server.
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedTrainer, NEW_MODEL_ID } from '../engine/index.js';
import { openRunStore } from '../runtime/run-session.js';
import { TINY_CONFIG } from '../testing/test-configs.js';
import { runCli } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'bad-input-'));
const runs = join(dir, 'runs');
const f = (name: string, content: string | Buffer | object) => {
  const path = join(dir, name);
  writeFileSync(
    path,
    typeof content === 'object' && !Buffer.isBuffer(content)
      ? JSON.stringify(content, null, 2)
      : content,
  );
  return path;
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything the cases could change: every file's size and digest, and the store's rows. */
function fingerprint(): string {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!/runs\.db-(wal|shm)$|runs\.db$/.test(name))
        files.push(`${path} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
    }
  };
  walk(dir);
  const store = openRunStore(runs, { readonly: true });
  const rows = store
    .listRuns()
    .map(
      (r) => `${r.name} ${r.status} ${store.samples(r.name).length} ${store.models(r.name).length}`,
    );
  store.close();
  return [...files, ...rows].join('\n');
}

beforeAll(async () => {
  f('tiny.json', TINY_CONFIG);
  const made = await runCli([
    'run',
    '--config',
    join(dir, 'tiny.json'),
    '--runs-dir',
    runs,
    '--json',
  ]);
  expect(made.code, made.err).toBe(0);
  const engine = new EmbeddedTrainer({ outputDir: dir, kernels: 'js' });
  const m = await engine.open(
    {
      kind: 'embedded',
      id: NEW_MODEL_ID,
      meta: { config: { dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, contextLength: 32 } },
    },
    1,
    [],
  );
  await m.save(join(dir, 'ckpt'));
  m.dispose();
  await engine.close();
  mkdirSync(join(dir, 'broken-ckpt'));
  writeFileSync(
    join(dir, 'broken-ckpt', 'config.json'),
    readFileSync(join(dir, 'ckpt', 'config.json')),
  );
  writeFileSync(
    join(dir, 'broken-ckpt', 'tokenizer.json'),
    readFileSync(join(dir, 'ckpt', 'tokenizer.json')),
  );
  writeFileSync(
    join(dir, 'broken-ckpt', 'model.safetensors'),
    readFileSync(join(dir, 'ckpt', 'model.safetensors')).subarray(0, 100),
  );
  f('garbage.gguf', 'GGUF but not really');
  f('examples.jsonl', '{"prompt": "a", "response": "b"}\n');
  f('existing.jsonl', 'kept as it is\n');
  mkdirSync(join(dir, 'existing-dir'));
  f('bad-syntax.json', '{\n  "seed": 1,\n}\n');
  f('unknown-field.json', { evolve: { round: 2 } });
  f('old-model.json', { model: { kind: 'embedded', id: 'new' } });
  f('missing-module.json', { task: { module: 'nowhere.mjs' } });
  f('no-capture.json', { task: { answer: { kind: 'regex', pattern: 'answer: \\d+' } } });
  f('bad-kind.json', { models: { student: { kind: 'vllm', url: 'x' } } });
  f('bad-url.json', {
    models: { student: { kind: 'openai-compatible', baseURL: 'localhost:8000', model: 'm' } },
  });
  f('inline-key.json', {
    models: {
      t: {
        kind: 'openai-compatible',
        baseURL: 'http://127.0.0.1:1/v1',
        model: 'm',
        apiKey: 'sk-x',
      },
    },
  });
  f('bad-shape.json', { config: { dModel: -5 } });
  f('other-seed.json', { ...TINY_CONFIG, seed: 99 });
  f('proposing.json', { ...TINY_CONFIG, evolve: { ...TINY_CONFIG.evolve, propose: {} } });
  f('propose-by-checker.json', {
    ...TINY_CONFIG,
    evolve: { ...TINY_CONFIG.evolve, propose: { by: 'teacher' } },
  });
  f(
    'latin1.jsonl',
    Buffer.concat([
      Buffer.from('{"prompt": "caf'),
      Buffer.from([0xe9]),
      Buffer.from('", "answer": 1}\n'),
    ]),
  );
  f('no-prompt.jsonl', '{"question": "q", "answer": 1}\n');
  f('dmeta-extra.jsonl', '{"prompt": "p", "response": "r", "feedback": "f", "critic": "x"}\n');
  f('preds.jsonl', '{"index": 999999, "completion": "1"}\n');
  f('not-json.jsonl', '{"prompt": "a", "answer": 1}\n{oops\n');
  mkdirSync(join(dir, 'export-out'));
  f('export-out/chat.jsonl', 'written by hand\n');
  f('models.json', { models: { m: { kind: 'embedded', checkpoint: 'ckpt' } } });
}, 180_000);

const R = (...args: string[]) => args;
const withRuns = (...args: string[]) => [...args, '--runs-dir', runs];
const at = (name: string) => join(dir, name);

/** [arguments, what the one-line error says]. */
const CASES: [string[], RegExp][] = [
  // Commands and flags.
  [R('frobnicate'), /unknown command|error: /],
  [
    withRuns('run', '--config', at('nowhere.json')),
    /nowhere\.json: cannot read the config: .*no such file/i,
  ],
  [withRuns('run', '--config', at('bad-syntax.json')), /bad-syntax\.json:3: not valid JSON/],
  [
    withRuns('run', '--config', at('unknown-field.json')),
    /unknown-field\.json:3 field "evolve\.round": unknown field/,
  ],
  [
    withRuns('run', '--config', at('old-model.json')),
    /old-model\.json:2 field "model": this field moved/,
  ],
  [withRuns('run', '--preset', 'huge'), /argument 'huge' is invalid|unknown preset/],
  [
    withRuns('run', '--name', 'bad name', '--config', at('tiny.json')),
    /run name "bad name" is not allowed/,
  ],
  [
    withRuns('run', '--seed', '-1', '--config', at('tiny.json')),
    /field "--seed": must be an integer/,
  ],
  [withRuns('run', '--config', at('tiny.json')), /run "tiny" already exists \(finished\)/],
  [
    withRuns('run', '--fork', 'nope', '--config', at('tiny.json'), '--name', 'f1'),
    /no run named "nope"/,
  ],
  [
    withRuns('run', '--fork', 'tiny', '--config', at('other-seed.json'), '--name', 'f2'),
    /differs from run "tiny"'s in seed/,
  ],
  [
    withRuns('run', '--fork', 'tiny', '--config', at('proposing.json'), '--name', 'f3'),
    /differs from run "tiny"'s in evolve\.propose \(metaExamples/,
  ],
  [
    withRuns('run', '--config', at('propose-by-checker.json')),
    /field "evolve\.propose\.by": proposing by the teacher needs the teacher as a model/,
  ],
  [withRuns('demo', '--seed', 'abc'), /field "--seed": must be an integer/],
  [withRuns('demo', '--task', 'nope', '--quick'), /field "--task": no quick demo of task "nope"/],
  [withRuns('resume', 'nope'), /no run named "nope"/],
  [
    withRuns('resume', 'tiny', '--max-cost-usd', 'abc'),
    /field "--max-cost-usd": must be a positive number/,
  ],
  [withRuns('runs', 'show', 'nope'), /no run named "nope"/],
  [R('runs', 'show', 'tiny', '--runs-dir', at('no-runs-here')), /no run store in .*no-runs-here/],
  [withRuns('export', 'nope'), /no run named "nope"/],
  [
    withRuns('export', 'tiny', '--out', at('export-out')),
    /export-out\/chat\.jsonl: already exists/,
  ],
  [
    withRuns('ablate', '--arms', 'magic', '--config', at('tiny.json')),
    /field "--arms": unknown arm "magic"/,
  ],
  [
    withRuns('ablate', '--seeds', 'one', '--config', at('tiny.json')),
    /field "--seeds": must be an integer/,
  ],
  // Configs.
  [
    withRuns('run', '--config', at('missing-module.json'), '--name', 'm1'),
    /no such file: .*nowhere\.mjs|field "task\.module"/,
  ],
  [
    withRuns('run', '--config', at('no-capture.json'), '--name', 'm2'),
    /no-capture\.json:5 field "task\.answer\.pattern": needs a capture group/,
  ],
  [
    withRuns('run', '--config', at('bad-kind.json'), '--name', 'm3'),
    /bad-kind\.json:4 field "models\.student\.kind": unknown model kind "vllm"/,
  ],
  [
    withRuns('run', '--config', at('bad-url.json'), '--name', 'm4'),
    /bad-url\.json:5 field "models\.student\.baseURL"/,
  ],
  [
    withRuns('run', '--config', at('inline-key.json'), '--name', 'm5'),
    /field "models\.t\.apiKey": secrets are read from environment variables only/,
  ],
  // Evaluation and asking.
  [withRuns('eval'), /field "--run": is required/],
  [withRuns('eval', '--model', 'm'), /field "--config": is required with --model/],
  [withRuns('eval', '--run', 'nope'), /no run named "nope"/],
  [withRuns('eval', '--run', 'tiny', '--stage', 'round-9'), /run "tiny" has no model "round-9"/],
  [withRuns('eval', '--run', 'tiny', '--refine', '-1'), /field "--refine": must be an integer/],
  [
    withRuns('eval', '--run', 'tiny', '--data', at('nowhere.jsonl')),
    /field "--data": no such file/,
  ],
  [
    withRuns('eval', '--run', 'tiny', '--data', at('no-prompt.jsonl')),
    /no-prompt\.jsonl:1 field "prompt": has no field "prompt"/,
  ],
  [
    withRuns('eval', '--run', 'tiny', '--data', at('not-json.jsonl')),
    /not-json\.jsonl:2: not valid JSON/,
  ],
  [
    withRuns('eval', '--run', 'tiny', '--data', at('latin1.jsonl')),
    /latin1\.jsonl:1: is not valid UTF-8/,
  ],
  [withRuns('eval', '--run', 'tiny', '--task', 'gsm9k'), /unknown task "gsm9k"/],
  [
    withRuns(
      'eval',
      '--task',
      'gsm8k',
      '--model',
      'm',
      '--config',
      at('models.json'),
      '--format',
      'xml',
    ),
    /field "--format": unknown prompt format "xml"/,
  ],
  [
    withRuns(
      'eval',
      '--task',
      'gsm8k',
      '--model',
      'm',
      '--config',
      at('models.json'),
      '--shots',
      '3',
    ),
    /field "--shots": few-shot examples need --format lm-eval/,
  ],
  [
    withRuns('eval', '--task', 'gsm8k', '--model', 'nope', '--config', at('models.json')),
    /field "--model": no model named "nope" in the config/,
  ],
  [
    withRuns('ask', '--run', 'tiny', '--refine', 'x', 'Solve for x: 2*x = 4'),
    /field "--refine": must be an integer/,
  ],
  [withRuns('ask', '--run', 'nope', 'Solve for x: 2*x = 4'), /no run named "nope"/],
  // Data.
  [R('data', 'gen', '--task', 'gsm8k', '--n', '3'), /task "gsm8k" has no generator/],
  [R('data', 'gen', '--n', '-3'), /field "--n": must be an integer/],
  [R('data', 'gen', '--n', '3', '--out', at('existing.jsonl')), /existing\.jsonl: already exists/],
  [
    R('data', 'gen', '--out-dir', at('d'), '--preset', 'huge'),
    /field "--preset": unknown preset "huge"/,
  ],
  [R('score', '--task', 'gsm8k', '--predictions', at('nowhere.jsonl')), /cannot read predictions/],
  [
    R('score', '--task', 'gsm8k', '--predictions', at('preds.jsonl')),
    /preds\.jsonl:1 field "index": must be an integer from 0 to 1318/,
  ],
  // Training files and checkpoints.
  [
    R('train', '--data', at('nowhere.jsonl'), '--out', at('t1')),
    /nowhere\.jsonl: cannot read the training file: no such file/,
  ],
  [
    R('train', '--data', at('dmeta-extra.jsonl'), '--out', at('t2')),
    /dmeta-extra\.jsonl:1 field "critic": unknown field/,
  ],
  [
    R('train', '--data', at('examples.jsonl'), '--out', at('t3'), '--lr', '0'),
    /field "--lr": must be a number in \(0, 10\]/,
  ],
  [
    R('train', '--data', at('examples.jsonl'), '--out', at('t4'), '--tokenizer', 'words'),
    /field "--tokenizer": must be byte or char/,
  ],
  [
    R('train', '--data', at('examples.jsonl'), '--out', at('existing-dir')),
    /existing-dir already exists/,
  ],
  [
    R('train', '--data', at('examples.jsonl'), '--out', at('t5'), '--from', at('existing-dir')),
    /existing-dir: not a checkpoint directory \(it has no config\.json\)/,
  ],
  [R('sample', at('broken-ckpt'), 'x'), /broken-ckpt.*model\.safetensors|broken-ckpt/],
  [R('sample', at('existing-dir'), 'x'), /existing-dir/],
  [R('model', 'new', '--out', at('existing-dir')), /existing-dir already exists/],
  [
    R('model', 'new', '--out', at('m1'), '--shape', at('nowhere.json')),
    /nowhere\.json: cannot read/,
  ],
  [
    R('model', 'new', '--out', at('m2'), '--shape', f('shape.json', { config: { dModel: -5 } })),
    /shape\.json:3 field "config\.dModel"/,
  ],
  [R('gguf', 'export', at('broken-ckpt'), '-o', at('x.gguf')), /broken-ckpt/],
  [R('gguf', 'sample', at('garbage.gguf'), '-p', 'x'), /garbage\.gguf/],
  // Serving.
  [R('serve'), /nothing to serve/],
  [R('serve', '--model', at('existing-dir')), /existing-dir is not an embedded checkpoint/],
  [
    R('serve', '--model', at('ckpt'), '--api-key-env', 'SELF_EVOLVE_TEST_UNSET_KEY'),
    /environment variable SELF_EVOLVE_TEST_UNSET_KEY is not set/,
  ],
];

describe('bad input, on the command line', () => {
  it(`answers ${CASES.length} mistakes with one line naming what and where, exit 2, nothing changed`, async () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    const problems: string[] = [];
    for (const [args, message] of CASES) {
      const before = fingerprint();
      const r = await runCli(args);
      const what = args.join(' ').replaceAll(dir, '<dir>');
      const lines = r.err
        .split('\n')
        .filter((l) => l && !l.startsWith('hint: ') && !l.startsWith('('));
      const wrong = [
        r.code !== 2 && `exit code ${r.code}`,
        !message.test(r.err) && `message does not match ${message}`,
        !r.err.startsWith('error: ') && 'does not start with "error: "',
        /internal error|\n\s+at \S+ \(|node:internal/.test(r.err) && 'a stack trace',
        lines.length > 2 && `${lines.length} lines`,
        fingerprint() !== before && 'changed files or runs',
      ].filter(Boolean);
      if (wrong.length)
        problems.push(
          `${what}: ${wrong.join(', ')}\n    ${r.err.replaceAll(dir, '<dir>').trim().replaceAll('\n', '\n    ')}`,
        );
    }
    expect(problems).toEqual([]);
  }, 240_000);
});
