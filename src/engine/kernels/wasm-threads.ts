// Runs kernel ops on the main thread plus worker threads that share one WebAssembly.Memory, with
// no message per op. The main thread writes the op and its arguments to the control page, opens
// it for joining (JOIN) and publishes its generation (GEN, Atomics.notify). Idle workers spin
// briefly, then sleep in Atomics.wait; a woken worker joins by compare-exchange on JOIN while the
// op is open. Every participant calls the same export, which takes work chunks from an atomic
// counter until none are left. When the main thread runs out of chunks it closes JOIN and waits
// (Atomics.wait) only for the workers that joined: a worker the OS has not scheduled yet is never
// waited for, it finds the op closed and goes back to sleep. So ops stay fast on a busy machine.
import { Worker } from 'node:worker_threads';
import { SelfEvolveError } from '../../spec/errors.js';
import type { WasmInstance, WasmMemory, WasmModule } from './wasm-api.js';
import { ARGS_BYTE, CTRL, JOIN_CLOSED, MAX_ARGS, WORKER_SOURCE } from './wasm-worker-source.js';

/** How long an idle thread spins before sleeping: ops come in bursts during training. */
const DEFAULT_SPIN_MICROS = 100;
/** A worker silent this long is taken as dead rather than waited for forever. */
const WORKER_TIMEOUT_MS = 120_000;

// biome-ignore lint/suspicious/noExplicitAny: wasm exports are called with numbers of any arity
type WasmFunction = (...args: number[]) => any;

export interface ThreadPoolOptions {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  /** The main thread's instance. */
  readonly instance: WasmInstance;
  /** Export names callable as ops, in op-index order. */
  readonly names: readonly string[];
  /** Total threads including the main one (≥ 1). */
  readonly threads: number;
  readonly spinMicros?: number;
}

/** The main thread's side of the pool: op dispatch and the worker lifecycle. */
export class ThreadPool {
  readonly threads: number;
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly fns: WasmFunction[];
  private readonly workers: Worker[];
  private readonly spinMicros: number;
  private disposed = false;
  private generation = 0;

  private constructor(options: ThreadPoolOptions, workers: Worker[]) {
    const buffer = options.memory.buffer;
    this.threads = workers.length + 1;
    this.ctl = new Int32Array(buffer, 0, 512);
    this.args = new Float64Array(buffer, ARGS_BYTE, MAX_ARGS);
    const exports = options.instance.exports as Record<string, WasmFunction>;
    this.fns = options.names.map((name) => exports[name]);
    this.workers = workers;
    this.spinMicros = options.spinMicros ?? DEFAULT_SPIN_MICROS;
  }

  /** Starts threads − 1 workers and waits until each has instantiated the module. */
  static async start(options: ThreadPoolOptions): Promise<ThreadPool> {
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let index = 1; index < options.threads; index++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: options.module,
          memory: options.memory,
          index,
          names: options.names,
          spinMicros: options.spinMicros ?? DEFAULT_SPIN_MICROS,
        },
      });
      workers.push(worker);
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) =>
            reject(new Error(`kernel worker exited with code ${code}`)),
          );
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (cause) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new SelfEvolveError('kernels_threads', 'kernel worker threads failed to start', {
        cause,
      });
    }
    for (const worker of workers) {
      worker.removeAllListeners();
      // Idle workers must not keep the process alive once the program is done with them.
      worker.unref();
    }
    return new ThreadPool(options, workers);
  }

  /**
   * Runs op `op` with `args`: on every thread when `parallel` (and there are workers), else on
   * the main thread alone. Returns the main thread's result.
   */
  run(op: number, args: readonly number[], parallel: boolean): number {
    if (this.disposed) throw new SelfEvolveError('kernels', 'kernels used after dispose()');
    const ctl = this.ctl;
    Atomics.store(ctl, CTRL.CHUNK, 0);
    if (!parallel || this.workers.length === 0) return this.fns[op](...args);
    for (let i = 0; i < args.length; i++) this.args[i] = args[i];
    Atomics.store(ctl, CTRL.NARGS, args.length);
    Atomics.store(ctl, CTRL.OP, op);
    Atomics.store(ctl, CTRL.DONE, 0);
    Atomics.store(ctl, CTRL.ERROR, 0);
    this.generation = (this.generation + 1) & 0xffffff;
    Atomics.store(ctl, CTRL.JOIN, this.generation << 8);
    Atomics.store(ctl, CTRL.GEN, this.generation);
    Atomics.notify(ctl, CTRL.GEN);
    let result = 0;
    let failure: unknown;
    try {
      result = this.fns[op](...args);
    } catch (error) {
      failure = error;
    }
    this.waitForWorkers(this.close());
    if (failure !== undefined) throw failure;
    if (Atomics.load(ctl, CTRL.ERROR) !== 0) {
      throw new SelfEvolveError('kernels', `kernel op #${op} failed on a worker thread`);
    }
    return result;
  }

  /** Writes a control-page slot the kernels read (the packing buffer pointer). */
  setControl(slot: number, value: number): void {
    Atomics.store(this.ctl, slot, value);
  }

  /** Stops the workers and waits for them to exit. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.workers.length === 0) return;
    const exited = this.workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
    Atomics.store(this.ctl, CTRL.QUIT, 1);
    this.generation = (this.generation + 1) & 0xffffff;
    Atomics.store(this.ctl, CTRL.GEN, this.generation);
    Atomics.notify(this.ctl, CTRL.GEN);
    await Promise.all(exited);
  }

  /** Stops workers from joining the current op; returns how many joined. */
  private close(): number {
    const ctl = this.ctl;
    for (;;) {
      const join = Atomics.load(ctl, CTRL.JOIN);
      if (Atomics.compareExchange(ctl, CTRL.JOIN, join, join | JOIN_CLOSED) === join) {
        return join & (JOIN_CLOSED - 1);
      }
    }
  }

  private waitForWorkers(want: number): void {
    const ctl = this.ctl;
    const started = performance.now();
    let spins = 0;
    for (;;) {
      const done = Atomics.load(ctl, CTRL.DONE);
      if (done >= want) return;
      if ((++spins & 1023) !== 0) continue;
      const waited = performance.now() - started;
      if (waited < this.spinMicros / 1000) continue;
      if (waited > WORKER_TIMEOUT_MS) {
        throw new SelfEvolveError('kernels_threads', 'a kernel worker thread stopped responding');
      }
      Atomics.wait(ctl, CTRL.DONE, done, 100);
    }
  }
}
