// The code of a kernel worker thread, as a self-contained string for
// `new Worker(code, { eval: true })`: it loads the same way under Vitest (TypeScript sources) and
// from dist/, with no file to locate, and runs as CommonJS or as an ES module (eval workers
// inherit --input-type), hence the dynamic import. The protocol is the control page of
// wasm-threads.ts.

/** Int32 slots of the control page (byte offset = 4·slot). CHUNK and PACK are read by the wasm. */
export const CTRL = {
  /** Bumped by the main thread to start an op. */
  GEN: 0,
  /** Workers that finished the current op. */
  DONE: 1,
  /** Next work chunk (byte 8 = CTRL_CHUNK in assembly/runtime.ts). */
  CHUNK: 2,
  /** Index of the op's function in the export list; −1 asks workers to exit. */
  OP: 3,
  /** Pointer to the shared packing buffer (byte 16 = CTRL_PACK). */
  PACK: 4,
  /** Number of arguments in ARGS. */
  NARGS: 5,
  /** Set by a worker whose op threw. */
  ERROR: 6,
} as const;

/** Byte offset of the op's arguments, float64 each (exact for int32 and float32 values). */
export const ARGS_BYTE = 64;
export const MAX_ARGS = 16;

/**
 * workerData: { module, memory, index, workers, names, spinMicros }. The worker instantiates the
 * kernels on the shared memory, then loops: spin briefly on GEN, sleep in Atomics.wait, run the
 * op's export with the arguments, count itself DONE.
 */
export const WORKER_SOURCE = `
import('node:worker_threads').then(({ workerData, parentPort }) => {
const { module, memory, index, workers, names, spinMicros } = workerData;
const { GEN, DONE, OP, NARGS, ERROR } = ${JSON.stringify(CTRL)};
const instance = new WebAssembly.Instance(module, { env: { memory } });
instance.exports.setThread(index);
const fns = names.map((name) => instance.exports[name]);
const ctl = new Int32Array(memory.buffer, 0, 64);
const args = new Float64Array(memory.buffer, ${ARGS_BYTE}, ${MAX_ARGS});
let gen = Atomics.load(ctl, GEN);
parentPort.postMessage('ready');
for (;;) {
  const started = performance.now();
  let spins = 0;
  while (Atomics.load(ctl, GEN) === gen) {
    if ((++spins & 1023) === 0 && performance.now() - started > spinMicros / 1000) {
      Atomics.wait(ctl, GEN, gen);
    }
  }
  gen = Atomics.load(ctl, GEN);
  const op = Atomics.load(ctl, OP);
  if (op < 0) break;
  try {
    const n = Atomics.load(ctl, NARGS);
    const a = [];
    for (let i = 0; i < n; i++) a.push(args[i]);
    fns[op](...a);
  } catch (error) {
    Atomics.store(ctl, ERROR, 1);
  }
  if (Atomics.add(ctl, DONE, 1) + 1 === workers) Atomics.notify(ctl, DONE);
}
});
`;
