// `eval --judge <model>`: the flags, the checks that run before anything is generated, and the
// answers of the model and its baseline handed to the judge. The judging itself is the library's
// (src/evaluate/pairwise.ts, rubric.ts); the judge is opened by src/runtime/configured-judge.ts;
// what is printed, by ./judged-report.ts.
import type { Command } from 'commander';
import { PRESETS } from '../config/presets.js';
import { loadRunConfigFile, type RunConfig } from '../config/run-config.js';
import { answersFor, readAnswerFile } from '../data/answer-file.js';
import { readText } from '../data/records.js';
import { type JudgeTemplates, resolveJudgeTemplates } from '../evaluate/judge-templates.js';
import { parseScale } from '../evaluate/judge-verdicts.js';
import { type EvalMetrics, finalOf } from '../evaluate/metrics.js';
import { type JudgePairwiseOptions, judgePairwise } from '../evaluate/pairwise.js';
import { DEFAULT_RUBRIC_SCALE, scoreWithRubric } from '../evaluate/rubric.js';
import { assertAbsent, writeFileAtomic } from '../files/atomic-write.js';
import { checkConfiguredModel, openConfiguredJudge } from '../runtime/configured-judge.js';
import { configuredEvalTarget, type EvalTarget } from '../runtime/eval-target.js';
import { InvalidInputError } from '../spec/errors.js';
import type { RunStore, SampleRecord } from '../spec/run-store.js';
import type { Problem } from '../spec/task.js';
import { type JudgedResult, judgementLines } from './judged-report.js';
import { intOption } from './options.js';
import { progressReporter } from './run-cli.js';

/** The flags of a judged evaluation (beside eval's own). */
export interface JudgeFlags {
  judge?: string;
  baselineStage?: string;
  baselineModel?: string;
  baselineFile?: string;
  rubric?: string;
  scale: string;
  pairwiseTemplate?: string;
  rubricTemplate?: string;
  judgeMaxTokens: string;
  judgements?: string;
  force?: boolean;
}

/** What eval hands over: its options, the scored target and problems, and how it evaluates. */
export interface JudgedEvalContext {
  readonly opts: JudgeFlags & {
    run?: string;
    model?: string;
    config?: string;
    format: string;
    maxTokens: string;
    cache?: boolean;
    json?: boolean;
  };
  readonly target: EvalTarget;
  readonly problems: readonly Problem[];
  /** The run's store, with --run. */
  readonly store?: RunStore;
  /** Another stage of the run, opened as eval opens --stage. */
  readonly openStage: (stage: string) => Promise<EvalTarget>;
  /** Answers of a target on the problems, as eval scores them. */
  readonly evaluate: (
    target: EvalTarget,
    label: string,
  ) => Promise<{ metrics: EvalMetrics; samples: SampleRecord[] }>;
}

/** Adds the judge's flags to eval. */
export function withJudgeFlags(cmd: Command): Command {
  return cmd
    .option('--judge <model>', "a model of --config's models section judges the answers")
    .option('--baseline-stage <name>', "with --run and --judge: compare with this stage's answers")
    .option('--baseline-model <name>', "with --judge: compare with this model's (from --config)")
    .option(
      '--baseline-file <file>',
      'with --judge: compare with answers in JSONL lines {"id" or "prompt", "answer"}',
    )
    .option('--rubric <file>', 'with --judge: score each answer against the rubric in this file')
    .option('--scale <min-max>', 'the rubric scale, whole numbers', '1-10')
    .option('--pairwise-template <file>', 'replace the pairwise judge prompt (docs/evaluation.md)')
    .option('--rubric-template <file>', 'replace the rubric judge prompt (docs/evaluation.md)')
    .option('--judge-max-tokens <n>', 'longest judge answer', '512')
    .option(
      '--judgements <file>',
      "write every judgement (the judge's text, verdict, outcome) as JSONL",
    )
    .option('--force', 'replace the --judgements file if it exists');
}

