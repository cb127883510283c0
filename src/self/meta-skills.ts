// Stage 2, meta-skill learning: the student answers labelled prompts, the teacher writes feedback
// and a corrected solution, tuples whose refinement is still wrong are dropped, and the model is
// trained on D_meta ∪ D_QA. Labels are allowed here (they build D_meta).
import type { LanguageModel } from '../spec/language-model.js';
import type { SampleRecord } from '../spec/run-store.js';
import type { Problem, Task, Teacher } from '../spec/task.js';
import type { SftExample } from '../spec/trainer.js';
import { answerExample, interleave, metaExample, takeFraction } from './examples.js';
import { deriveSeed, random } from './seeds.js';

export interface MetaSampleOptions {
  readonly runSeed: number;
  /** Answers sampled per prompt. */
  readonly samples: number;
  readonly temperature: number;
  readonly maxTokens: number;
  readonly dropUnfixed: boolean;
  /**
   * Fraction of the problems whose reference solution the teacher also critiques, as if the
   * student had written it: balances D_meta when the student is mostly wrong (default 0).
   */
  readonly references?: number;
  readonly signal?: AbortSignal;
}

/** Whether problem `index` of the stage also gets its reference solution critiqued. */
function withReference(options: MetaSampleOptions, index: number): boolean {
  const fraction = options.references ?? 0;
  // Through the mixing generator: the raw FNV hash of consecutive indices is not uniform enough
  // (28% of indices under a 25% threshold).
  return fraction > 0 && random(deriveSeed(options.runSeed, 'meta-reference', index))() < fraction;
}

/** The answer a problem is graded against. */
function reference(problem: Problem): string {
  if (problem.answer === undefined) throw new Error(`problem ${problem.id} has no answer`);
  return problem.answer;
}

/**
 * One chunk of D_meta: `samples` answers per problem from the student, each reviewed by the
 * teacher. `offset` is the index of `problems[0]` in the stage, for stable seeds and positions.
 */
export async function metaSamples(
  model: LanguageModel,
  task: Task,
  teacher: Teacher,
  problems: readonly Problem[],
  chunk: number,
  offset: number,
  options: MetaSampleOptions,
): Promise<SampleRecord[]> {
  const jobs = problems.flatMap((problem, j) =>
    Array.from({ length: options.samples }, (_, s) => ({
      problem,
      seed: deriveSeed(options.runSeed, 'meta', offset + j, s),
    })),
  );
  const completions = await model.complete(
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
  }));
  problems.forEach((problem, j) => {
    if (problem.solution === undefined || !withReference(options, offset + j)) return;
    const seed = deriveSeed(options.runSeed, 'meta-reference', offset + j);
    written.push({ problem, seed, response: problem.solution, tokens: 0, reason: 'reference, ' });
  });
  const out: SampleRecord[] = [];
  for (const [k, job] of written.entries()) {
    const response = job.response;
    const review = await teacher.review(job.problem, response);
    const verdict = task.parseVerdict(review.feedback) ?? null;
    const answer = reference(job.problem);
    const fixed = review.refinement === undefined || task.isCorrect(review.refinement, answer);
    const kept = fixed || !options.dropUnfixed;
    out.push({
      stage: 'meta',
      chunk,
      index: k,
      problemId: job.problem.id,
      prompt: job.problem.prompt,
      response,
      feedback: review.feedback,
      verdict,
      refinement: review.refinement,
      attempts: [{ text: response, feedback: review.feedback, verdict }],
      kept,
      reason:
        job.reason + (kept ? `teacher verdict ${verdict ?? 'none'}` : 'refinement still wrong'),
      seed: job.seed,
      tokens: job.tokens,
    });
  }
  return out;
}

/** D_meta as training examples: feedback always, the refinement when the teacher wrote one. */
export function metaCorpus(samples: readonly SampleRecord[]): SftExample[] {
  return samples
    .filter((s) => s.kept && s.feedback !== undefined)
    .map((s) => metaExample(s.prompt, s.response, s.feedback!, s.refinement));
}

/** D_QA as training examples: the reference solution, or just the answer line when there is none. */
export function qaCorpus(problems: readonly Problem[]): SftExample[] {
  return problems.map((p) => answerExample(p.prompt, p.solution ?? `answer: ${reference(p)}`));
}

/** D_meta ∪ (a `qaMix` fraction of) D_QA, interleaved. */
export function metaTrainingSet(
  samples: readonly SampleRecord[],
  qa: readonly Problem[],
  qaMix: number,
): SftExample[] {
  return interleave(metaCorpus(samples), takeFraction(qaCorpus(qa), qaMix));
}
