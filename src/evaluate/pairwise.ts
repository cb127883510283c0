// Pairwise judged evaluation: each pair of answers (the model's, a baseline's) is judged in both
// orders, A/B then B/A, to cancel the judge's position bias. A pair is a win only when both orders
// prefer the model, a loss only when both prefer the baseline, and a tie otherwise; a pair with an
// unparseable judge answer in either order is counted apart, never as a verdict.

import type { Judge, JudgeRequest } from '../spec/judge.js';
import type { CompleteOptions } from '../spec/language-model.js';
import type { Problem } from '../spec/task.js';
import { type PairwiseVerdict, parsePairwiseVerdict } from './judge-verdicts.js';
import { type ConfidenceInterval, wilsonInterval, winRate } from './win-rate.js';

/** The model's answer and the baseline's to one problem. */
export interface AnswerPair {
  readonly problem: Problem;
  readonly answer: string;
  readonly baseline: string;
}

export type PairOutcome = 'win' | 'tie' | 'loss' | 'unparseable';

/** One order of a pair as judged: which answer was shown first, what the judge wrote and meant. */
export interface OrderJudgement {
  /** `model` when the model's answer was A, `baseline` when the baseline's was. */
  readonly first: 'model' | 'baseline';
  readonly text: string;
  readonly verdict: PairwiseVerdict | null;
  /** Why `text` gave no verdict (or why the call failed). */
  readonly unparseable?: string;
}

export interface PairJudgement {
  readonly id: string;
  readonly outcome: PairOutcome;
  /** Model first (A), then baseline first. */
  readonly orders: readonly [OrderJudgement, OrderJudgement];
}

export interface PairwiseReport {
  /** Pairs judged (both orders), parseable or not. */
  readonly pairs: number;
  readonly wins: number;
  readonly ties: number;
  readonly losses: number;
  /** Pairs with an unparseable judge answer in either order: left out of the win rate. */
  readonly unparseable: number;
  /** Judge answers (of 2 × pairs) that gave no verdict, or whose call failed. */
  readonly unparseable_answers: number;
  /** Decided pairs whose two orders disagreed: a measure of the judge's position bias. */
  readonly inconsistent: number;
  /** (wins + ties / 2) / (wins + ties + losses); null when no pair was decided. */
  readonly win_rate: number | null;
  /** Wilson 95% interval of the win rate over the decided pairs. */
  readonly ci95: ConfidenceInterval | null;
  readonly judgements: readonly PairJudgement[];
}

export interface JudgePairwiseOptions extends CompleteOptions {
  readonly judge: Judge;
  readonly pairs: readonly AnswerPair[];
}

type Preference = 'model' | 'baseline' | 'tie';

function order(
  first: 'model' | 'baseline',
  answer: { text: string; error?: string },
): OrderJudgement {
  if (answer.error !== undefined)
    return { first, text: '', verdict: null, unparseable: `call failed: ${answer.error}` };
  const parsed = parsePairwiseVerdict(answer.text);
  return 'value' in parsed
    ? { first, text: answer.text, verdict: parsed.value }
    : { first, text: answer.text, verdict: null, unparseable: parsed.unparseable };
}

/** Which answer an order's verdict prefers. */
function preference(o: OrderJudgement): Preference {
  if (o.verdict === 'tie') return 'tie';
  const second = o.first === 'model' ? 'baseline' : 'model';
  return o.verdict === 'A' ? o.first : second;
}

function outcome(a: OrderJudgement, b: OrderJudgement): PairOutcome {
  if (a.verdict === null || b.verdict === null) return 'unparseable';
  const [pa, pb] = [preference(a), preference(b)];
  if (pa === 'model' && pb === 'model') return 'win';
  if (pa === 'baseline' && pb === 'baseline') return 'loss';
  return 'tie';
}

/** Judges every pair in both orders (2 requests a pair, in one batch) and counts the outcomes. */
export async function judgePairwise(options: JudgePairwiseOptions): Promise<PairwiseReport> {
  const { judge, pairs } = options;
  const requests: JudgeRequest[] = pairs.flatMap((p) => [
    { kind: 'pairwise', problem: p.problem, first: p.answer, second: p.baseline },
    { kind: 'pairwise', problem: p.problem, first: p.baseline, second: p.answer },
  ]);
  const answers = await judge.judge(requests, {
    signal: options.signal,
    onProgress: options.onProgress,
  });
  const judgements = pairs.map((p, i): PairJudgement => {
    const a = order('model', answers[2 * i]);
    const b = order('baseline', answers[2 * i + 1]);
    return { id: p.problem.id, outcome: outcome(a, b), orders: [a, b] };
  });
  const count = (o: PairOutcome) => judgements.filter((j) => j.outcome === o).length;
  const [wins, ties, losses] = [count('win'), count('tie'), count('loss')];
  const rate = winRate(wins, ties, losses);
  return {
    pairs: pairs.length,
    wins,
    ties,
    losses,
    unparseable: count('unparseable'),
    unparseable_answers: judgements.flatMap((j) => j.orders).filter((o) => o.verdict === null)
      .length,
    inconsistent: judgements.filter(
      (j) => j.outcome !== 'unparseable' && preference(j.orders[0]) !== preference(j.orders[1]),
    ).length,
    win_rate: rate,
    ci95: rate === null ? null : wilsonInterval(rate, wins + ties + losses),
    judgements,
  };
}
