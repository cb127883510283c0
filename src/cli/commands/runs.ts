// `self-evolve runs`: lists runs, and `runs show <run>` prints one (stages, models, results).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { compareRuns, formatComparison } from '../../report/compare.js';
import { formatTable } from '../../report/table.js';
import { openRunStore, requireRun, runConfig } from '../../runtime/run-session.js';
import { summarize } from '../../self/summary.js';
import { withRunsDir } from '../run-cli.js';

interface Opts {
  json?: boolean;
  runsDir: string;
}

function list(opts: Opts): void {
  // A runs folder without a store lists no runs, and is not created by looking.
  if (!existsSync(join(resolve(opts.runsDir), 'runs.db')) && !existsSync(opts.runsDir)) {
    if (opts.json) process.stdout.write(`${JSON.stringify({ runs: [] })}\n`);
    else process.stdout.write('no runs yet; start one with `self-evolve demo`\n');
    return;
  }
  const store = openRunStore(opts.runsDir, { readonly: true });
  try {
    const runs = store.listRuns().map((r) => {
      const stages = store.stages(r.name).map((s) => s.name);
      return {
        name: r.name,
        status: r.status,
        seed: r.seed,
        created: r.createdAt,
        stages_done: stages.length,
      };
    });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ runs })}\n`);
      return;
    }
    if (runs.length === 0) process.stdout.write('no runs yet; start one with `self-evolve demo`\n');
    for (const r of runs) {
      process.stdout.write(
        `${r.name.padEnd(24)} ${r.status.padEnd(9)} seed ${String(r.seed).padEnd(6)} stages done ${r.stages_done}  ${r.created}\n`,
      );
    }
  } finally {
    store.close();
  }
}

function show(name: string, opts: Opts): void {
  const store = openRunStore(opts.runsDir, { readonly: true });
  try {
    const run = requireRun(store, name);
    const summary = summarize(name, runConfig(run), store);
    const models = store
      .models(name)
      .map((m) => ({ name: m.name, parent: m.parent ?? null, ref: m.ref }));
    const samples = store.samples(name).length;
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify({ ...summary, status: run.status, dir: run.dir, models, samples, config: run.config })}\n`,
      );
      return;
    }
    process.stdout.write(
      `run ${name} · ${run.status} · seed ${run.seed} · ${samples} samples · folder ${run.dir}\n`,
    );
    for (const m of models)
      process.stdout.write(
        `  model ${m.name}${m.parent ? ` (from ${m.parent})` : ''}: ${m.ref.kind} ${m.ref.id}\n`,
      );
    process.stdout.write(`\n${formatTable(summary)}\n`);
  } finally {
    store.close();
  }
}

function compare(names: string[], opts: Opts): void {
  const store = openRunStore(opts.runsDir, { readonly: true });
  try {
    const summaries = names.map((n) => summarize(n, runConfig(requireRun(store, n)), store));
    if (opts.json)
      process.stdout.write(`${JSON.stringify({ runs: names, rows: compareRuns(summaries) })}\n`);
    else process.stdout.write(`${formatComparison(summaries)}\n`);
  } finally {
    store.close();
  }
}

export function command(): Command {
  const cmd = new Command('runs').description('List runs, or show one with `runs show <run>`');
  withRunsDir(
    cmd
      .command('list', { isDefault: true })
      .description('list runs, newest first')
      .option('--json', 'one JSON object'),
  ).action((opts: Opts) => list(opts));
  withRunsDir(
    cmd
      .command('show')
      .description('stages, models and results of a run')
      .argument('<run>')
      .option('--json', 'one JSON object'),
  ).action((name: string, opts: Opts) => show(name, opts));
  withRunsDir(
    cmd
      .command('compare')
      .description(
        'accuracy of each ablation row across runs (e.g. seeds), with mean ± sd, as markdown',
      )
      .argument('<runs...>')
      .option('--json', 'one JSON object'),
  ).action((names: string[], opts: Opts) => compare(names, opts));
  cmd.addHelpText(
    'after',
    '\nExamples:\n  self-evolve runs\n  self-evolve runs show demo --json\n  self-evolve runs compare demo demo-2 demo-3',
  );
  return cmd;
}
