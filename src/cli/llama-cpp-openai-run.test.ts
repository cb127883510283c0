// Acceptance (issue 6): a SELF run through the CLI with every generation in llama.cpp (the GGUF of
// each model, loaded by node-llama-cpp) and every training through the `openai` fine-tuning
// backend against `serve` (real HTTP on 127.0.0.1), the loop a user runs with a fine-tuning
// provider and a local inference server. It is the pipeline's tiny config (seconds, not the
// quick preset; scripts/general-road.sh quick 1 <dir> llama-cpp runs that). The base model trains
// identically on both stacks and llama.cpp's greedy decoding matches the engine's, so the base
// stage's results equal the in-process run's; later stages sample, so they are of the same kind.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeConfig, parseRunConfig } from '../config/run-config.js';
import { EmbeddedTrainer } from '../engine/index.js';
import { studentRef } from '../runtime/model-factory.js';
import { deriveSeed } from '../self/seeds.js';
import { withFineTuning } from '../server/fine-tuning/index.js';
import { checkpointResolver } from '../server/served-models.js';
import { startServer } from '../server/start-server.js';
import { SqliteRunStore } from '../store/sqlite-run-store.js';
import { TINY_CONFIG } from '../testing/test-configs.js';
import { runCli } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'llama-openai-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const METRICS = [
  'direct_acc',
  'refined_acc',
  'feedback_precision',
  'feedback_recall',
  'kept',
  'kept_precision',
];

describe('SELF with llama.cpp generation and openai fine-tuning against serve', () => {
  it('runs end to end with results of the same kind as in process', async () => {
    // M_init as a checkpoint that serve offers for fine-tuning: the fresh model the in-process
    // run would start from (same shape, tokenizer and seed).
    const tiny = parseRunConfig(TINY_CONFIG);
    const init = new EmbeddedTrainer({ outputDir: dir, kernels: 'js' });
    const start = studentRef(tiny.models.student);
    const engine = await init.open(start, deriveSeed(tiny.seed, 'train', 'base'), []);
    await engine.save(join(dir, 'checkpoints', 'init'));
    engine.dispose();
    const checkpoints = checkpointResolver(join(dir, 'checkpoints'));
    process.env.SERVE_TEST_KEY = 'sk-local';
    const server = await startServer({
      models: [],
      port: 0,
      apiKey: 'sk-local',
      maxBodyBytes: 16 << 20,
      ...withFineTuning(
        join(dir, 'fine-tuning'),
        { resolve: checkpoints.resolve, onClose: checkpoints.close },
        { checkpoints: join(dir, 'checkpoints') },
      ),
    });
    try {
      const config = mergeConfig(TINY_CONFIG, {
        models: {
          student: {
            kind: 'openai-compatible',
            baseURL: server.baseURL,
            model: 'init',
            apiKeyEnv: 'SERVE_TEST_KEY',
            nativeEpisodes: true,
          },
        },
        trainer: {
          kind: 'openai',
          baseURL: server.baseURL,
          apiKeyEnv: 'SERVE_TEST_KEY',
          pollSeconds: 0.2,
          episodes: true,
          download: 'gguf',
        },
        llamaCpp: { sequences: 4 },
      });
      writeFileSync(join(dir, 'llama.json'), JSON.stringify(config));
      const runs = join(dir, 'runs');
      const viaLlama = await runCli([
        'run',
        '--config',
        join(dir, 'llama.json'),
        '--runs-dir',
        runs,
        '--json',
      ]);
      expect(viaLlama.code, viaLlama.err).toBe(0);
      writeFileSync(join(dir, 'inproc.json'), JSON.stringify(TINY_CONFIG));
      const inProcess = await runCli([
        'run',
        '--config',
        join(dir, 'inproc.json'),
        '--runs-dir',
        runs,
        '--json',
      ]);
      expect(inProcess.code, inProcess.err).toBe(0);
      const [a, b] = [JSON.parse(viaLlama.out), JSON.parse(inProcess.out)];
      expect(a.stages.map((s: { name: string }) => s.name)).toEqual(['base', 'meta', 'round-1']);
      expect(a.stages.map((s: { name: string }) => s.name)).toEqual(
        b.stages.map((s: { name: string }) => s.name),
      );
      for (const stage of a.stages) {
        for (const k of METRICS) expect(stage).toHaveProperty(k);
        expect(stage.direct_acc).toBeGreaterThanOrEqual(0);
        expect(stage.direct_acc).toBeLessThanOrEqual(1);
      }
      // Identical base model, greedy evaluation: llama.cpp writes what the engine writes, every
      // answer, critique and refinement of the held-out set, so the base results are equal.
      const store = new SqliteRunStore(join(runs, 'runs.db'));
      const texts = (run: string) =>
        store.samples(run, 'eval:base').map((x) => [x.prompt, x.attempts]);
      expect(texts('llama').length).toBe(tiny.data.test);
      expect(texts('llama')).toEqual(texts('inproc'));
      const answers = store.samples('llama', 'eval:base').map((x) => x.response);
      expect(new Set(answers).size).toBeGreaterThan(tiny.data.test / 4);
      store.close();
      for (const k of [
        'direct_acc',
        'refined_acc',
        'feedback_precision',
        'feedback_recall',
        'tokens',
      ]) {
        expect(a.stages[0][k], k).toEqual(b.stages[0][k]);
      }
      expect(a.stages[1].kept).toBeGreaterThan(0);
      expect(a.stages[2].generated).toBeGreaterThan(0);
      // The run's models are GGUF files from serve's fine-tuning jobs.
      const shown = JSON.parse(
        (await runCli(['runs', 'show', 'llama', '--runs-dir', runs, '--json'])).out,
      );
      expect(shown.models.map((m: { ref: { kind: string } }) => m.ref.kind)).toEqual([
        'gguf',
        'gguf',
        'gguf',
      ]);
    } finally {
      await server.close();
    }
  });
});
