// The quick demo preset with every model call over HTTP to `serve` (student checkpoints and the
// teacher), or in process: `node examples/quick-demo-over-http.mjs http|inproc` after `npm run build`.
// Both print the stage metrics as one JSON line; with the same seed they are identical.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const d = new URL('../dist', import.meta.url).href;
const { EmbeddedTrainer } = await import(`${d}/engine/index.js`);
const {
  GuardedLanguageModel,
  HttpModelLoader,
  ModelTeacher,
  createOpenAICompatibleModel,
  UsageLedger,
} = await import(`${d}/providers/index.js`);
const { parseConfig } = await import(`${d}/self/config.js`);
const { runPipeline } = await import(`${d}/self/pipeline.js`);
const { PRESETS } = await import(`${d}/self/presets.js`);
const { SqliteRunStore } = await import(`${d}/store/sqlite-run-store.js`);
const { createTask } = await import(`${d}/tasks/task-registry.js`);
const { checkpointResolver, programmaticTeacher } = await import(`${d}/server/served-models.js`);
const { startServer } = await import(`${d}/server/start-server.js`);
const config = parseConfig(PRESETS.quick);
const root = mkdtempSync(join(tmpdir(), 'quick-http-'));
const mode = process.argv[2] === 'inproc' ? 'inproc' : 'http';
const dir = join(root, mode);
const store = new SqliteRunStore(join(dir, 'runs.db'));
const { task, teacher } = createTask(config.task.name, config.task.params);
const trainer = new EmbeddedTrainer({ outputDir: join(dir, 'models'), overwrite: true });
let loader = trainer,
  teach = teacher,
  close = async () => {},
  ledger;
if (mode === 'http') {
  const resolver = checkpointResolver(join(dir, 'models'));
  const server = await startServer({
    port: 0,
    models: [programmaticTeacher(teacher)],
    resolve: resolver.resolve,
    onClose: resolver.close,
  });
  ledger = new UsageLedger();
  loader = new HttpModelLoader({ baseURL: server.baseURL, guard: { ledger, concurrency: 64 } });
  teach = new ModelTeacher(
    new GuardedLanguageModel(
      createOpenAICompatibleModel({
        baseURL: server.baseURL,
        model: teacher.id,
        nativeEpisodes: true,
      }),
      { ledger, stage: 'teacher' },
    ),
  );
  close = () => server.close();
}
store.createRun({ name: mode, config, seed: config.seed, dir });
const t0 = Date.now();
const summary = await runPipeline(mode, config, { store, trainer, loader, task, teacher: teach });
await close();
store.close();
rmSync(root, { recursive: true, force: true });
console.log(
  JSON.stringify({
    mode,
    seconds: (Date.now() - t0) / 1000,
    stages: summary.stages.map((s) => ({
      name: s.name,
      direct: s.direct_acc,
      refined: s.refined_acc,
      kept: s.kept,
      fp: s.feedback_precision,
    })),
    http: ledger ? ledger.byStage() : undefined,
  }),
);
