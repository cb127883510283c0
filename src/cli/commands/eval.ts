// `self-evolve eval`: scores a model on labelled problems, directly and with K online
// refinements: a run's model (--run) or a model of a config (--model, --config). Problems come
// from a file or a shipped dataset (--data), the benchmark's test set, or the task's generator.
// With --judge, a judge model compares the answers with a baseline's or scores them by a rubric.
import { Command } from 'commander';
import { readJsonFile } from '../../config/json-locate.js';
import { PRESETS } from '../../config/presets.js';
import { loadRunConfigFile } from '../../config/run-config.js';
import { resolveProblemFile } from '../../data/datasets.js';
import { readProblemFile } from '../../data/problems.js';
import {
  benchmarkEvalProblems,
  configuredEvalTarget,
  type EvalTarget,
} from '../../runtime/eval-target.js';
import { loadRunModel, openRunStore } from '../../runtime/run-session.js';
import { evaluateModel } from '../../self/stages.js';
import { InvalidInputError } from '../../spec/errors.js';
import type { RunStore } from '../../spec/run-store.js';
import type { Problem, Task } from '../../spec/task.js';
import { createTask } from '../../tasks/task-registry.js';
import { resolveTask } from '../../tasks/task-spec.js';
import {
  JUDGE_HELP,
  type JudgeFlags,
  judgedEval,
  refuseJudgeFlagsWithoutJudge,
  withJudgeFlags,
} from '../judged-eval.js';
import { formatJudged, judgedJson } from '../judged-report.js';
import { intOption } from '../options.js';
import { progressReporter, withRunsDir } from '../run-cli.js';

interface EvalOptions extends JudgeFlags {
  run?: string;
  stage?: string;
  model?: string;
  config?: string;
  data?: string;
  task?: string;
  n: string;
  seed: string;
  refine: string;
  limit?: string;
  format: string;
  shots: string;
  maxTokens: string;
  maxErrors: string;
  cache?: boolean;
  json?: boolean;
  runsDir: string;
}

/** The labelled problems to score: the benchmark's test set, a file or dataset, or generated. */
export function evalProblems(opts: EvalOptions, task: Task): Problem[] {
  const limit = opts.limit === undefined ? undefined : intOption(opts.limit, '--limit');
  const benchmark = benchmarkEvalProblems(task, {
    data: opts.data,
    limit,
    format: opts.format,
    shots: intOption(opts.shots, '--shots'),
  });
  if (benchmark) return benchmark;
  if (opts.data) {
    const file = resolveProblemFile(opts.data, process.cwd(), '--data');
    // A judge needs no reference answers (accuracy is then reported on the labelled ones only).
    return readProblemFile(
      { ...file, limit: limit ?? file.limit },
      { requireAnswer: opts.judge === undefined },
    );
  }
  if (!task.generate) {
    throw new InvalidInputError(
      `task "${task.name}" has no generator`,
      { field: '--task' },
      { hint: 'give --data FILE (or a dataset, e.g. gsm8k:test)' },
    );
  }
  return task.generate(intOption(opts.n, '--n'), intOption(opts.seed, '--seed'));
}

