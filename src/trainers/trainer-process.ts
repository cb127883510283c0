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

/**
 * Runs the process to the end; rejects with TrainerError (or CancelledError) naming `trainer`,
 * its last output lines and the log file.
 */
export function runTrainerProcess(
  trainer: string,
  options: TrainerProcessOptions,
): Promise<TrainerProcessResult> {
  const tail: string[] = [];
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const keep = (line: string, stream: 'stdout' | 'stderr') => {
    log.write(`${stream === 'stderr' ? '! ' : ''}${line}\n`);
    tail.push(line.length > QUOTE ? `${line.slice(0, QUOTE)}…` : line);
    if (tail.length > TAIL) tail.shift();
  };
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
      new TrainerError(trainer, `${message} (log: ${options.logFile})`, [...tail]);
    const onAbort = () => stop(new CancelledError('training cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = options.timeoutMs
      ? setTimeout(
          () => stop(fail(`did not finish within ${options.timeoutMs! / 60000} minutes`)),
          options.timeoutMs,
        )
      : undefined;
    let lineNo = 0;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lineNo++;
      keep(line, 'stdout');
      if (failure || !line.trim()) return;
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        event = undefined;
      }
      if (typeof event !== 'object' || event === null || Array.isArray(event)) {
        stop(
          fail(
            `line ${lineNo} of its stdout is not a JSON object; print progress and the model as JSON lines (docs/trainers.md)`,
          ),
        );
        return;
      }
      try {
        options.onEvent(event as Record<string, unknown>);
      } catch (error) {
        stop(fail(error instanceof Error ? error.message : String(error)));
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => keep(line, 'stderr'));
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      log.end(() => (error ? reject(error) : resolve({ lastLines: [...tail] })));
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
