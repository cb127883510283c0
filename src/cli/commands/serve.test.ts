// `self-evolve serve` when its environment is wrong: a port out of range or already taken is one
// line naming the port and what to do, exit code 2, never a stack trace.
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-harness.js';

let taken: Server;
let port: number;

beforeAll(async () => {
  taken = createServer().listen(0, '127.0.0.1');
  await once(taken, 'listening');
  port = (taken.address() as { port: number }).port;
});

afterAll(() => {
  taken.close();
});

const serve = (...flags: string[]) => runCli(['serve', '--fixed-latency-benchmark', '1', ...flags]);

/** The CLI's answer: an `error:` line and a `hint:` line, nothing else. */
function expectTwoLines(err: string): string[] {
  const lines = err.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[1]).toMatch(/^hint: /);
  expect(err).not.toMatch(/\n\s+at /);
  return lines;
}

describe('serve reports a port it cannot use', () => {
  it('--port 99999: exit code 2 naming the flag and the range', async () => {
    const r = await serve('--port', '99999');
    expect(r.code).toBe(2);
    expect(r.err.trimEnd()).toBe(
      'error: field "--port": must be an integer from 0 to 65535, got "99999"',
    );
  });

  it('a port in use: exit code 2 naming the port and what to do', async () => {
    const r = await serve('--port', String(port));
    expect(r.code).toBe(2);
    const [error, hint] = expectTwoLines(r.err);
    expect(error).toBe(`error: cannot listen on 127.0.0.1:${port}: the port is already in use`);
    expect(hint).toMatch(/--port/);
  });

  it('a host that is not this machine: exit code 2 naming the host', async () => {
    const r = await serve('--port', '0', '--host', '192.0.2.1');
    expect(r.code).toBe(2);
    const [error, hint] = expectTwoLines(r.err);
    expect(error).toMatch(/192\.0\.2\.1 is not an address of this machine/);
    expect(hint).toMatch(/--host/);
  });
});
