// Stage 2, meta-skill learning: the student answers labelled prompts, the teacher (a checker
// program or a strong model) writes feedback and a corrected solution, tuples whose refinement is
// still wrong are dropped, and the model is trained on D_meta ∪ D_QA. Labels are allowed here
// (they build D_meta). `meta build` and the library's `buildMetaSkills` run this same code.
import { SelfEvolveError } from '../spec/errors.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { SampleRecord } from '../spec/run-store.js';
import type { Problem, Task, Teacher } from '../spec/task.js';
import type { SftExample } from '../spec/trainer.js';
import { readCritique } from './critique-reading.js';
import { answerExample, interleave, metaExample, takeFraction } from './examples.js';
import { FAILED } from './failures.js';
import { deriveSeed, random } from './seeds.js';

/** Why a tuple was dropped because the teacher's feedback held no verdict the task reads. */
export const NO_TEACHER_VERDICT = 'teacher gave no verdict';

/** The teacher's feedback had no verdict, more often than `meta.maxErrors` allows. */
export class TeacherVerdictError extends SelfEvolveError {
  constructor(
    readonly teacher: string,
    readonly problemId: string,
    feedback: string,
  ) {
    const tail = feedback.trim().slice(-120).replace(/\s+/g, ' ');
    super(
      'teacher_verdict',
      `teacher ${teacher} wrote no verdict for problem ${problemId} (its feedback ends: "${tail}")`,
      {
        isUserError: true,
        hint:
          "the feedback must end with a verdict line the task reads (the task's verdict pattern); " +
          "ask for it in the teacher's feedback template, or set meta.maxErrors to drop such tuples",
      },
    );
  }
}

export interface MetaSkillOptions {
  readonly student: LanguageModel;
  readonly teacher: Teacher;
  readonly task: Task;
  /** The problems of this chunk; those without an answer are kept as the teacher wrote them. */
  readonly problems: readonly Problem[];
  /** Position of the chunk, and index of `problems[0]` in the stage (stable seeds and positions). */
  readonly chunk: number;
  readonly offset: number;
  readonly runSeed: number;
  /** Answers sampled per prompt. */
  readonly samples: number;
  readonly temperature: number;
  readonly maxTokens: number;
  /** Drop tuples whose refinement does not reach the reference answer. */
  readonly dropUnfixed: boolean;
  /**
   * Fraction of the problems whose reference solution the teacher also critiques, as if the
   * student had written it: balances D_meta when the student is mostly wrong (default 0).
   */
  readonly references?: number;
  /** Tuples without a teacher verdict this call may drop before it fails (default 0). */
  readonly maxErrors?: number;
  readonly signal?: AbortSignal;
}

/** Whether problem `index` of the stage also gets its reference solution critiqued. */
function withReference(runSeed: number, fraction: number, index: number): boolean {
  // Through the mixing generator: the raw FNV hash of consecutive indices is not uniform enough
  // (28% of indices under a 25% threshold).
  return fraction > 0 && random(deriveSeed(runSeed, 'meta-reference', index))() < fraction;
}

/**
 * One chunk of D_meta: `samples` answers per problem from the student, each reviewed by the
 * teacher (reviews run concurrently; an external teacher's guard limits them).
 */
export async function metaSkillSamples(options: MetaSkillOptions): Promise<SampleRecord[]> {
  const { problems, offset, runSeed, task } = options;
  const jobs = problems.flatMap((problem, j) =>
    Array.from({ length: options.samples }, (_, s) => ({
      problem,
      seed: deriveSeed(runSeed, 'meta', offset + j, s),
    })),
  );
  const completions = await options.student.complete(
    jobs.map((job) => ({
      turns: [{ section: 'prompt', text: job.problem.prompt }],
      next: 'response',
      seed: job.seed,
      temperature: options.temperature,
      maxTokens: options.maxTokens,
    })),
    { signal: options.signal },
  );
  const written = jobs.map((job, k) => ({
    ...job,
    response: completions[k].texts[0] ?? '',
    tokens: completions[k].usage.outputTokens,
    reason: '',
    error: completions[k].error,
  }));
  problems.forEach((problem, j) => {
    if (
      problem.solution === undefined ||
      !withReference(runSeed, options.references ?? 0, offset + j)
    )
      return;
    const seed = deriveSeed(runSeed, 'meta-reference', offset + j);
    written.push({
      problem,
      seed,
      response: problem.solution,
      tokens: 0,
      reason: 'reference, ',
      error: undefined,
    });
  });
  // A student answer that failed (too long a prompt, say) is not reviewed: it counts as failed.
  // Every review finishes before a failure of one stops the chunk: what the teacher answered is
  // then in the response cache, and a resumed run does not pay for it twice.
  const settled = await Promise.allSettled(
    written.map(async (job) =>
      job.error === undefined
        ? options.teacher.review(job.problem, job.response)
        : { feedback: '', refinement: undefined },
    ),
  );
  const failure = settled.find((r) => r.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  const reviews = settled.map(
    (r) => (r as PromiseFulfilledResult<{ feedback: string; refinement?: string }>).value,
  );
  let errors = 0;
  return written.map((job, k) => {
    const review = reviews[k];
    const critique = readCritique(task, review.feedback);
    const verdict = critique.verdict ?? null;
    const answer = job.problem.answer;
    let kept: boolean;
    let reason: string;
    if (job.error !== undefined) {
      kept = false;
      reason = `${FAILED}${job.error}`;
    } else if (verdict === null) {
      if (++errors > (options.maxErrors ?? 0))
        throw new TeacherVerdictError(options.teacher.id, job.problem.id, review.feedback);
      kept = false;
      reason = NO_TEACHER_VERDICT;
    } else if (answer === undefined) {
      kept = true;
      reason = `teacher verdict ${verdict} (no reference answer)`;
    } else {
      const fixed = review.refinement === undefined || task.isCorrect(review.refinement, answer);
      kept = fixed || !options.dropUnfixed;
      reason = kept ? `teacher verdict ${verdict}` : 'refinement still wrong';
    }
    return {
      stage: 'meta',
      chunk: options.chunk,
      index: k,
      problemId: job.problem.id,
      prompt: job.problem.prompt,
      response: job.response,
      feedback: review.feedback,
      verdict,
      refinement: review.refinement,
      attempts: [{ text: job.response, feedback: review.feedback, ...critique }],
      kept,
      reason: job.reason + reason,
      seed: job.seed,
      tokens: job.tokens,
    };
  });
}

/** D_meta as training examples: feedback always, the refinement when the teacher wrote one. */
export function metaCorpus(samples: readonly SampleRecord[]): SftExample[] {
  return samples
    .filter((s) => s.kept && s.feedback !== undefined)
    .map((s) => metaExample(s.prompt, s.response, s.feedback!, s.refinement));
}

/** The answer line of a problem that has no worked solution, in the task's format. */
export function answerText(task: Task, answer: string): string {
  return task.formatAnswer ? task.formatAnswer(answer) : answer;
}

/** D_QA as training examples: the reference solution, or the answer in the task's format. */
export function qaCorpus(task: Task, problems: readonly Problem[]): SftExample[] {
  return problems.map((p) => answerExample(p.prompt, p.solution ?? answerText(task, p.answer!)));
}

/** D_meta ∪ (a `qaMix` fraction of) D_QA, interleaved. */
export function metaTrainingSet(
  samples: readonly SampleRecord[],
  qa: readonly SftExample[],
  qaMix: number,
): SftExample[] {
  return interleave(metaCorpus(samples), takeFraction(qa, qaMix));
}
