// One llama.cpp runtime per process (node-llama-cpp's prebuilt binaries, never compiled here) and
// model loading with clear errors. CPU by default: it always works; `gpu: 'auto'` tries the
// CUDA/Vulkan/Metal builds that node-llama-cpp ships.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Llama, LlamaModel } from 'node-llama-cpp';
import { checkGgufHeader } from '../../gguf/gguf-reader.js';
import { CheckpointError, SelfEvolveError } from '../../spec/errors.js';

export type LlamaGpu = false | 'auto';

const runtimes = new Map<string, Promise<Llama>>();

/** The shared runtime for a GPU choice; created on first use. */
export function llamaRuntime(gpu: LlamaGpu = false): Promise<Llama> {
  const key = String(gpu);
  let runtime = runtimes.get(key);
  if (!runtime) {
    runtime = (async () => {
      const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
      try {
        return await getLlama({ gpu, build: 'never', logLevel: LlamaLogLevel.error });
      } catch (cause) {
        throw new SelfEvolveError(
          'llama_cpp_unavailable',
          `node-llama-cpp cannot start: ${(cause as Error).message}`,
          { cause, hint: 'reinstall with `npm ci`; node-llama-cpp ships prebuilt binaries' },
        );
      }
    })();
    runtimes.set(key, runtime);
    runtime.catch(() => runtimes.delete(key));
  }
  return runtime;
}

/** Releases every runtime (native threads and memory); later calls create new ones. */
export async function disposeLlamaRuntimes(): Promise<void> {
  const all = [...runtimes.values()];
  runtimes.clear();
  for (const runtime of all) await (await runtime.catch(() => undefined))?.dispose();
}

/** Loads a GGUF file; a missing or unreadable file is a CheckpointError naming it. */
export async function loadGguf(path: string, gpu: LlamaGpu = false): Promise<LlamaModel> {
  const file = resolve(path);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new CheckpointError(path, 'no such GGUF file', {
      hint: 'export one with `self-evolve gguf export <checkpoint>`, or give the path of a .gguf file',
    });
  }
  checkGgufHeader(file);
  const llama = await llamaRuntime(gpu);
  try {
    return await llama.loadModel({ modelPath: file, gpuLayers: gpu === false ? 0 : 'auto' });
  } catch (cause) {
    throw new CheckpointError(path, `llama.cpp cannot load it: ${(cause as Error).message}`, {
      cause,
    });
  }
}
