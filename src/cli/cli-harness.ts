// For tests: runs the CLI in-process through its real entry point and captures what it writes.
import { vi } from 'vitest';
import { main } from './main.js';

/** Runs `self-evolve <argv>`; resolves to the exit code and the captured stdout and stderr. */
export async function runCli(
  argv: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    return { code: await main(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
