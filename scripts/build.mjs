// Builds the package from source: AssemblyScript kernels to build/*.wasm, then TypeScript to dist/.
// Runs at `npm ci` (prepare) and before the tests, so a fresh clone never needs a prebuilt binary.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

mkdirSync(join(root, 'build'), { recursive: true });
if (existsSync(join(root, 'assembly', 'build.mjs'))) {
  run(process.execPath, [join(root, 'assembly', 'build.mjs')]);
}
run(bin('tsc'), ['-p', 'tsconfig.json']);
