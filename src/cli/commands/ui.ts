// `self-evolve ui`: the read-only web app over a runs folder's store (src/ui), live while runs
// write to it. Binds 127.0.0.1 unless told otherwise; exposing it without a key is warned about.
import { Command } from 'commander';
import { InvalidInputError } from '../../spec/errors.js';
import { isLoopback, startUi } from '../../ui/start-ui.js';
import { intOption } from '../options.js';
import { withRunsDir } from '../run-cli.js';

interface Opts {
  runsDir: string;
  host: string;
  port: string;
  apiKey?: string;
  apiKeyEnv?: string;
  json?: boolean;
}

function apiKey(opts: Opts): string | undefined {
  if (opts.apiKey !== undefined && opts.apiKeyEnv !== undefined) {
    throw new InvalidInputError('give --api-key or --api-key-env, not both', {
      field: '--api-key',
    });
  }
  if (opts.apiKeyEnv === undefined) return opts.apiKey || undefined;
  const value = process.env[opts.apiKeyEnv];
  if (!value) {
    throw new InvalidInputError(`environment variable ${opts.apiKeyEnv} is not set`, {
      field: '--api-key-env',
    });
  }
  return value;
}

async function run(opts: Opts): Promise<void> {
  const key = apiKey(opts);
  const ui = await startUi({
    runsDir: opts.runsDir,
    host: opts.host,
    port: intOption(opts.port, '--port'),
    apiKey: key,
    onInternalError: (error) =>
      process.stderr.write(
        `ui: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`,
      ),
  });
  const open = key ? `${ui.url}?key=${encodeURIComponent(key)}` : ui.url;
  if (!isLoopback(ui.host) && !key) {
    process.stderr.write(
      `warning: --host ${ui.host} lets anyone who can reach this machine read every run (prompts, outputs, configs) with no key; pass --api-key-env VAR\n`,
    );
  }
  if (opts.json) process.stdout.write(`${JSON.stringify({ url: ui.url, store: ui.storePath })}\n`);
  else
    process.stderr.write(
      `self-evolve ui: ${open} (read-only view of ${ui.storePath}; Ctrl-C stops)\n`,
    );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      ui.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The `ui` command. */
export function command(): Command {
  const cmd = new Command('ui')
    .description(
      'A local web app over the run store: runs (live), plots, episodes with filters and search, compare. Read-only',
    )
    .option(
      '--host <host>',
      'interface to bind (anything but loopback warns unless a key is set)',
      '127.0.0.1',
    )
    .option('--port <port>', 'port (0 = any free port)', '8100')
    .option(
      '--api-key <key>',
      'require this key (visible to other users in `ps`: prefer --api-key-env)',
    )
    .option('--api-key-env <VAR>', 'require the key held in this environment variable')
    .option('--json', 'print one JSON line {"url", "store"} on stdout once listening');
  return withRunsDir(cmd)
    .addHelpText(
      'after',
      `
Pages: / (runs, refreshing every 2 s), /runs/<run> (plots, tables, models), /runs/<run>/episodes
(filters and search, all in the URL, so a link shares them), /runs/<run>/episodes/<stage>/<chunk>/<i>
(answer → feedback → refinement with the changes highlighted), /compare?run=a&run=b, and
/runs/<run>/report.html. JSON: /api/runs, /api/runs/<run>, /api/runs/<run>/episodes?<filters>.
The store is opened read-only: nothing the UI does can change a run. With a key, open the printed
URL once (?key=...); the browser keeps it in a cookie. Scripts send "Authorization: Bearer <key>".

Examples:
  self-evolve ui
  self-evolve ui --runs-dir runs --port 8200
  self-evolve demo --quick & self-evolve ui       # watch the demo run
  UI_KEY=secret self-evolve ui --host 0.0.0.0 --api-key-env UI_KEY
  curl -s 'http://127.0.0.1:8100/api/runs/demo/episodes?stage=round-1&kept=kept&verdict=wrong'`,
    )
    .action((opts: Opts) => run(opts));
}
