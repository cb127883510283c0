// Runs an external trainer process: every non-empty stdout line must be a JSON object (an event);
// stderr is free-form. All output goes to a log file and the last lines are kept for errors. A
// line that is not JSON, a non-zero exit, a timeout or a cancel stops the process.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { CancelledError, TrainerError } from '../spec/errors.js';

export interface TrainerProcessOptions {
  /** argv: the program, then its arguments (no shell). */
  readonly argv: readonly string[];
  readonly cwd?: string;
  /** Added to the environment of this process. */
  readonly env?: Readonly<Record<string, string>>;
  /** Every line of stdout and stderr is appended here. */
  readonly logFile: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Each JSON object printed on stdout; throwing stops the process, its message in the error. */
  readonly onEvent: (event: Record<string, unknown>) => void;
}

/** A finished run: the last lines it wrote (for errors found after it ended). */
export interface TrainerProcessResult {
  readonly lastLines: readonly string[];
}

/** Lines kept for error messages. */
const TAIL = 20;
/** Longest line quoted in an error. */
const QUOTE = 240;

/** The output kept for errors (last lines) and written to the log file (everything). */
class OutputTail {
  readonly lines: string[] = [];
  private readonly log;

  constructor(file: string) {
    this.log = createWriteStream(file, { flags: 'a' });
  }

  keep(line: string, stream: 'stdout' | 'stderr'): void {
    this.log.write(`${stream === 'stderr' ? '! ' : ''}${line}\n`);
    this.lines.push(line.length > QUOTE ? `${line.slice(0, QUOTE)}…` : line);
    if (this.lines.length > TAIL) this.lines.shift();
  }

  close(done: () => void): void {
    this.log.end(done);
  }
}

/** A stdout line as an event object, or undefined when it is not a JSON object. */
function eventOf(line: string): Record<string, unknown> | undefined {
  try {
    const event: unknown = JSON.parse(line);
    return typeof event === 'object' && event !== null && !Array.isArray(event)
      ? (event as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs the process to the end; rejects with TrainerError (or CancelledError) naming `trainer`,
 * its last output lines and the log file.
 */
export function runTrainerProcess(
  trainer: string,
  options: TrainerProcessOptions,
): Promise<TrainerProcessResult> {
  const tail = new OutputTail(options.logFile);
  return new Promise<TrainerProcessResult>((resolve, reject) => {
    let failure: Error | undefined;
    const child = spawn(options.argv[0], options.argv.slice(1), {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stop = (error: Error) => {
      failure ??= error;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    };
    const fail = (message: string) =>
      new TrainerError(trainer, `${message} (log: ${options.logFile})`, [...tail.lines]);
    const onAbort = () => stop(new CancelledError('training cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const minutes = (options.timeoutMs ?? 0) / 60000;
    const timer = options.timeoutMs
      ? setTimeout(() => stop(fail(`did not finish within ${minutes} minutes`)), options.timeoutMs)
      : undefined;
    let lineNo = 0;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lineNo++;
      tail.keep(line, 'stdout');
      if (failure || !line.trim()) return;
      const event = eventOf(line);
      if (!event) {
        const what = 'print progress and the model as JSON lines (docs/trainers.md)';
        return stop(fail(`line ${lineNo} of its stdout is not a JSON object; ${what}`));
      }
      try {
        options.onEvent(event);
      } catch (error) {
        stop(fail(error instanceof Error ? error.message : String(error)));
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => tail.keep(line, 'stderr'));
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      tail.close(() => (error ? reject(error) : resolve({ lastLines: [...tail.lines] })));
    };
    child.on('error', (error) => {
      failure ??= fail(`cannot start "${options.argv[0]}": ${error.message}`);
      if (child.pid === undefined) finish(failure);
    });
    child.on('close', (code, signal) => {
      if (failure) return finish(failure);
      if (signal) return finish(fail(`was killed by ${signal}`));
      if (code !== 0) return finish(fail(`exited with code ${code}`));
      finish();
    });
  });
}