export function command(): Command {
  const cmd = new Command('eval')
    .description(
      'Score a model on labelled problems: direct accuracy and with online self-refinement',
    )
    .option('--run <run>', 'run whose model is scored')
    .option('--stage <name>', 'which of its models (base, meta, round-N; default the last)')
    .option('--model <name>', "a model from --config's models section instead of a run's")
    .option('--config <file>', 'a run config naming the model (with --model) and its task')
    .option(
      '--data <file>',
      'JSON/JSONL of {"prompt", "answer"} records, or a dataset (gsm8k:test, svamp)',
    )
    .option('--task <name>', "task that reads answers (default: the run's or the config's)")
    .option('--n <count>', 'problems to generate without --data', '200')
    .option(
      '--seed <s>',
      "generator seed without --data (1000 is the runs' default test set)",
      '1000',
    )
    .option('--refine <k>', 'online refinement iterations (K; 0 makes no critique calls)', '2')
    .option('--limit <n>', 'score the first n problems')
    .option('--format <f>', 'gsm8k/svamp prompt format: instruct or lm-eval', 'instruct')
    .option('--shots <k>', 'gsm8k with --format lm-eval: solved examples from train.jsonl', '0')
    .option('--max-tokens <n>', 'with --model: longest answer, feedback or refinement', '512')
    .option(
      '--max-errors <n>',
      'problems whose own request may fail (too long a prompt) before the evaluation stops',
      '10',
    )
    .option(
      '--no-cache',
      'with --model or --judge: call the models for every request (default: answers and judgements cached in <config>.cache.sqlite)',
    )
    .option('--json', 'print the metrics as one JSON object');
  withRunsDir(withJudgeFlags(cmd))
    .addHelpText(
      'after',
      `
Examples:
  self-evolve eval --run demo --data test.jsonl --refine 2
  self-evolve eval --run demo --stage base --n 500 --seed 7 --json
  self-evolve eval --task gsm8k --model student --config self.json --limit 200 --refine 0
  self-evolve eval --task svamp --model student --config self.json --json

gsm8k and svamp score the test sets the package ships (datasets/; or --data); answers are read
with lm-evaluation-harness's flexible extraction (docs/benchmarks.md).

With --model, answers are cached in <config>.cache.sqlite, keyed by the request, the endpoint and
what the server says the model is (self-evolve serve reports each checkpoint's digest, so a new
checkpoint behind the same name is a new key); other servers do not say, so after changing the
model behind a name, pass --no-cache or delete the cache file.
${JUDGE_HELP}`,
    )
    .action(async (opts: EvalOptions) => {
      if (!opts.run && !opts.model)
        throw new InvalidInputError('is required: the run whose model to score (or --model)', {
          field: '--run',
        });
      refuseJudgeFlagsWithoutJudge(opts);
      const refine = intOption(opts.refine, '--refine');
      const store = opts.model ? undefined : openRunStore(opts.runsDir, { readonly: true });
      try {
        const target = store ? await runTarget(store, opts) : await modelTarget(opts);
        const label = opts.run ?? opts.model;
        try {
          const problems = target.problems ?? evalProblems(opts, target.task);
          const evaluate = (t: EvalTarget, progressLabel: string) =>
            evaluateModel({
              model: t.model,
              task: t.task,
              problems,
              refine,
              maxTokens: t.maxTokens,
              chunk: t.chunk,
              onProgress: progressReporter(!opts.json),
              label: progressLabel,
              maxErrors: intOption(opts.maxErrors, '--max-errors'),
            });
          const judged = opts.judge
            ? await judgedEval({
                opts,
                target,
                problems,
                store,
                openStage: (stage) => runTarget(store!, { ...opts, stage }),
                evaluate,
              })
            : undefined;
          const { metrics } = judged ?? (await evaluate(target, `eval ${label}/${target.stage}`));
          if (opts.json)
            process.stdout.write(
              `${JSON.stringify({ run: opts.run ?? null, model: opts.model ?? null, stage: target.stage, ...metrics, ...(judged ? judgedJson(judged) : {}) })}\n`,
            );
          else {
            const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
            // Judged answers need no labels: accuracy only when some problems have one.
            if (!judged || metrics.n > 0)
              process.stdout.write(
                `${label}/${target.stage} on ${metrics.n} problems: direct ${pct(metrics.direct_acc)} · refined ${pct(metrics.refined_acc)} · ` +
                  `feedback precision ${pct(metrics.feedback_precision)} recall ${pct(metrics.feedback_recall)} · ` +
                  `wrong→right ${metrics.wrong_to_right} right→wrong ${metrics.right_to_wrong}` +
                  (metrics.errors ? ` · ${metrics.errors} failed (counted wrong)` : '') +
                  '\n',
              );
            if (judged) process.stdout.write(formatJudged(judged, `${label}/${target.stage}`));
          }
        } finally {
          await target.close();
        }
      } finally {
        store?.close();
      }
    });
  return cmd;
}

/** A run's model, scored with the run's generation settings. */
async function runTarget(
  store: RunStore,
  opts: EvalOptions,
): Promise<EvalTarget & { problems?: Problem[] }> {
  const { model, task, stage, config, close } = await loadRunModel(store, opts.run!, opts.stage);
  return {
    model,
    task: opts.task ? createTask(opts.task).task : task,
    stage,
    chunk: config.generation.chunk,
    maxTokens: config.generation.maxTokens,
    close,
  };
}

/**
 * A model of a config; paid calls are cached in `<config>.cache.sqlite`. The problems are read
 * first, so a bad data flag leaves no cache file behind.
 */
async function modelTarget(opts: EvalOptions): Promise<EvalTarget & { problems: Problem[] }> {
  if (!opts.config) {
    throw new InvalidInputError('is required with --model: the config naming the model', {
      field: '--config',
    });
  }
  const config = loadRunConfigFile(opts.config, PRESETS.none);
  const declaresTask =
    (readJsonFile(opts.config).json as Record<string, unknown>).task !== undefined;
  if (!opts.task && !declaresTask) {
    throw new InvalidInputError('is required with --model (e.g. gsm8k, svamp)', {
      field: '--task',
    });
  }
  const task = opts.task ? createTask(opts.task) : await resolveTask(config.task);
  const problems = evalProblems(opts, task.task);
  const target = await configuredEvalTarget({
    config,
    source: opts.config,
    model: opts.model!,
    task,
    maxTokens: intOption(opts.maxTokens, '--max-tokens'),
    format: opts.format,
    cacheFile: opts.cache === false ? undefined : `${opts.config}.cache.sqlite`,
  });
  return { ...target, problems };
}
