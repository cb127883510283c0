// One process per run: an exclusive lock file in the run's folder, holding the owner's pid. A
// second `run`, `resume` or `--force` on the same run is refused with the pid that holds it; a
// lock whose process is gone (a killed run) is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../files/atomic-write.js';
import { SelfEvolveError } from '../spec/errors.js';

/** The run is being worked on by another process. */
export class RunInUseError extends SelfEvolveError {
  constructor(
    readonly run: string,
    readonly pid: number,
    since: string,
  ) {
    super('run_in_use', `run ${run} is in use by pid ${pid} (since ${since})`, {
      isUserError: true,
      hint: 'wait for that process to finish or stop it (Ctrl-C); a lock left by a killed process is taken over',
    });
  }
}

const LOCK = '.lock';

interface LockContent {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** The holder of the run's lock, when a live process holds it (a stale lock counts as none). */
export function lockHolder(runDir: string): LockContent | undefined {
  let content: LockContent;
  try {
    content = JSON.parse(readFileSync(join(runDir, LOCK), 'utf8')) as LockContent;
  } catch {
    return undefined;
  }
  if (content.host !== hostname()) return content;
  return content.pid !== process.pid && processAlive(content.pid) ? content : undefined;
}

/** Takes the run's lock, or throws RunInUseError; the returned function releases it. */
export function lockRun(run: string, runDir: string): () => void {
  const path = join(runDir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = lockHolder(runDir);
      if (holder) throw new RunInUseError(run, holder.pid, holder.since);
      rmSync(path, { force: true });
      continue;
    }
    const content: LockContent = {
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
    };
    writeSync(fd, JSON.stringify(content));
    closeSync(fd);
    const release = () => {
      process.off('exit', release);
      try {
        const now = JSON.parse(readFileSync(path, 'utf8')) as LockContent;
        if (now.pid === process.pid) rmSync(path, { force: true });
      } catch {
        // Already gone.
      }
    };
    process.on('exit', release);
    return release;
  }
  throw new RunInUseError(run, -1, 'just now');
}
