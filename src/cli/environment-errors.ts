// Errors the environment causes (a full disk, a folder that is a file, a port in use, a closed
// pipe, a database that cannot be written) as one line that says what, where and what to do,
// instead of a stack trace. Used only by the CLI entry.

/** A Node.js system error, or a SQLite error from better-sqlite3. */
interface CodedError {
  readonly code?: string;
  readonly path?: string;
  readonly dest?: string;
  readonly syscall?: string;
  readonly port?: number;
  readonly address?: string;
  readonly message: string;
}

const USER_CAUSED = new Set([
  'ENOTDIR',
  'EISDIR',
  'ENOENT',
  'EACCES',
  'EPERM',
  'EROFS',
  'EEXIST',
  'EADDRINUSE',
  'EADDRNOTAVAIL',
]);

const WHAT: Record<string, [string, string]> = {
  ENOSPC: [
    'no space left on the device',
    'free some space (or use another folder), then run it again; a run continues with `self-evolve resume <run>`',
  ],
  EDQUOT: ['the disk quota is exhausted', 'free some space, then run it again'],
  ENOTDIR: ['a part of the path is a file, not a folder', 'give a folder path (e.g. --runs-dir)'],
  EISDIR: ['is a folder, not a file', 'give a file path'],
  ENOENT: ['no such file or folder', 'check the path'],
  EACCES: ['permission denied', 'check the permissions, or use another folder'],
  EPERM: ['operation not permitted', 'check the permissions, or use another folder'],
  EROFS: ['the file system is read-only', 'use a writable folder'],
  EEXIST: ['already exists', 'remove it or choose another path'],
  EMFILE: ['too many open files', 'raise the limit (ulimit -n) or lower the concurrency'],
  EADDRINUSE: ['the port is in use', 'pick another --port (0 picks a free one)'],
  EADDRNOTAVAIL: ['the address is not available on this machine', 'check --host'],
  SQLITE_READONLY: ['the run store cannot be written (read-only)', 'use a writable --runs-dir'],
  SQLITE_CANTOPEN: [
    'the run store cannot be opened',
    'check that --runs-dir is a folder you can write',
  ],
  SQLITE_FULL: [
    'no space left for the run store',
    'free some space, then `self-evolve resume <run>`',
  ],
  SQLITE_BUSY: [
    'the run store is locked by another process',
    'wait for it, or use another --runs-dir',
  ],
  SQLITE_CORRUPT: [
    'the run store is damaged',
    'restore runs.db from a copy, or use another --runs-dir',
  ],
  SQLITE_NOTADB: ['runs.db is not a SQLite database', 'use another --runs-dir'],
};

/** A one-line message, a hint and an exit code for an environment error; undefined for others. */
export function environmentError(
  error: unknown,
): { message: string; hint: string; exitCode: number } | undefined {
  const e = error as CodedError;
  if (typeof e !== 'object' || e === null || typeof e.code !== 'string') return undefined;
  const known = WHAT[e.code] ?? WHAT[e.code.replace(/_[A-Z]+$/, '')];
  if (!known) return undefined;
  const [what, hint] = known;
  const where =
    e.path ??
    (e.port !== undefined ? `${e.address ?? ''}:${e.port}` : undefined) ??
    (e.code.startsWith('SQLITE') ? undefined : e.syscall);
  return {
    message: `${where ? `${where}: ` : ''}${what} (${e.code})`,
    hint,
    exitCode: USER_CAUSED.has(e.code) ? 2 : 1,
  };
}

/** A closed stdout (`self-evolve runs | head`) ends the process quietly, as other tools do. */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}
