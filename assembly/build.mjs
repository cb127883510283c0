// Compiles the AssemblyScript kernels to build/kernels.wasm (called by scripts/build.mjs).
// SIMD and threads on; the memory is imported and shared so worker threads run the same module
// on the same memory. The module must carry no data segment or start function: every thread
// instantiates it on that one memory, and nothing may be written there at instantiation.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
const out = join(root, 'build', 'kernels.wasm');
mkdirSync(join(root, 'build'), { recursive: true });
// prettier-ignore
const options = [
  '-O3',
  '--noAssert',
  '--runtime',
  'stub',
  '--enable',
  'simd,threads',
  '--importMemory',
  '--sharedMemory',
  '--initialMemory',
  '1',
  '--maximumMemory',
  '65536',
  '--noExportMemory',
  '--use',
  'abort=',
  '--disableWarning',
  '112',
];
execFileSync(
  process.execPath,
  [asc, join(root, 'assembly', 'index.ts'), '--outFile', out, ...options],
  {
    cwd: root,
    stdio: 'inherit',
  },
);

/** Section ids of a wasm binary (LEB128 sizes), to reject data (11) and start (8) sections. */
function sectionIds(bytes) {
  const ids = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      size |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    ids.push(id);
    at += size;
  }
  return ids;
}

const bad = sectionIds(readFileSync(out)).filter((id) => id === 8 || id === 11);
if (bad.length > 0) {
  console.error(
    `assembly/build.mjs: ${out} has a data or start section; remove static data from assembly/`,
  );
  process.exit(1);
}
