// The two kinds of judge: a language model reading the documented judge templates, and a
// programmatic judge that decides by a grading function and answers in the same format, so the
// same strict parsers read both (for tests, and for tasks with a checker and no LLM to spare).

import type { Judge, JudgeAnswer, JudgeRequest } from '../spec/judge.js';
import type { CompleteOptions, CompletionRequest, LanguageModel } from '../spec/language-model.js';
import type { Problem, Task } from '../spec/task.js';
import {
  type JudgeTemplates,
  renderJudgePrompt,
  resolveJudgeTemplates,
} from './judge-templates.js';

export interface ModelJudgeOptions {
  /** Templates replacing the defaults (`DEFAULT_JUDGE_TEMPLATES`), checked when the judge is made. */
  readonly templates?: Partial<JudgeTemplates>;
  /** Longest judge answer, in tokens (default 512). */
  readonly maxTokens?: number;
}

/**
 * A language model as a judge: each request becomes the filled template as the prompt of a
 * greedy `response`, so a judge behind the guard is cached like every other paid call (an
 * identical judgement is never paid for twice).
 */
export function modelJudge(model: LanguageModel, options: ModelJudgeOptions = {}): Judge {
  const templates = resolveJudgeTemplates(options.templates);
  const maxTokens = options.maxTokens ?? 512;
  return {
    id: `model:${model.id}`,
    async judge(requests: readonly JudgeRequest[], complete: CompleteOptions = {}) {
      const asks: CompletionRequest[] = requests.map((r) => ({
        turns: [{ section: 'prompt', text: renderJudgePrompt(r, templates) }],
        next: 'response',
        temperature: 0,
        maxTokens,
      }));
      const completions = await model.complete(asks, complete);
      return completions.map(
        (c): JudgeAnswer =>
          c.error !== undefined ? { text: '', error: c.error } : { text: c.texts[0] ?? '' },
      );
    },
    close: () => model.close?.() ?? Promise.resolve(),
  };
}

/**
 * How good `text` is as an answer to `problem`, from 0 (wrong) to 1 (right). NaN (or anything
 * outside [0, 1]) means it cannot say, e.g. for a problem without a reference answer.
 */
export type GradeFunction = (problem: Problem, text: string) => number;

/**
 * A task's own check as a grade: its graded score (`task.score.grade`, e.g. the fraction of
 * constraints met) when it has one, else 1 when `text` reaches the reference answer and 0 when
 * not. A problem without a reference answer cannot be graded by `isCorrect` (NaN).
 */
export function taskGrade(task: Task): GradeFunction {
  const graded = task.score?.grade;
  if (graded !== undefined) return (problem, text) => graded(problem, text);
  return (problem, text) =>
    problem.answer === undefined ? Number.NaN : task.isCorrect(text, problem.answer) ? 1 : 0;
}

const gradable = (g: number) => Number.isFinite(g) && g >= 0 && g <= 1;

/** What the programmatic judge writes for one request: the grades, then the verdict line. */
function programmaticAnswer(grade: GradeFunction, r: JudgeRequest): string {
  if (r.kind === 'pairwise') {
    const a = grade(r.problem, r.first);
    const b = grade(r.problem, r.second);
    if (!gradable(a) || !gradable(b)) return `Cannot grade problem ${r.problem.id}.`;
    const verdict = a > b ? 'A' : b > a ? 'B' : 'tie';
    return `Programmatic grades: A ${a}, B ${b}.\nVerdict: ${verdict}`;
  }
  const g = grade(r.problem, r.answer);
  if (!gradable(g)) return `Cannot grade problem ${r.problem.id}.`;
  const score = r.scale.min + Math.round(g * (r.scale.max - r.scale.min));
  return `Programmatic grade: ${g}.\nScore: ${score}`;
}

/**
 * A judge without a model: `grade` decides (a task's check, `taskGrade(task)`, or any function
 * into [0, 1]); the better grade wins a pair, equal grades tie, and a rubric score is the grade
 * on the scale. It answers in the templates' format; a problem it cannot grade gets an answer
 * without a verdict, which the evaluation counts as unparseable.
 */
export function programmaticJudge(grade: GradeFunction, options: { id?: string } = {}): Judge {
  return {
    id: `programmatic:${options.id ?? 'grade'}`,
    async judge(requests: readonly JudgeRequest[], complete: CompleteOptions = {}) {
      return requests.map((r, i) => {
        if (complete.signal?.aborted) throw complete.signal.reason;
        const text = programmaticAnswer(grade, r);
        complete.onProgress?.(i + 1, requests.length);
        return { text };
      });
    },
  };
}
