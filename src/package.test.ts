// The package from outside, as a user installs it: `npm pack`, the tarball unpacked into a fresh
// project's node_modules (its dependencies are linked from this checkout's node_modules, standing
// in for `npm install`, which would compile better-sqlite3 again), then a TypeScript program that
// defines its own task and teacher with the public API is type-checked and runs a short SELF run.
// No import reaches into dist/: only `self-evolve` and `self-evolve/testing` are exported.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..');
const app = mkdtempSync(join(tmpdir(), 'self-evolve-user-'));
afterAll(() => rmSync(app, { recursive: true, force: true }));

/** The bare imports of the modules reachable from `entries` (relative imports followed). */
function bareImports(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const statics = text.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s+['"]([^'"]+)['"]/gm);
    const dynamics = text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g);
    for (const m of [...statics, ...dynamics]) {
      const spec = m[1];
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else
        bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  };
  entries.forEach(visit);
  return bare;
}

const MAIN = `
import { defineTask, registerTask, runConfigFrom, runSelf, type Problem, type Teacher } from 'self-evolve';
import { TINY_CONFIG } from 'self-evolve/testing';

// "Double N": a task of our own, with a generator and a checker that teaches critiques.
const problem = (n: number, i: number): Problem => ({
  id: \`d-\${i}\`,
  prompt: \`double \${n}\`,
  answer: String(2 * n),
  solution: \`\${n}+\${n}=\${2 * n}\\nanswer: \${2 * n}\`,
});
const task = defineTask({
  name: 'doubles',
  extractAnswer: (text) => /answer: (\\d+)/.exec(text)?.[1],
  generate: (n, seed) => Array.from({ length: n }, (_, i) => problem(((seed * 7 + i * 13) % 40) + 1, i)),
});
const teacher: Teacher = {
  id: 'doubles-checker',
  async review(p, response) {
    const n = Number(p.prompt.split(' ')[1]);
    const ok = task.extractAnswer(response) === String(2 * n);
    return ok
      ? { feedback: 'checked.\\nverdict: correct' }
      : { feedback: \`\${n}+\${n} is \${2 * n}.\\nverdict: wrong\`, refinement: problem(n, 0).solution };
  },
};
registerTask('doubles', () => ({ task, teacher }));

const config = runConfigFrom({
  ...TINY_CONFIG,
  task: { name: 'doubles' },
  models: { student: { kind: 'embedded', new: { config: { dModel: 32, nLayers: 1, nHeads: 2, dFF: 64, contextLength: 128 }, alphabet: 'abdeilnoruvwsx:+=\\n 0123456789.' } } },
  data: { train: 120, test: 8 },
  meta: { prompts: 24, train: { steps: 20, batchSize: 16 } },
  evolve: { rounds: 1, prompts: 8, train: { steps: 4, batchSize: 8 } },
  generation: { chunk: 8, maxTokens: { response: 16, feedback: 24, refinement: 16 } },
});
const { summary, run } = await runSelf(config, { runsDir: 'runs', name: 'doubles' });
const direct: number = summary.stages[0].direct_acc;
console.log(JSON.stringify({ stages: summary.stages.map((s) => s.name), direct, dir: run.dir }));
`;

describe('the package from outside', () => {
  it('installs from its tarball, type-checks and runs a SELF run on a task of its own', () => {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', app], {
        cwd: repo,
        encoding: 'utf8',
      }),
    )[0] as { filename: string; files: { path: string }[] };
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.d.ts',
        'datasets/gsm8k/LICENSE',
        'datasets/gsm8k/test.jsonl',
        'bin/self-evolve.js',
      ]),
    );
    expect(files.some((f) => f.includes('.test.') || f.endsWith('cli-harness.js'))).toBe(false);

    const installed = join(app, 'node_modules', 'self-evolve');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', [
      '-xzf',
      join(app, packed.filename),
      '-C',
      installed,
      '--strip-components=1',
    ]);
    for (const dep of readdirSync(join(repo, 'node_modules'))) {
      if (dep.startsWith('.') || dep === 'self-evolve') continue;
      symlinkSync(join(repo, 'node_modules', dep), join(app, 'node_modules', dep));
    }
    // Every package the published code imports is a declared dependency.
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    const declared = new Set(Object.keys(manifest.dependencies));
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const used = bareImports([
      join(installed, 'dist', 'index.js'),
      join(installed, 'dist', 'testing', 'index.js'),
      join(installed, 'bin', 'self-evolve.js'),
    ]);
    expect([...used].filter((d) => !declared.has(d) && !builtins.has(d))).toEqual([]);

    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'user-app', type: 'module' }));
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          types: ['node'],
          outDir: 'out',
        },
        include: ['main.ts', 'own-model.ts'],
      }),
    );
    writeFileSync(join(app, 'main.ts'), MAIN);
    // The example script of the repository type-checks against the installed package too.
    writeFileSync(join(app, 'own-model.ts'), readFileSync(join(repo, 'examples', 'own-model.ts')));
    const tsc = spawnSync(
      process.execPath,
      [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app],
      { encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);

    const run = spawnSync(process.execPath, [join(app, 'out', 'main.js')], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.stages).toEqual(['base', 'meta', 'round-1']);
    expect(result.dir).toBe(join(app, 'runs', 'doubles'));

    // Internal paths are not part of the API.
    const deep = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "await import('self-evolve/dist/index.js')"],
      { cwd: app, encoding: 'utf8' },
    );
    expect(deep.status).not.toBe(0);
    expect(deep.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  }, 180_000);
});
