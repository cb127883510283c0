// What a self-evolution round keeps. `self` is SELF's filter: the model's own last verdict. The
// others are the controls that make SELF's result readable: `none` keeps every final answer (the
// paper's unfiltered rounds), `oracle` keeps what matches the ground-truth label (STaR, ReST-EM:
// the ceiling a label-free filter is measured against; the only filter that sees a label), and
// `vote` keeps the answer most of m samples reach, with no critique at all (self-consistency).
import type { Task } from '../spec/task.js';
import { finalText, lastVerdict, type RefineTrace } from './refine-loop.js';

/** The filters a round can use; `self` is the default and the only one that is SELF. */
export const ROUND_FILTERS = ['self', 'none', 'oracle', 'vote'] as const;
export type RoundFilter = (typeof ROUND_FILTERS)[number];

export interface FilterDecision {
  readonly kept: boolean;
  readonly reason: string;
}

/** The self-filter: keep a sample only if the model's own last feedback says `correct`. */
export function selfFilter(task: Task, trace: RefineTrace): FilterDecision {
  const verdict = lastVerdict(trace);
  const last = trace.attempts[trace.attempts.length - 1];
  if (last?.scoreProblem !== undefined)
    return { kept: false, reason: `self-score ${last.scoreProblem}` };
  if (verdict === null) return { kept: false, reason: 'no self-verdict' };
  if (typeof last?.score === 'number' && verdict === 'wrong')
    return { kept: false, reason: `self-score ${last.score} below the threshold` };
  if (verdict === 'wrong') return { kept: false, reason: 'self-verdict wrong' };
  if (task.extractAnswer(finalText(trace)) === undefined)
    return { kept: false, reason: 'no answer' };
  return {
    kept: true,
    reason: trace.attempts.length > 1 ? 'refined, self-verdict correct' : 'self-verdict correct',
  };
}

/** The unfiltered control: every final answer is kept (one without an answer too). */
export function keepAll(): FilterDecision {
  return { kept: true, reason: 'unfiltered (control)' };
}

/** The oracle control: keep the final answer when it matches the label. */
export function oracleFilter(
  task: Task,
  trace: RefineTrace,
  label: string | undefined,
): FilterDecision {
  if (label === undefined) return { kept: false, reason: 'no label (oracle control)' };
  return task.isCorrect(finalText(trace), label)
    ? { kept: true, reason: 'matches the label (oracle control)' }
    : { kept: false, reason: 'misses the label (oracle control)' };
}

/**
 * A round's decision for one prompt's samples. With `agree` > 0 (and `self`), an accepted sample
 * is kept only if `agree` of the m samples reach its answer; `vote` keeps the most common answer
 * when at least `agree` (default: a strict majority) reach it. At most one sample per prompt is
 * kept when m > 1.
 */
export function decide(
  filter: RoundFilter,
  task: Task,
  group: readonly RefineTrace[],
  agree: number,
  label: string | undefined,
): FilterDecision[] {
  const answers = group.map((t) => task.extractAnswer(finalText(t)));
  const count = (a: string | undefined) => answers.filter((b) => b === a).length;
  let keptOne = false;
  const one = (d: FilterDecision): FilterDecision => {
    if (d.kept && keptOne && group.length > 1)
      return { kept: false, reason: 'another sample of this prompt was kept' };
    keptOne ||= d.kept;
    return d;
  };
  if (filter === 'vote') {
    const need = agree > 0 ? agree : Math.floor(group.length / 2) + 1;
    const best = answers.reduce<string | undefined>(
      (b, a) => (a !== undefined && (b === undefined || count(a) > count(b)) ? a : b),
      undefined,
    );
    return answers.map((a) =>
      one(
        a !== undefined && a === best && count(a) >= need
          ? { kept: true, reason: `${count(a)} of ${group.length} samples agree (vote control)` }
          : { kept: false, reason: `no answer reached by ${need} of ${group.length} samples` },
      ),
    );
  }
  return group.map((trace, s) => {
    let d =
      filter === 'none'
        ? keepAll()
        : filter === 'oracle'
          ? oracleFilter(task, trace, label)
          : selfFilter(task, trace);
    if (filter === 'self' && d.kept && agree > 0 && count(answers[s]) < agree)
      d = { kept: false, reason: `only ${count(answers[s])} of ${group.length} samples agree` };
    return one(d);
  });
}
