// The defects a tester found on the CLI side, each pinned by a test: --force deleting outside the
// runs dir, two processes on one run, litter left by killed writers, an export interrupted and
// re-run, environment errors as stack traces, sizes that ran the process out of memory, silent
// degradation (characters outside the alphabet, bytes that are not UTF-8), a prompt longer than
// the context aborting an evaluation, and progress written into logs as terminal frames.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStaleTemps, writeFileAtomic } from '../files/atomic-write.js';
import { TINY_CONFIG } from '../testing/test-configs.js';
import { ProgressBar } from './progress.js';

const bin = join(import.meta.dirname, '../../bin/self-evolve.js');
const dir = mkdtempSync(join(tmpdir(), 'hardening-'));
const runs = join(dir, 'runs');
const tiny = join(dir, 'tiny.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], options: { input?: string } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, ...options });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const oneLine = (err: string) => {
  expect(err).toMatch(/^error: /);
  expect(err).not.toMatch(/internal error|\n\s+at |Error: .*\n.*node:/);
};

beforeAll(() => {
  writeFileSync(
    tiny,
    JSON.stringify({ ...TINY_CONFIG, evolve: { ...TINY_CONFIG.evolve, rounds: 0 } }),
  );
  const r = cli(['run', '--config', tiny, '--runs-dir', runs, '--json']);
  expect(r.code, r.err).toBe(0);
}, 120_000);

