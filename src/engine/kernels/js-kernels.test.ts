// Runs the compute-port contract against the plain TypeScript reference adapter.
import { JsKernels } from './js-kernels.js';
import { kernelContract } from './kernel-contract.js';

kernelContract('js', () => new JsKernels());
