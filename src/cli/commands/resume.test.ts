// Crash and resume for real: the CLI is spawned on a tiny config and SIGKILLed at three moments
// (mid evaluation, mid training, mid self-evolution round), resumed each time, and must end with
// exactly the samples and results of an uninterrupted run with the same seed.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../config/run-config.js';
import { TINY_CONFIG } from '../../testing/test-configs.js';

const bin = join(import.meta.dirname, '../../../bin/self-evolve.js');
const dir = mkdtempSync(join(tmpdir(), 'resume-'));
const runsDir = join(dir, 'runs');
const configFile = join(dir, 'tiny.json');
writeFileSync(configFile, JSON.stringify(TINY_CONFIG, null, 2));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args, '--runs-dir', runsDir], {
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Probe = (db: Database.Database) => boolean;
const count = (db: Database.Database, sql: string) => (db.prepare(sql).get() as { n: number }).n;

/** Spawns the CLI and SIGKILLs it as soon as `probe` holds on the store; resolves once it died. */
async function killWhen(args: string[], probe: Probe): Promise<void> {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args, '--runs-dir', runsDir], {
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  let db: Database.Database | undefined;
  for (let i = 0; i < 30_000 && child.exitCode === null; i++) {
    try {
      db ??= new Database(join(runsDir, 'runs.db'), { readonly: true, fileMustExist: true });
      if (probe(db)) {
        child.kill('SIGKILL');
        break;
      }
    } catch {
      // The store is not created yet, or is busy: look again.
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  db?.close();
  expect(await exited).toBe('SIGKILL');
}

function results(run: string) {
  const db = new Database(join(runsDir, 'runs.db'), { readonly: true });
  const samples = db
    .prepare(
      'SELECT stage, chunk, idx, prompt, response, attempts, kept, reason, seed, tokens FROM samples WHERE run = ? ORDER BY stage, chunk, idx',
    )
    .all(run);
  db.close();
  return samples;
}

const withoutTime = (json: string) => {
  const s = JSON.parse(json);
  return { stages: s.stages.map(({ seconds: _, ...rest }: { seconds: number }) => rest) };
};

describe('crash and resume (CLI, real engine, tiny config)', () => {
  it('SIGKILL at three moments, then resume: same samples and results as an uninterrupted run', async () => {
    const reference = cli(['run', '--config', configFile, '--name', 'ref', '--json']);
    expect(reference.code, reference.stderr).toBe(0);

    const evalChunks = "SELECT count(*) AS n FROM chunks WHERE run = 'k' AND stage = 'eval:base'";
    await killWhen(
      ['run', '--config', configFile, '--name', 'k', '--json'],
      (db) => count(db, evalChunks) >= 1,
    );
    const metaChunks = Math.ceil(
      parseRunConfig(TINY_CONFIG).meta.prompts / parseRunConfig(TINY_CONFIG).generation.chunk,
    );
    await killWhen(
      ['resume', 'k', '--json'],
      (db) =>
        count(db, "SELECT count(*) AS n FROM chunks WHERE run = 'k' AND stage = 'meta'") ===
          metaChunks &&
        count(db, "SELECT count(*) AS n FROM models WHERE run = 'k' AND name = 'meta'") === 0,
    );
    await killWhen(
      ['resume', 'k', '--json'],
      (db) =>
        count(db, "SELECT count(*) AS n FROM chunks WHERE run = 'k' AND stage = 'round-1'") >= 1,
    );
    const resumed = cli(['resume', 'k', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);

    expect(withoutTime(resumed.stdout)).toEqual(withoutTime(reference.stdout));
    const a = results('ref');
    expect(results('k')).toEqual(a);
    expect(a.length).toBeGreaterThan(0);

    const again = cli(['resume', 'k']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already finished/);
    const clash = cli(['run', '--config', configFile, '--name', 'k']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/run "k" already exists/);
  });
});
