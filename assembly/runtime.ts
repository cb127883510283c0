// Thread runtime shared by every kernel: the control page (page 0 of the shared memory), work
// chunks handed out by an atomic counter, and each thread's scratch area. Every thread runs the
// same exported function with the same arguments; chunks decide who computes what.

/** Control page layout (byte addresses), mirrored by src/engine/kernels/wasm-threads.ts. */
export const CTRL_CHUNK: usize = 8;
/** Pointer to the shared packing buffer (u32). */
export const CTRL_PACK: usize = 16;
/** Per-thread counts of chunk claims (u32 each), for tests and statistics. */
export const CTRL_CLAIMS: usize = 512;
/** Per-thread scratch pointers (u32 each), indexed by thread. */
export const CTRL_SCRATCH: usize = 1024;

let threadIndex: i32 = 0;

/** Sets which thread this instance runs on (0 = main). Called once per instance. */
export function setThread(index: i32): void {
  threadIndex = index;
}

/** Claims the next work chunk; chunks at or above the op's count mean "done". */
export function nextChunk(): i32 {
  const claims = CTRL_CLAIMS + ((<usize>threadIndex) << 2);
  store<u32>(claims, load<u32>(claims) + 1);
  return atomic.add<i32>(CTRL_CHUNK, 1);
}

/** This thread's scratch area (sized by the TypeScript side before each op). */
export function threadScratch(): usize {
  return <usize>load<u32>(CTRL_SCRATCH + ((<usize>threadIndex) << 2));
}

/** The packing buffer shared by all threads of one op. */
export function packBuffer(): usize {
  return <usize>load<u32>(CTRL_PACK);
}
