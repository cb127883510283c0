// `self-evolve serve`: an OpenAI-compatible HTTP server for embedded checkpoints, a proxy in front
// of an upstream OpenAI-compatible model, or the fixed-latency benchmark model; with online
// self-refinement through the `self_refine` request field.
import { Command } from 'commander';
import { withFineTuning } from '../../server/fine-tuning/index.js';
import {
  checkpointModels,
  checkpointResolver,
  embeddedCheckpoint,
  fixedLatencyBenchmark,
  programmaticTeacher,
  upstreamModel,
} from '../../server/served-models.js';
import type { ServedModel } from '../../server/server-app.js';
import { HTTP_LIMITS } from '../../server/server-limits.js';
import { startServer } from '../../server/start-server.js';
import { InvalidInputError } from '../../spec/errors.js';
import type { Task } from '../../spec/task.js';
import { createTask } from '../../tasks/task-registry.js';
import { intOption } from '../options.js';

interface Opts {
  model: string[];
  checkpoints?: string;
  upstream?: string;
  upstreamModel?: string;
  upstreamKeyEnv?: string;
  name?: string;
  fixedLatencyBenchmark?: string;
  teacher?: string;
  task?: string;
  host: string;
  port: string;
  apiKeyEnv?: string;
  maxBodyBytes: string;
  maxLoadedModels: string;
  requestTimeoutMs: string;
  fineTuning?: string;
  json?: boolean;
}

function secret(envName: string | undefined, flag: string): string | undefined {
  if (!envName) return undefined;
  const value = process.env[envName];
  if (!value) {
    throw new InvalidInputError(`environment variable ${envName} is not set`, { field: flag });
  }
  return value;
}

async function staticModels(opts: Opts, task?: Task): Promise<ServedModel[]> {
  const models: ServedModel[] = [];
  for (const spec of opts.model) {
    const at = spec.indexOf('=');
    const [name, dir] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [undefined, spec];
    models.push(await embeddedCheckpoint(dir, name, task));
  }
  if (opts.upstream) {
    if (!opts.upstreamModel) {
      throw new InvalidInputError('--upstream needs --upstream-model <id>', {
        field: '--upstream-model',
      });
    }
    const options = {
      baseURL: opts.upstream,
      model: opts.upstreamModel,
      apiKeyEnv: opts.upstreamKeyEnv,
    };
    models.push(upstreamModel(opts.name ?? opts.upstreamModel, options, {}, task));
  }
  if (opts.teacher) {
    const { teacher } = createTask(opts.teacher);
    if (!teacher) {
      throw new InvalidInputError(`task "${opts.teacher}" has no programmatic teacher`, {
        field: '--teacher',
      });
    }
    models.push(programmaticTeacher(teacher));
  }
  if (opts.fixedLatencyBenchmark !== undefined) {
    models.push(
      fixedLatencyBenchmark(intOption(opts.fixedLatencyBenchmark, '--fixed-latency-benchmark')),
    );
  }
  return models;
}

/** A flag that must be an integer in [min, max]. */
function boundedInt(value: string, flag: string, min: number, max: number): number {
  const n = intOption(value, flag, max);
  if (n < min) {
    throw new InvalidInputError(`must be an integer from ${min} to ${max}, got "${value}"`, {
      field: flag,
    });
  }
  return n;
}

