// Runs the CLI in process and captures what it prints: for tests of commands.
import { vi } from 'vitest';
import { main } from './main.js';

/** The exit code and everything written to stdout and stderr by `self-evolve <args>`. */
export async function captureCli(
  args: string[],
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
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