export const JUDGE_HELP = `
Judged evaluation (docs/evaluation.md): --judge names a model of --config (any kind; a "checker"
entry judges programmatically by the task's check). With a baseline, each pair of answers is
judged in both orders (A/B, then B/A): a win only if both orders prefer the model, a loss only if
both prefer the baseline, else a tie; the win rate (wins + ties/2 over decided pairs) comes with a
Wilson 95% interval. With --rubric, the judge scores each answer on --scale. A judge answer
without a final "Verdict: A|B|tie" (or "Score: N" on the scale) is counted as unparseable.
Judgements are cached in <config>.cache.sqlite like every paid call (--no-cache to call again).

  self-evolve eval --run demo --stage round-3 --baseline-stage meta --judge gpt --config judge.json
  self-evolve eval --model student --config self.json --task gsm8k --limit 100 --refine 0 \\
      --judge gpt --baseline-file other-answers.jsonl --rubric rubric.txt --scale 1-10 --json`;

const NEEDS_JUDGE = {
  baselineStage: '--baseline-stage',
  baselineModel: '--baseline-model',
  baselineFile: '--baseline-file',
  rubric: '--rubric',
  pairwiseTemplate: '--pairwise-template',
  rubricTemplate: '--rubric-template',
  judgements: '--judgements',
} as const;

/** A judge's flag given without --judge is a mistake, not something to ignore. */
export function refuseJudgeFlagsWithoutJudge(opts: JudgeFlags): void {
  if (opts.judge !== undefined) return;
  for (const [key, flag] of Object.entries(NEEDS_JUDGE)) {
    if (opts[key as keyof typeof NEEDS_JUDGE] !== undefined) {
      throw new InvalidInputError(
        'needs --judge: the model that judges',
        { field: flag },
        {
          hint: 'add --judge <model> naming a model of --config',
        },
      );
    }
  }
}

type Baseline =
  | { kind: 'stage'; name: string }
  | { kind: 'model'; name: string }
  | { kind: 'file'; name: string; answers: string[] };

/** The flags checked, the files read, the judge and baseline found reachable: before any work. */
async function prepare(ctx: JudgedEvalContext) {
  const { opts } = ctx;
  if (!opts.config) {
    throw new InvalidInputError('is required with --judge: the config naming the judge', {
      field: '--config',
    });
  }
  const given = (['baselineStage', 'baselineModel', 'baselineFile'] as const).filter(
    (k) => opts[k] !== undefined,
  );
  if (given.length > 1) {
    throw new InvalidInputError(
      'give one baseline at most',
      { field: '--baseline-stage' },
      {
        hint: 'one of --baseline-stage, --baseline-model, --baseline-file',
      },
    );
  }
  if (!given.length && opts.rubric === undefined) {
    throw new InvalidInputError(
      'needs a baseline to compare with or a rubric to score by',
      { field: '--judge' },
      { hint: 'add --baseline-stage, --baseline-model or --baseline-file, and/or --rubric FILE' },
    );
  }
  const config = loadRunConfigFile(opts.config, PRESETS.none);
  const read = (file: string | undefined) =>
    file === undefined ? undefined : readText(file, 'the template');
  const templates: Partial<JudgeTemplates> = {
    pairwise: read(opts.pairwiseTemplate),
    rubric: read(opts.rubricTemplate),
  };
  resolveJudgeTemplates(templates, {
    pairwise: opts.pairwiseTemplate,
    rubric: opts.rubricTemplate,
  });
  const rubric = opts.rubric === undefined ? undefined : readText(opts.rubric, 'the rubric').trim();
  if (rubric === '') throw new InvalidInputError('is empty', { file: opts.rubric });
  const scale = opts.scale === undefined ? DEFAULT_RUBRIC_SCALE : parseScale(opts.scale);
  if (opts.judgements !== undefined && !opts.force) assertAbsent(opts.judgements);
  const baseline = await baselineOf(ctx, config);
  await checkConfiguredModel(config, opts.judge!, '--judge', 'judge');
  return { config, templates, rubric, scale, baseline, source: opts.config };
}

