// The code of a kernel worker thread, as a self-contained string for
// `new Worker(code, { eval: true })`: it loads the same way under Vitest (TypeScript sources) and
// from dist/, with no file to locate, and runs as CommonJS or as an ES module (eval workers
// inherit --input-type), hence the dynamic import. The protocol is described in wasm-threads.ts.

/** Int32 slots of the control page (byte offset = 4·slot). CHUNK and PACK are read by the wasm. */
export const CTRL = {
  /** Generation of the latest op (24 bits), stored by the main thread to start it. */
  GEN: 0,
  /** Workers that finished the current op. */
  DONE: 1,
  /** Next work chunk (byte 8 = CTRL_CHUNK in assembly/runtime.ts). */
  CHUNK: 2,
  /** Index of the op's function in the export list. */
  OP: 3,
  /** Pointer to the shared packing buffer (byte 16 = CTRL_PACK). */
  PACK: 4,
  /** Number of arguments in ARGS. */
  NARGS: 5,
  /** Set by a worker whose op threw. */
  ERROR: 6,
  /** gen << 8 | closed << 7 | workers joined: workers join an open op by compare-exchange. */
  JOIN: 7,
  /** Set to 1 to make the workers exit. */
  QUIT: 8,
} as const;

/** Byte offsets of per-thread u32 counters: chunk claims (counted by the wasm), ops joined. */
export const CLAIMS_BYTE = 512;
export const JOINS_BYTE = 768;

/** Bit of JOIN set by the main thread when it stops accepting workers into the op. */
export const JOIN_CLOSED = 128;

/** Byte offset of the op's arguments, float64 each (exact for int32 and float32 values). */
export const ARGS_BYTE = 64;
export const MAX_ARGS = 16;

/**
 * workerData: { module, memory, index, names, spinMicros }. The worker instantiates the kernels
 * on the shared memory, then loops: spin briefly on GEN, else sleep in Atomics.wait; join the op
 * if it is still open; run the op's export with the arguments; count itself DONE.
 */
export const WORKER_SOURCE = `
import('node:worker_threads').then(({ workerData, parentPort }) => {
  const { module, memory, index, names, spinMicros } = workerData;
  const { GEN, DONE, OP, NARGS, ERROR, JOIN, QUIT } = ${JSON.stringify(CTRL)};
  const CLOSED = ${JOIN_CLOSED};
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  instance.exports.setThread(index);
  const fns = names.map((name) => instance.exports[name]);
  const ctl = new Int32Array(memory.buffer, 0, 64);
  const joins = new Uint32Array(memory.buffer, ${JOINS_BYTE} + 4 * index, 1);
  const args = new Float64Array(memory.buffer, ${ARGS_BYTE}, ${MAX_ARGS});
  let seen = Atomics.load(ctl, GEN);
  parentPort.postMessage('ready');
  for (;;) {
    const started = performance.now();
    let spins = 0;
    while (Atomics.load(ctl, GEN) === seen) {
      if ((++spins & 1023) === 0 && performance.now() - started > spinMicros / 1000) {
        Atomics.wait(ctl, GEN, seen);
      }
    }
    if (Atomics.load(ctl, QUIT) !== 0) break;
    seen = Atomics.load(ctl, GEN);
    for (;;) {
      const join = Atomics.load(ctl, JOIN);
      if (join >>> 8 !== seen || (join & CLOSED) !== 0) break;
      if (Atomics.compareExchange(ctl, JOIN, join, join + 1) !== join) continue;
      joins[0]++;
      try {
        const n = Atomics.load(ctl, NARGS);
        const a = [];
        for (let i = 0; i < n; i++) a.push(args[i]);
        fns[Atomics.load(ctl, OP)](...a);
      } catch (error) {
        Atomics.store(ctl, ERROR, 1);
      }
      Atomics.add(ctl, DONE, 1);
      Atomics.notify(ctl, DONE);
      break;
    }
  }
});
`;
