// `self-evolve ui` as a user starts it: help with examples, 127.0.0.1 by default, a warning when
// --host exposes it without a key, and clear errors for conflicting or missing key options.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../../bin/self-evolve.js');
const runsDir = mkdtempSync(join(tmpdir(), 'ui-cli-'));

/** Starts `ui` and resolves with its first stderr line, then stops it with SIGINT. */
async function firstLine(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, 'ui', '--runs-dir', runsDir, '--port', '0', ...args],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    },
  );
  const lines = createInterface({ input: child.stderr! });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    child.kill('SIGINT');
    await new Promise((done) => child.once('exit', done));
  }
}

describe('self-evolve ui', () => {
  it('teaches itself in --help', () => {
    const help = spawnSync(process.execPath, [bin, 'ui', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n {2}self-evolve ui\n/);
    expect(help.stdout).toMatch(/--runs-dir <dir>/);
    expect(help.stdout).toMatch(/read-only/);
  });

  it('binds 127.0.0.1 by default and says where', async () => {
    expect(await firstLine([])).toMatch(
      /^self-evolve ui: http:\/\/127\.0\.0\.1:\d+\/ \(read-only view of .*runs\.db/,
    );
  });

  it('warns when --host exposes it without a key, not with one', async () => {
    expect(await firstLine(['--host', '0.0.0.0'])).toMatch(
      /^warning: --host 0\.0\.0\.0 lets anyone .* no key/,
    );
    const keyed = await firstLine(['--host', '0.0.0.0', '--api-key-env', 'UI_TEST_KEY'], {
      UI_TEST_KEY: 'k',
    });
    expect(keyed).toMatch(/^self-evolve ui: http:\/\/0\.0\.0\.0:\d+\/\?key=k /);
  });

  it('rejects conflicting or missing keys with exit code 2', () => {
    const both = spawnSync(process.execPath, [bin, 'ui', '--api-key', 'a', '--api-key-env', 'B'], {
      encoding: 'utf8',
    });
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--api-key or --api-key-env, not both/);
    const unset = spawnSync(process.execPath, [bin, 'ui', '--api-key-env', 'UI_UNSET_KEY_VAR'], {
      encoding: 'utf8',
      env: { ...process.env, UI_UNSET_KEY_VAR: '' },
    });
    expect(unset.status).toBe(2);
    expect(unset.stderr).toMatch(/UI_UNSET_KEY_VAR is not set/);
    const port = spawnSync(process.execPath, [bin, 'ui', '--port', 'http'], { encoding: 'utf8' });
    expect(port.status).toBe(2);
    expect(port.stderr).toMatch(/--port/);
  });
});
