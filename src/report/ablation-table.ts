// The figures of an ablation (src/runtime/ablation.ts) over seeds: accuracy by stage for SELF, its
// compute-matched SFT twin and each round control; how much of the oracle filter's gain over
// M_meta the label-free self-filter recovers; SELF minus SFT at the same budget; and each round
// filter's precision and recall of "keep" against the label. Means with the sample spread.
import type { ControlArm, SeedRuns } from '../runtime/ablation.js';
import type { StageSummary } from '../self/summary.js';

export interface Spread {
  readonly values: readonly (number | null)[];
  readonly mean: number | null;
  readonly sd: number | null;
}

export interface AblationFigures {
  readonly seeds: readonly number[];
  readonly stages: readonly string[];
  /** Rows: SELF direct and refined, SFT direct, and each control's direct and refined, by stage. */
  readonly rows: readonly {
    readonly label: string;
    readonly stage: string;
    readonly spread: Spread;
  }[];
  /** (SELF − M_meta) / (oracle − M_meta), direct accuracy after the last round. */
  readonly recovered: Spread | null;
  /** SELF − compute-matched SFT, direct accuracy after the last round. */
  readonly selfMinusSft: Spread | null;
  /** Per round and filter: precision and recall of "keep" against the label. */
  readonly filters: readonly {
    readonly round: string;
    readonly filter: string;
    readonly precision: Spread;
    readonly recall: Spread;
  }[];
}

function spread(values: readonly (number | null)[]): Spread {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return { values, mean: null, sd: null };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd =
    xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { values, mean, sd };
}

const stageOf = (stages: readonly StageSummary[], name: string) =>
  stages.find((s) => s.name === name);

/** The ablation's figures from its runs. */
export function ablationFigures(runs: readonly SeedRuns[]): AblationFigures {
  const stages = runs[0]?.self.stages.map((s) => s.name) ?? [];
  const rounds = stages.filter((s) => s.startsWith('round-'));
  const last = rounds.at(-1);
  const arms = [...new Set(runs.flatMap((r) => Object.keys(r.arms)))] as ControlArm[];
  const rows: { label: string; stage: string; spread: Spread }[] = [];
  const row = (label: string, stage: string, pick: (r: SeedRuns) => number | null | undefined) =>
    rows.push({ label, stage, spread: spread(runs.map((r) => pick(r) ?? null)) });
  for (const stage of stages) {
    row('SELF, direct', stage, (r) => stageOf(r.self.stages, stage)?.direct_acc);
    row('SELF, refined', stage, (r) => stageOf(r.self.stages, stage)?.refined_acc);
    if (stage !== 'base')
      row('SFT on D_QA, same budget', stage, (r) => stageOf(r.self.stages, stage)?.sft?.direct_acc);
    if (stage.startsWith('round-')) {
      for (const arm of arms) {
        row(
          `${CONTROL_NAMES[arm]}, direct`,
          stage,
          (r) => stageOf(r.arms[arm]?.stages ?? [], stage)?.direct_acc,
        );
        row(
          `${CONTROL_NAMES[arm]}, refined`,
          stage,
          (r) => stageOf(r.arms[arm]?.stages ?? [], stage)?.refined_acc,
        );
      }
    }
  }
  const at = (s: readonly StageSummary[] | undefined, name: string | undefined) =>
    name === undefined ? undefined : stageOf(s ?? [], name)?.direct_acc;
  const recovered =
    last && arms.includes('oracle')
      ? spread(
          runs.map((r) => {
            const meta = at(r.self.stages, 'meta');
            const self = at(r.self.stages, last);
            const oracle = at(r.arms.oracle?.stages, last);
            if (meta === undefined || self === undefined || oracle === undefined || oracle <= meta)
              return null;
            return (self - meta) / (oracle - meta);
          }),
        )
      : null;
  const selfMinusSft = last
    ? spread(
        runs.map((r) => {
          const s = stageOf(r.self.stages, last);
          return s?.sft ? s.direct_acc - s.sft.direct_acc : null;
        }),
      )
    : null;
  const filters = rounds.flatMap((round) =>
    [
      ['SELF (self-filter)', (r: SeedRuns) => r.self] as const,
      ...arms.map((a) => [CONTROL_NAMES[a], (r: SeedRuns) => r.arms[a]] as const),
    ].map(([filter, pick]) => ({
      round,
      filter,
      precision: spread(
        runs.map((r) => stageOf(pick(r)?.stages ?? [], round)?.kept_precision ?? null),
      ),
      recall: spread(runs.map((r) => stageOf(pick(r)?.stages ?? [], round)?.kept_recall ?? null)),
    })),
  );
  return { seeds: runs.map((r) => r.seed), stages, rows, recovered, selfMinusSft, filters };
}

/** What each control is called in tables. */
export const CONTROL_NAMES: Record<ControlArm, string> = {
  none: 'unfiltered rounds',
  oracle: 'oracle-filtered rounds (label)',
  vote: 'self-consistency vote, no critique',
};

const pct = (x: number | null) => (x === null ? '-' : (x * 100).toFixed(1));
const pm = (s: Spread) => (s.mean === null ? '-' : `${pct(s.mean)} ± ${pct(s.sd)}`);

/** The figures as markdown: the table by stage, the two headline figures, the filters' quality. */
export function formatAblation(f: AblationFigures): string {
  const seedCols = f.seeds.map((s) => `s${s}`);
  const lines = [
    `| stage | arm | ${seedCols.join(' | ')} | mean ± sd |`,
    `|---|---|${seedCols.map(() => '---:').join('|')}|---:|`,
  ];
  for (const r of f.rows)
    lines.push(
      `| ${r.stage} | ${r.label} | ${r.spread.values.map(pct).join(' | ')} | ${pm(r.spread)} |`,
    );
  const out = [lines.join('\n'), ''];
  if (f.recovered) {
    out.push(
      `Label-free SELF recovers ${pm(f.recovered)}% of the oracle-filtered gain over M_meta (direct accuracy after the last round; per seed: ${f.recovered.values.map(pct).join(', ')}).`,
    );
  }
  if (f.selfMinusSft) {
    out.push(
      `SELF − compute-matched SFT after the last round: ${pm(f.selfMinusSft)} points (per seed: ${f.selfMinusSft.values.map(pct).join(', ')}).`,
    );
  }
  out.push('', '| round | filter | keep precision | keep recall |', '|---|---|---:|---:|');
  for (const q of f.filters)
    out.push(`| ${q.round} | ${q.filter} | ${pm(q.precision)} | ${pm(q.recall)} |`);
  return out.join('\n');
}
