// The run's results as one plain object: a row per stage with what it bought. This is the shape of
// `--json` output and the input of the table and report.html.
import type { EvalMetrics, KeptMetrics } from '../evaluate/metrics.js';
import type { ScoreMetrics } from '../evaluate/score-metrics.js';
import type { RunStore } from '../spec/run-store.js';
import type { SelfSettings } from './config.js';
import type { ProposalStats } from './propose-prompts.js';

/** What the summary needs of a config: how many rounds it has. */
type RoundsOf = { readonly evolve: Pick<SelfSettings['evolve'], 'rounds'> };

/** One stage's numbers; quality fields are measured on the held-out set. */
export interface StageSummary {
  readonly name: string;
  readonly direct_acc: number;
  readonly refined_acc: number;
  readonly feedback_precision: number | null;
  readonly feedback_recall: number | null;
  /** Training samples the stage kept (D_meta tuples, or D_self after the self-filter); null for base. */
  readonly kept: number | null;
  /** Fraction of kept samples whose final answer is right (ground truth, reporting only). */
  readonly kept_precision: number | null;
  /** Fraction of the samples with a right final answer that were kept (reporting only). */
  readonly kept_recall: number | null;
  /** What the round kept by: `self` (SELF), or a control (`none`, `oracle`, `vote`); null otherwise. */
  readonly filter: string | null;
  /** Characters the stage's training read (its budget); null for an untrained stage. */
  readonly trained_chars: number | null;
  /**
   * The compute-matched SFT control at this stage (`controls.sft`): the twin trained on D_QA alone
   * with the same budget, direct accuracy on the same test set.
   */
  readonly sft: {
    readonly direct_acc: number;
    readonly trained_on: number;
    readonly trained_chars: number;
  } | null;
  readonly seconds: number;
  readonly generated: number | null;
  readonly trained_on: number | null;
  readonly wrong_to_right: number;
  readonly right_to_wrong: number;
  /** Feedback quality on the stage's own generated data (the model that generated it). */
  readonly data_feedback_precision: number | null;
  readonly data_feedback_recall: number | null;
  /** Tokens generated: stage data plus evaluation. */
  readonly tokens: number;
  /** Samples whose own request failed (too long for the context, refused): stage data plus evaluation. */
  readonly errors: number;
  /** A round on self-proposed prompts (`evolve.propose`): what was proposed, kept and rejected. */
  readonly proposals?: ProposalStats;
  /**
   * A scored task's self-scores against reference grades, on the held-out set (`eval`) and on the
   * stage's own data (`data`); absent for a correct/wrong task.
   */
  readonly scores?: { readonly eval: ScoreMetrics; readonly data: ScoreMetrics | null };
}

export interface RunSummary {
  readonly run: string;
  readonly stages: StageSummary[];
  readonly total_seconds: number;
  /**
   * External calls of this session by role (`teacher`, `model:<stage>`): calls, cache hits,
   * retries, failures, tokens and cost. Absent when the run made none (all embedded).
   */
  readonly usage?: Readonly<Record<string, unknown>>;
}

/** The stage names of a config, in order. */
export function stageNames(config: RoundsOf): string[] {
  return [
    'base',
    'meta',
    ...Array.from({ length: config.evolve.rounds }, (_, i) => `round-${i + 1}`),
  ];
}

/** Builds the summary of a run from the stage records in the store (finished stages only). */
export function summarize(run: string, config: RoundsOf, store: RunStore): RunSummary {
  const stages: StageSummary[] = [];
  for (const name of stageNames(config)) {
    const record = store.getStage(run, name);
    if (!record) continue;
    const m = record.metrics as {
      eval: EvalMetrics;
      data?: KeptMetrics;
      trained_on?: number;
      trained_chars?: number;
      filter?: string;
      proposals?: ProposalStats;
    };
    const twin = store.getStage(run, `sft-${name}`)?.metrics as
      | { eval: EvalMetrics; trained_on: number; trained_chars: number }
      | undefined;
    stages.push({
      name,
      direct_acc: m.eval.direct_acc,
      refined_acc: m.eval.refined_acc,
      feedback_precision: m.eval.feedback_precision,
      feedback_recall: m.eval.feedback_recall,
      kept: m.data?.kept ?? null,
      kept_precision: m.data?.kept_precision ?? null,
      kept_recall: m.data?.kept_recall ?? null,
      filter: m.filter ?? null,
      trained_chars: m.trained_chars ?? null,
      sft: twin
        ? {
            direct_acc: twin.eval.direct_acc,
            trained_on: twin.trained_on,
            trained_chars: twin.trained_chars,
          }
        : null,
      seconds: round(record.seconds),
      generated: m.data?.generated ?? null,
      trained_on: m.trained_on ?? null,
      wrong_to_right: m.eval.wrong_to_right,
      right_to_wrong: m.eval.right_to_wrong,
      data_feedback_precision: m.data?.feedback_precision ?? null,
      data_feedback_recall: m.data?.feedback_recall ?? null,
      tokens: m.eval.tokens + (m.data?.tokens ?? 0),
      errors: (m.eval.errors ?? 0) + (m.data?.errors ?? 0),
      ...(m.proposals && { proposals: m.proposals }),
      ...(m.eval.scores && { scores: { eval: m.eval.scores, data: m.data?.scores ?? null } }),
    });
  }
  // Every stage record counts, the controls' twins too.
  const total = store.stages(run).reduce((n, r) => n + r.seconds, 0);
  return { run, stages, total_seconds: round(total) };
}

const round = (x: number): number => Math.round(x * 10) / 10;