async function run(opts: Opts): Promise<void> {
  const port = boundedInt(opts.port, '--port', 0, 65_535);
  const maxBodyBytes = boundedInt(opts.maxBodyBytes, '--max-body-bytes', 1, 2 ** 31 - 1);
  const maxLoaded = boundedInt(opts.maxLoadedModels, '--max-loaded-models', 1, 1_000);
  const requestTimeoutMs = boundedInt(
    opts.requestTimeoutMs,
    '--request-timeout-ms',
    100,
    3_600_000,
  );
  const task = opts.task ? createTask(opts.task).task : undefined;
  const models = await staticModels(opts, task);
  // Checkpoints under --checkpoints and fine-tuned models share one bounded pool of loaded models.
  const loaded = checkpointModels({ maxLoaded, task });
  const dynamic = opts.checkpoints
    ? checkpointResolver(opts.checkpoints, task, { models: loaded })
    : undefined;
  if (models.length === 0 && !dynamic) {
    throw new InvalidInputError(
      'nothing to serve',
      {},
      {
        hint: 'pass --model <checkpoint dir>, --checkpoints <dir>, --upstream <url> or --fixed-latency-benchmark <ms>',
      },
    );
  }
  const hooks = withFineTuning(
    opts.fineTuning,
    { resolve: dynamic?.resolve, resolvedNames: dynamic?.names, onClose: loaded.close },
    { models: opts.model, checkpoints: opts.checkpoints, task, loaded },
  );
  const server = await startServer({
    models,
    ...hooks,
    host: opts.host,
    port,
    apiKey: secret(opts.apiKeyEnv, '--api-key-env'),
    maxBodyBytes,
    requestTimeoutMs,
    log: (line) => process.stderr.write(`serve: ${line}\n`),
  }).catch(async (error) => {
    for (const m of models) await m.model.close?.();
    await hooks.onClose?.();
    throw error;
  });
  const names = models.map((m) => m.name);
  if (opts.json)
    process.stdout.write(`${JSON.stringify({ baseURL: server.baseURL, models: names })}\n`);
  else
    process.stderr.write(
      `serving ${names.join(', ') || `checkpoints under ${opts.checkpoints}`} at ${server.baseURL} (Ctrl-C stops)\n`,
    );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (!opts.json) process.stderr.write('shutting down: finishing requests in flight\n');
      server.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The `serve` command. */
export function command(): Command {
  return new Command('serve')
    .description(
      'Serve models over an OpenAI-compatible HTTP API (chat completions, SSE, self_refine)',
    )
    .option(
      '--model <[name=]dir>',
      'an embedded checkpoint to serve (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option(
      '--checkpoints <dir>',
      'serve any checkpoint under this folder, named by its path, loaded on first use',
    )
    .option(
      '--upstream <url>',
      'proxy mode: base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1',
    )
    .option('--upstream-model <id>', 'proxy mode: the upstream model id')
    .option(
      '--upstream-key-env <VAR>',
      'proxy mode: environment variable holding the upstream API key',
    )
    .option('--name <name>', 'proxy mode: the name clients use (default: the upstream model id)')
    .option(
      '--fixed-latency-benchmark <ms>',
      'serve "fixed-latency-benchmark", a stand-in that answers after <ms> (benchmarks only)',
    )
    .option(
      '--task <name>',
      'task whose verdict parser self_refine uses (default: the "verdict: correct|wrong" line)',
    )
    .option(
      '--teacher <task>',
      'serve the task\'s programmatic checker as a teacher model (e.g. equations → "equations-checker")',
    )
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '8000')
    .option(
      '--api-key-env <VAR>',
      'require "Authorization: Bearer <key>", the key read from this environment variable',
    )
    .option('--max-body-bytes <n>', 'largest request body accepted', String(HTTP_LIMITS.bodyBytes))
    .option(
      '--max-loaded-models <n>',
      'checkpoints (and fine-tuned models) kept loaded at once; the least recently used is closed',
      String(HTTP_LIMITS.loadedModels),
    )
    .option(
      '--request-timeout-ms <ms>',
      'time a client has to send a whole request (slower ones get 408)',
      String(HTTP_LIMITS.requestTimeoutMs),
    )
    .option(
      '--fine-tuning <dir>',
      'offer the OpenAI files and fine-tuning API for the served checkpoints; state kept in <dir>',
    )
    .option('--json', 'print one JSON line {"baseURL", "models"} on stdout once listening')
    .addHelpText(
      'after',
      '\nEndpoints: GET /v1/models, POST /v1/chat/completions (stream: true for SSE), GET /health.\n' +
        'Online self-refinement: add "self_refine": {"max_iterations": 2, "return_trace": true}.\n' +
        'SIGINT/SIGTERM stop accepting connections and let requests in flight finish.\n' +
        'With --fine-tuning: /v1/files and /v1/fine_tuning/jobs (docs/trainers.md).\n' +
        'Limits on every request size, auth and paths: docs/security.md.\n\n' +
        'Examples:\n' +
        '  self-evolve serve --model runs/demo/round-3 --port 8000\n' +
        '  self-evolve serve --checkpoints runs --task equations --teacher equations\n' +
        '  OPENAI_API_KEY=... self-evolve serve --upstream https://api.openai.com/v1 \\\n' +
        '      --upstream-model gpt-4o-mini --upstream-key-env OPENAI_API_KEY\n' +
        '  SERVE_KEY=secret self-evolve serve --model runs/demo/meta --api-key-env SERVE_KEY\n' +
        '  self-evolve serve --fixed-latency-benchmark 200 --port 0 --json\n' +
        '  self-evolve serve --checkpoints runs --fine-tuning runs/fine-tuning --max-body-bytes 67108864\n',
    )
    .action((opts: Opts) => run(opts));
}
