// The results as text: the ablation table modelled on the SELF paper (one accuracy per row) and a
// detailed per-stage table with everything each stage bought.
import type { RunSummary, StageSummary } from '../self/summary.js';

/** One row of the ablation: a label and the accuracy it reports. */
export interface AblationRow {
  readonly label: string;
  readonly accuracy: number;
  readonly stage: StageSummary;
}

/** Rows: base; + meta-skills; + online refinement; rounds 1..T; round T with online refinement. */
export function ablationRows(summary: RunSummary): AblationRow[] {
  const rows: AblationRow[] = [];
  for (const stage of summary.stages) {
    if (stage.name === 'base')
      rows.push({ label: 'base (trained on D_QA)', accuracy: stage.direct_acc, stage });
    else if (stage.name === 'meta') {
      rows.push({ label: '+ meta-skills', accuracy: stage.direct_acc, stage });
      rows.push({ label: '+ meta-skills, online refinement', accuracy: stage.refined_acc, stage });
    } else
      rows.push({
        label: `+ self-evolution ${stage.name.replace('-', ' ')}`,
        accuracy: stage.direct_acc,
        stage,
      });
  }
  const last = summary.stages[summary.stages.length - 1];
  if (last?.name.startsWith('round-')) {
    rows.push({
      label: `+ ${last.name.replace('-', ' ')}, online refinement`,
      accuracy: last.refined_acc,
      stage: last,
    });
  }
  return rows;
}

export const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null): string => (x === null ? '-' : String(x));

/** Aligned text columns: the first left-aligned, the others right-aligned, under a rule. */
export function grid(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fixed = (x: number | null, digits = 2): string => (x === null ? '-' : x.toFixed(digits));

/**
 * A scored task's rows: reference grade of the first and final answers on the held-out set, the
 * mean self-score and its agreement with the grade there and on the stage's data, keep
 * precision/recall on the data, and score lines missing / out of range (data + evaluation). Null
 * for a correct/wrong task. Shared by the text table and report.html.
 */
export function scoreRows(
  summary: RunSummary,
): { caption: string; head: string[]; rows: string[][] } | null {
  const scored = summary.stages.filter((s) => s.scores);
  if (scored.length === 0) return null;
  const { scale } = scored[0].scores!.eval;
  const head = [
    'stage',
    'ref direct',
    'ref refined',
    `self mean /${scale.max}`,
    'agreement',
    'data self mean',
    'data agreement',
    'keep prec',
    'keep rec',
    'missing',
    'out of range',
  ];
  const rows = scored.map((s) => {
    const { eval: e, data: d } = s.scores!;
    return [
      s.name,
      pct(e.reference_direct),
      pct(e.reference_refined),
      fixed(e.mean),
      fixed(e.agreement),
      fixed(d?.mean ?? null),
      fixed(d?.agreement ?? null),
      pct(d?.keep_precision ?? null),
      pct(d?.keep_recall ?? null),
      String(e.missing + (d?.missing ?? 0)),
      String(e.out_of_range + (d?.out_of_range ?? 0)),
    ];
  });
  const caption = `scores (${scale.min}..${scale.max}, kept at ${scale.threshold}): ref = reference grade, agreement = Spearman of self-score and grade`;
  return { caption, head, rows };
}

function scoreTable(summary: RunSummary): string {
  const t = scoreRows(summary);
  return t ? `\n\n${t.caption}\n${grid(t.head, t.rows)}` : '';
}

/** The ablation table and the per-stage details, as aligned text. */
export function formatTable(summary: RunSummary): string {
  // With controls.sft, each trained stage's compute-matched SFT twin stands beside it.
  const twins = summary.stages.some((s) => s.sft);
  const ablation = grid(
    twins ? ['', 'accuracy', 'SFT, same budget'] : ['', 'accuracy'],
    ablationRows(summary).map((r) => {
      const twin = r.label.includes('online refinement') ? null : (r.stage.sft?.direct_acc ?? null);
      return twins ? [r.label, pct(r.accuracy), pct(twin)] : [r.label, pct(r.accuracy)];
    }),
  );
  const details = grid(
    [
      'stage',
      'direct',
      'refined',
      'fb prec',
      'fb rec',
      'w→r',
      'r→w',
      'generated',
      'kept',
      'kept prec',
      'tokens',
      'seconds',
    ],
    summary.stages.map((s) => [
      s.name,
      pct(s.direct_acc),
      pct(s.refined_acc),
      pct(s.feedback_precision),
      pct(s.feedback_recall),
      String(s.wrong_to_right),
      String(s.right_to_wrong),
      num(s.generated),
      num(s.kept),
      pct(s.kept_precision),
      String(s.tokens),
      s.seconds.toFixed(0),
    ]),
  );
  const sftNote = twins
    ? '\nSFT, same budget: the model before each stage trained on D_QA alone, as many characters as the stage read (controls.sft)'
    : '';
  return `${ablation}\n\n${details}${proposalTable(summary)}${scoreTable(summary)}\ntotal ${summary.total_seconds.toFixed(0)} s · fb prec/rec: precision and recall of the model's verdict "wrong" on the held-out set${sftNote}`;
}

/** The rounds on self-proposed prompts: proposals made, kept, and why the others were rejected. */
function proposalTable(summary: RunSummary): string {
  const rounds = summary.stages.filter((s) => s.proposals);
  if (rounds.length === 0) return '';
  const table = grid(
    ['proposed', 'made', 'kept', 'dup', 'near-dup', 'malformed', 'test', 'valid', 'similarity'],
    rounds.map(({ name, proposals: p }) => [
      name,
      String(p!.made),
      String(p!.kept),
      String(p!.duplicate),
      String(p!.near_duplicate),
      String(p!.malformed),
      String(p!.test_overlap),
      pct(p!.valid),
      p!.similarity === null ? '-' : p!.similarity.toFixed(2),
    ]),
  );
  return `\n\n${table}\nproposed: rounds on self-proposed prompts (evolve.propose); test: equal or near a test prompt; similarity: mean, over the kept, of the similarity to the nearest prompt seen`;
}
