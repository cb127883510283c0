// Quality numbers of a scored task's critiques: how self-scores are distributed, how many score
// lines could not be read, and, where the task has a reference grade, how well the self-score
// agrees with it (Spearman) and how good "keep" is. Grades enter here for reporting only.
import { gradeOnScale } from '../self/critique-reading.js';
import type { SampleRecord } from '../spec/run-store.js';
import type { ScoreScale, Task } from '../spec/task.js';

/** A stage's self-scores against the reference grades. */
export interface ScoreMetrics {
  readonly scale: ScoreScale;
  /** Critiques (every attempt's) whose score was read. */
  readonly scored: number;
  /** Critiques with no score line / with a score outside the scale: no verdict, never kept. */
  readonly missing: number;
  readonly out_of_range: number;
  /** Mean of each sample's deciding self-score (its final attempt's), where read. */
  readonly mean: number | null;
  /** Those scores by value: `{"3": 12, "5": 40}`. */
  readonly histogram: Record<string, number>;
  /** Spearman rank correlation of self-score and reference grade over every scored attempt. */
  readonly agreement: number | null;
  /** Of the samples kept (accepted), the fraction whose reference grade reaches the threshold. */
  readonly keep_precision: number | null;
  /** Of the samples whose reference grade reaches the threshold, the fraction kept. */
  readonly keep_recall: number | null;
  /** Mean reference grade in [0, 1] of the first answers, and of the final answers. */
  readonly reference_direct: number | null;
  readonly reference_refined: number | null;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
const mean = (xs: readonly number[]): number | null =>
  xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;

/** Ranks from 1, ties sharing their mean rank. */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => ({ x, i })).sort((a, b) => a.x - b.x);
  const out = new Array<number>(xs.length);
  for (let k = 0; k < order.length; ) {
    let end = k;
    while (end + 1 < order.length && order[end + 1].x === order[k].x) end++;
    for (let j = k; j <= end; j++) out[order[j].i] = (k + end) / 2 + 1;
    k = end + 1;
  }
  return out;
}

/** Spearman's rank correlation; null for fewer than 2 pairs or a constant side. */
export function spearman(a: readonly number[], b: readonly number[]): number | null {
  if (a.length < 2 || a.length !== b.length) return null;
  const ra = ranks(a);
  const rb = ranks(b);
  const ma = mean(ra)!;
  const mb = mean(rb)!;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < ra.length; i++) {
    cov += (ra[i] - ma) * (rb[i] - mb);
    va += (ra[i] - ma) ** 2;
    vb += (rb[i] - mb) ** 2;
  }
  return va === 0 || vb === 0 ? null : cov / Math.sqrt(va * vb);
}

/** Index of the attempt whose text is the sample's final text (its refinement, else the response). */
export function finalAttempt(s: SampleRecord): number {
  if (s.refinement === undefined) return 0;
  for (let i = s.attempts.length - 1; i > 0; i--) if (s.attempts[i].text === s.refinement) return i;
  return s.attempts.length - 1;
}

/**
 * Score metrics of `samples` for a scored task (null otherwise). `accepted` says which samples
 * were kept (a round's `kept`; in an evaluation, a final self-score at the threshold).
 */
export function scoreMetrics(
  task: Task,
  samples: readonly SampleRecord[],
  answers: ReadonlyMap<string, string>,
  accepted: (s: SampleRecord) => boolean,
): ScoreMetrics | null {
  const score = task.score;
  if (!score) return null;
  const { scale } = score;
  const critiques = samples.flatMap((s) => s.attempts.filter((a) => a.feedback !== undefined));
  const deciding = samples.flatMap((s) => {
    const x = s.attempts[finalAttempt(s)]?.score;
    return typeof x === 'number' ? [x] : [];
  });
  const histogram: Record<string, number> = {};
  for (const x of [...deciding].sort((a, b) => a - b))
    histogram[String(x)] = (histogram[String(x)] ?? 0) + 1;
  const grade = score.grade?.bind(score);
  let graded = {
    agreement: null as number | null,
    keep_precision: null as number | null,
    keep_recall: null as number | null,
    reference_direct: null as number | null,
    reference_refined: null as number | null,
  };
  if (grade) {
    const of = (s: SampleRecord, text: string) =>
      grade({ id: s.problemId, prompt: s.prompt, answer: answers.get(s.problemId) }, text);
    const good = (g: number) => gradeOnScale(scale, g) >= scale.threshold;
    const pairs = samples.flatMap((s) =>
      s.attempts.flatMap((a) => (typeof a.score === 'number' ? [[a.score, of(s, a.text)]] : [])),
    );
    const finals = samples.map((s) => ({ s, g: of(s, s.refinement ?? s.response) }));
    const kept = finals.filter(({ s }) => accepted(s));
    const right = finals.filter(({ g }) => good(g));
    graded = {
      agreement: spearman(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      ),
      keep_precision: ratio(kept.filter(({ g }) => good(g)).length, kept.length),
      keep_recall: ratio(right.filter(({ s }) => accepted(s)).length, right.length),
      reference_direct: mean(samples.map((s) => of(s, s.response))),
      reference_refined: mean(finals.map(({ g }) => g)),
    };
  }
  return {
    scale,
    scored: critiques.filter((a) => typeof a.score === 'number').length,
    missing: critiques.filter((a) => a.scoreProblem === 'missing').length,
    out_of_range: critiques.filter((a) => a.scoreProblem === 'out-of-range').length,
    mean: mean(deciding),
    histogram,
    ...graded,
  };
}
