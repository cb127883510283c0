// One embedded training on a worker thread (see train-in-worker.ts, which starts it): its own
// kernels with the threads it was given, progress and the result posted back, and an `abort`
// message turned into a cancelled training. It exists so that two trainings too small to use
// every core (the demo's batch-4 stage and its SFT twin) can run side by side.
import { parentPort, workerData } from 'node:worker_threads';
import { EmbeddedTrainer } from './embedded-trainer.js';
import { createKernels } from './kernels/create-kernels.js';
import type { Kernels } from './kernels/kernels.js';
import { releaseKernels } from './release-kernels.js';
import { type TrainWorkerData, type TrainWorkerMessage, toWorkerError } from './train-in-worker.js';

const port = parentPort;
if (!port) throw new Error('train-worker.js runs as a worker thread only');
const job = workerData as TrainWorkerData;
const controller = new AbortController();
port.on('message', (message: { type?: string }) => {
  if (message?.type === 'abort') controller.abort();
});
const post = (message: TrainWorkerMessage) => port.postMessage(message);

let kernels: Kernels | undefined;
let outcome: TrainWorkerMessage;
try {
  kernels = await createKernels(job.kernels, { threads: job.threads });
  const trainer = new EmbeddedTrainer({
    outputDir: job.outputDir,
    overwrite: job.overwrite,
    kernels,
  });
  const ref = await trainer.train(job.request, {
    signal: controller.signal,
    onProgress: (progress) => post({ type: 'progress', progress }),
  });
  outcome = { type: 'done', ref };
} catch (error) {
  outcome = { type: 'error', error: toWorkerError(error) };
}
try {
  if (kernels) await releaseKernels(kernels);
} catch {
  // The checkpoint is written (or the error is known): a failed release changes neither.
}
post(outcome);
port.unref();
