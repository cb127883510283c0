// Disposing a compute adapter safely from any caller. The wasm adapter's worker threads are
// unref'd (so a program that never disposes still exits); while its dispose() waits for them to
// exit, nothing may be holding the event loop open, and Node would then end the process in the
// middle of the await (exit code 13). A timer holds the loop open until dispose settles.
import type { Kernels } from './kernels/kernels.js';

/** `await kernels.dispose()`, keeping the process alive until it settles. */
export async function releaseKernels(kernels: Kernels): Promise<void> {
  const keepAlive = setInterval(() => {}, 1000);
  try {
    await kernels.dispose();
  } finally {
    clearInterval(keepAlive);
  }
}
