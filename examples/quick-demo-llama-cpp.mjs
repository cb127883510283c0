// The quick demo preset with every generation in llama.cpp (each model's GGUF through
// node-llama-cpp) and every training through the OpenAI fine-tuning API of `serve` — the loop a
// user runs with a fine-tuning provider and a local inference server. Prints the run's summary as
// one JSON line. `node examples/quick-demo-llama-cpp.mjs [seed]` after `npm run build`; compare with
// `self-evolve demo --quick --json --seed <seed>` (the same preset in process).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const d = new URL('../dist', import.meta.url).href;
const { EmbeddedTrainer } = await import(`${d}/engine/index.js`);
const { main } = await import(`${d}/cli/main.js`);
const { mergeConfig, parseConfig } = await import(`${d}/self/config.js`);
const { PRESETS } = await import(`${d}/self/presets.js`);
const { deriveSeed } = await import(`${d}/self/seeds.js`);
const { withFineTuning } = await import(`${d}/server/fine-tuning/index.js`);
const { checkpointResolver } = await import(`${d}/server/served-models.js`);
const { startServer } = await import(`${d}/server/start-server.js`);

const seed = Number(process.argv[2] ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'quick-llama-cpp-'));
const quick = parseConfig(mergeConfig(PRESETS.quick, { seed }));
// M_init, the fresh model the in-process demo starts from, as a checkpoint serve can fine-tune.
const init = new EmbeddedTrainer({ outputDir: dir });
const engine = await init.open(quick.model, deriveSeed(seed, 'train', 'base'), []);
await engine.save(join(dir, 'checkpoints', 'init'));
engine.dispose();
await init.close();

const checkpoints = checkpointResolver(join(dir, 'checkpoints'));
const server = await startServer({
  models: [],
  port: 0,
  maxBodyBytes: 64 << 20,
  ...withFineTuning(
    join(dir, 'fine-tuning'),
    { resolve: checkpoints.resolve, onClose: checkpoints.close },
    { checkpoints: join(dir, 'checkpoints') },
  ),
});
const config = mergeConfig(quick, {
  model: { kind: 'openai', id: 'init', meta: {} },
  trainer: {
    kind: 'openai',
    baseURL: server.baseURL,
    pollSeconds: 0.5,
    episodes: true,
    download: 'gguf',
  },
  llamaCpp: { sequences: 8 },
});
writeFileSync(join(dir, 'quick-llama-cpp.json'), JSON.stringify(config));
try {
  process.exitCode = await main([
    'run',
    '--config',
    join(dir, 'quick-llama-cpp.json'),
    '--runs-dir',
    join(dir, 'runs'),
    '--json',
  ]);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