describe('deleting only what the user named', () => {
  it('--force on a copied runs dir replaces the copy, never the folder the store remembers', () => {
    const copy = join(dir, 'runs2');
    cpSync(runs, copy, { recursive: true });
    const before = readdirSync(join(runs, 'tiny', 'models')).sort();
    const r = cli(['run', '--config', tiny, '--runs-dir', copy, '--force', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(join(runs, 'tiny', 'models')).sort()).toEqual(before);
    expect(JSON.parse(cli(['runs', 'show', 'tiny', '--runs-dir', copy, '--json']).out).dir).toBe(
      join(copy, 'tiny'),
    );
  }, 120_000);
});

describe('one process per run', () => {
  it('refuses a second process on a run in use, naming the pid; a killed holder is taken over', async () => {
    const child: ChildProcess = spawn(
      process.execPath,
      [bin, 'run', '--config', tiny, '--runs-dir', runs, '--name', 'locked', '--json'],
      { cwd: dir, stdio: 'ignore' },
    );
    const lock = join(runs, 'locked', '.lock');
    for (let i = 0; i < 2000 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(lock)).toBe(true);
    const second = cli(['resume', 'locked', '--runs-dir', runs]);
    expect(second.code).toBe(2);
    expect(second.err).toMatch(new RegExp(`error: run locked is in use by pid ${child.pid} `));
    const forced = cli([
      'run',
      '--config',
      tiny,
      '--runs-dir',
      runs,
      '--name',
      'locked',
      '--force',
    ]);
    expect(forced.code).toBe(2);
    expect(forced.err).toMatch(/is in use by pid/);
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    const resumed = cli(['resume', 'locked', '--runs-dir', runs, '--json']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(existsSync(lock)).toBe(false);
  }, 120_000);
});

describe('litter', () => {
  it('removes temp files and folders that dead writers left, and keeps live ones', () => {
    const litter = join(dir, 'litter');
    mkdirSync(join(litter, '.round-1.tmp-999999-0123abcd'), { recursive: true });
    writeFileSync(join(litter, '.data.jsonl.tmp-999998-89abcdef'), 'partial');
    writeFileSync(join(litter, `.mine.tmp-${process.pid}-00000000`), 'in progress');
    writeFileSync(join(litter, 'keep.jsonl'), 'x');
    expect(removeStaleTemps(litter).sort()).toEqual([
      '.data.jsonl.tmp-999998-89abcdef',
      '.round-1.tmp-999999-0123abcd',
    ]);
    expect(readdirSync(litter).sort()).toEqual([`.mine.tmp-${process.pid}-00000000`, 'keep.jsonl']);
    // A write removes the dead temps of its own target first.
    writeFileSync(join(litter, '.out.jsonl.tmp-999997-aaaaaaaa'), 'partial');
    writeFileAtomic(join(litter, 'out.jsonl'), 'whole\n');
    expect(readdirSync(litter)).not.toContain('.out.jsonl.tmp-999997-aaaaaaaa');
  });

  it('a resumed run clears the checkpoint folders a killed training left', () => {
    const stale = join(runs, 'tiny', 'models', '.meta.tmp-999999-deadbeef');
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'model.safetensors'), Buffer.alloc(1024));
    // A finished run resumes as a no-op; an unfinished one would clean up too, at its start.
    cli(['runs', 'show', 'tiny', '--runs-dir', runs]);
    const r = cli([
      'run',
      '--config',
      tiny,
      '--runs-dir',
      runs,
      '--name',
      'tiny',
      '--force',
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(stale)).toBe(false);
  }, 120_000);

  it('an interrupted export is finished by running it again, without --force', () => {
    const out = join(dir, 'export');
    expect(cli(['export', 'tiny', '--runs-dir', runs, '--out', out]).code).toBe(0);
    rmSync(join(out, 'episodes.jsonl'));
    const again = cli(['export', 'tiny', '--runs-dir', runs, '--out', out, '--json']);
    expect(again.code, again.err).toBe(0);
    expect(existsSync(join(out, 'episodes.jsonl'))).toBe(true);
    writeFileSync(join(out, 'chat.jsonl'), 'edited by hand\n');
    const refused = cli(['export', 'tiny', '--runs-dir', runs, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/chat\.jsonl: already exists/);
  });
});

describe('environment errors', () => {
  it('a runs dir that is a file, and a closed pipe', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const r = cli(['runs', '--runs-dir', file]);
    expect(r.code).toBe(2);
    oneLine(r.err);
    expect(r.err).toMatch(/field "--runs-dir": .*a-file is a file, not a folder/);
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" runs --help | head -1`], {
      encoding: 'utf8',
    });
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe('');
    const gen = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" "${bin}" data gen --n 100000 | head -1`],
      { encoding: 'utf8' },
    );
    expect(gen.stderr).toBe('');
    expect(gen.stdout.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('sizes', () => {
  it('refuses steps, counts and sizes beyond their limits before allocating anything', () => {
    for (const [args, message] of [
      [
        ['train', '--data', tiny, '--out', join(dir, 'x'), '--steps', '1000000000'],
        /field "--steps": must be an integer from 1 to 1000000/,
      ],
      [
        ['eval', '--run', 'tiny', '--runs-dir', runs, '--n', '1000000000000'],
        /field "--n": must be an integer from 0 to 10000000/,
      ],
      [['data', 'gen', '--n', '1e12'], /field "--n"/],
    ] as const) {
      const r = cli([...args]);
      expect(r.code, r.err).toBe(2);
      oneLine(r.err);
      expect(r.err).toMatch(message);
    }
  });
});

describe('silent degradation', () => {
  it('warns about characters outside the alphabet, once, naming them', () => {
    const data = join(dir, 'accents.jsonl');
    writeFileSync(
      data,
      `${JSON.stringify({ prompt: 'Solve for x: 2*x + 1 = 5 é', answer: 2 })}\n`.repeat(3),
    );
    const r = cli([
      'eval',
      '--run',
      'tiny',
      '--runs-dir',
      runs,
      '--data',
      data,
      '--refine',
      '0',
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.err.match(/outside the model's alphabet/g)).toHaveLength(1);
    expect(r.err).toMatch(/1 character outside the model's alphabet \("é"\)/);
  });

  it('refuses bytes that are not UTF-8, with their line', () => {
    const data = join(dir, 'latin1.jsonl');
    writeFileSync(
      data,
      Buffer.concat([
        Buffer.from('{"prompt": "a", "response": "b"}\n{"prompt": "caf'),
        Buffer.from([0xe9]),
        Buffer.from('", "response": "x"}\n'),
      ]),
    );
    const r = cli(['train', '--data', data, '--out', join(dir, 'never')]);
    expect(r.code).toBe(2);
    oneLine(r.err);
    expect(r.err).toMatch(/latin1\.jsonl:2: is not valid UTF-8/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('counts a prompt longer than the context as a failed problem, named by file:line', () => {
    const data = join(dir, 'long.jsonl');
    const long = `Solve for x: 2*x + 1 = 5 ${'0'.repeat(400)}`;
    const rows = [
      { prompt: 'Solve for x: 2*x + 1 = 5', answer: 2 },
      { prompt: long, answer: 2 },
      { prompt: 'Solve for x: 3*x = 9', answer: 3 },
    ];
    writeFileSync(data, rows.map((r) => JSON.stringify(r)).join('\n'));
    const ok = cli(['eval', '--run', 'tiny', '--runs-dir', runs, '--data', data, '--json']);
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ n: 3, errors: 1 });
    const strict = cli([
      'eval',
      '--run',
      'tiny',
      '--runs-dir',
      runs,
      '--data',
      data,
      '--max-errors',
      '0',
    ]);
    expect(strict.code).toBe(2);
    oneLine(strict.err);
    expect(strict.err).toMatch(
      /problem long\.jsonl:2: the episode is \d+ tokens, longer than the model's context of 256/,
    );
  });
});

describe('progress in logs', () => {
  it('writes plain lines, no carriage-return frames, when stderr is not a terminal', () => {
    let text = '';
    const stream = {
      isTTY: false,
      write: (s: string) => (text += s),
    } as unknown as NodeJS.WriteStream;
    const bar = new ProgressBar({ label: 'train', total: 1000, stream });
    for (let i = 1; i < 1000; i++) bar.update(i, `loss ${i}`);
    bar.finish();
    expect(text).not.toContain('\r');
    expect(text.trim().split('\n').length).toBeLessThanOrEqual(3);
  });
});