async function baselineOf(
  ctx: JudgedEvalContext,
  config: RunConfig,
): Promise<Baseline | undefined> {
  const { opts } = ctx;
  if (opts.baselineFile !== undefined) {
    const answers = answersFor(ctx.problems, readAnswerFile(opts.baselineFile), opts.baselineFile);
    return { kind: 'file', name: opts.baselineFile, answers };
  }
  if (opts.baselineStage !== undefined) {
    if (!ctx.store || !opts.run) {
      throw new InvalidInputError('needs --run: the run whose stage to compare with', {
        field: '--baseline-stage',
      });
    }
    const models = ctx.store.models(opts.run);
    if (!models.some((m) => m.name === opts.baselineStage)) {
      throw new InvalidInputError(
        `run "${opts.run}" has no model "${opts.baselineStage}"`,
        { field: '--baseline-stage' },
        { hint: `models: ${models.map((m) => m.name).join(', ') || 'none'}` },
      );
    }
    return { kind: 'stage', name: opts.baselineStage };
  }
  if (opts.baselineModel !== undefined) {
    await checkConfiguredModel(config, opts.baselineModel, '--baseline-model', 'baseline');
    return { kind: 'model', name: opts.baselineModel };
  }
  return undefined;
}

/** Final answers (the answer online refinement returned) in problem order. */
function answersOf(samples: readonly SampleRecord[], problems: readonly Problem[]): string[] {
  const byId = new Map(samples.map((s) => [s.problemId, finalOf(s)]));
  return problems.map((p) => byId.get(p.id) ?? '');
}

async function baselineAnswers(
  ctx: JudgedEvalContext,
  baseline: Baseline,
  config: RunConfig,
  cacheFile: string | undefined,
): Promise<string[]> {
  if (baseline.kind === 'file') return baseline.answers;
  const { opts } = ctx;
  const target =
    baseline.kind === 'stage'
      ? await ctx.openStage(baseline.name)
      : await configuredEvalTarget({
          config,
          source: opts.config!,
          model: baseline.name,
          task: { task: ctx.target.task },
          maxTokens: intOption(opts.maxTokens, '--max-tokens'),
          format: opts.format,
          cacheFile,
        });
  try {
    const label = `eval ${baseline.kind === 'stage' ? `${opts.run}/` : ''}${baseline.name}`;
    const { samples } = await ctx.evaluate(target, label);
    return answersOf(samples, ctx.problems);
  } finally {
    await target.close();
  }
}

/**
 * Answers the problems with the target (and the baseline), then judges: pairwise against the
 * baseline, and against the rubric. Everything that can be checked is checked first.
 */
export async function judgedEval(ctx: JudgedEvalContext): Promise<JudgedResult> {
  const { opts, target, problems } = ctx;
  const plan = await prepare(ctx);
  const cacheFile = opts.cache === false ? undefined : `${plan.source}.cache.sqlite`;
  const { metrics, samples } = await ctx.evaluate(
    target,
    `eval ${opts.run ?? opts.model}/${target.stage}`,
  );
  const answers = answersOf(samples, problems);
  const baseline = plan.baseline
    ? await baselineAnswers(ctx, plan.baseline, plan.config, cacheFile)
    : undefined;
  const judge = await openConfiguredJudge({
    config: plan.config,
    source: plan.source,
    name: opts.judge!,
    task: { task: target.task },
    cacheFile,
    templates: plan.templates,
    maxTokens: intOption(opts.judgeMaxTokens, '--judge-max-tokens'),
  });
  const report = progressReporter(!opts.json);
  const progress = (step: string) => (done: number, total: number) => report({ step, done, total });
  try {
    const pairwise = baseline
      ? await judgePairwise({
          judge,
          pairs: problems.map((problem, i) => ({
            problem,
            answer: answers[i],
            baseline: baseline[i],
          })),
          onProgress: progress('judge pairs'),
        } satisfies JudgePairwiseOptions)
      : undefined;
    const rubric =
      plan.rubric === undefined
        ? undefined
        : await scoreWithRubric({
            judge,
            items: problems.map((problem, i) => ({ problem, answer: answers[i] })),
            rubric: plan.rubric,
            scale: plan.scale,
            onProgress: progress('judge rubric'),
          });
    if (opts.judgements !== undefined) {
      const lines = judgementLines(problems, answers, baseline, pairwise, rubric);
      writeFileAtomic(opts.judgements, lines, { force: opts.force });
    }
    return {
      metrics,
      judge: opts.judge!,
      judgeId: judge.id,
      baseline: plan.baseline ? `${plan.baseline.kind}:${plan.baseline.name}` : null,
      pairwise,
      rubric,
    };
  } finally {
    await judge.close?.();
  }
}
