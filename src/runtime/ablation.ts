// The controls that make a SELF result readable, run side by side over seeds: SELF itself with its
// compute-matched SFT twin, and forks of it after meta whose rounds keep by another filter (every
// answer, the label as an oracle, a self-consistency vote). Runs already finished are reused and
// unfinished ones resumed, so an interrupted ablation continues where it stopped.
import { mergeConfig, parseRunConfig, type RunConfig } from '../config/run-config.js';
import type { RoundFilter } from '../self/round-filters.js';
import type { RunSummary } from '../self/summary.js';
import { summarize } from '../self/summary.js';
import { forkRun } from './run-fork.js';
import {
  type ExecuteOptions,
  executeRun,
  openRunStore,
  prepareRun,
  runConfig,
  startRun,
} from './run-session.js';

/** The rounds' controls an ablation can add to SELF. */
export type ControlArm = Exclude<RoundFilter, 'self'>;

export interface AblationOptions extends ExecuteOptions {
  /** SELF's config; each seed's run gets `controls.sft` on. */
  readonly config: RunConfig;
  readonly seeds: readonly number[];
  readonly arms: readonly ControlArm[];
  /** Runs are named `<prefix>-s<seed>` and `<prefix>-s<seed>-<arm>`. */
  readonly prefix: string;
  readonly runsDir: string;
  /** Told when a run starts, resumes or is found finished. */
  readonly onRun?: (name: string, state: 'start' | 'resume' | 'done') => void;
}

/** One seed's runs: SELF (with its SFT twins) and each control. */
export interface SeedRuns {
  readonly seed: number;
  readonly self: RunSummary;
  readonly arms: Partial<Record<ControlArm, RunSummary>>;
}

/** How a control's rounds are set: the vote needs several samples and no critique. */
function armConfig(self: RunConfig, arm: ControlArm): RunConfig {
  const evolve = arm === 'vote' ? { filter: arm, samples: 4, agree: 0 } : { filter: arm };
  return parseRunConfig(mergeConfig(self, { evolve, controls: { sft: false } }), {
    file: `control ${arm}`,
  });
}

/** Runs (or resumes, or reuses) every run of the ablation; returns their summaries by seed. */
export async function runAblation(options: AblationOptions): Promise<SeedRuns[]> {
  const out: SeedRuns[] = [];
  for (const seed of options.seeds) {
    const self = await prepareRun(
      parseRunConfig(mergeConfig(options.config, { seed, controls: { sft: true } }), {
        file: `seed ${seed}`,
      }),
    );
    const name = `${options.prefix}-s${seed}`;
    const summary = await ensure(options, name, (store) =>
      startRun(store, options.runsDir, name, self, false),
    );
    const arms: Partial<Record<ControlArm, RunSummary>> = {};
    for (const arm of options.arms) {
      const armName = `${name}-${arm}`;
      arms[arm] = await ensure(options, armName, (store) =>
        forkRun(store, options.runsDir, armName, name, armConfig(self, arm), false),
      );
    }
    out.push({ seed, self: summary, arms });
  }
  return out;
}

/** The run `name` finished: created with `create` when missing, resumed when unfinished. */
async function ensure(
  options: AblationOptions,
  name: string,
  create: (store: ReturnType<typeof openRunStore>) => ReturnType<typeof startRun>,
): Promise<RunSummary> {
  const store = openRunStore(options.runsDir);
  try {
    let run = store.getRun(name);
    if (run?.status === 'finished') {
      options.onRun?.(name, 'done');
      return summarize(name, runConfig(run), store);
    }
    options.onRun?.(name, run ? 'resume' : 'start');
    run ??= create(store);
    return await executeRun(store, run, options);
  } finally {
    store.close();
  }
}
