// Samples whose own request failed (a prompt longer than the model's context, a request the server
// refused): counted and reported, as DSPy's Evaluate counts failed examples, and a stage goes on
// until more than its `maxErrors` have failed; then it stops naming the first ones.
import { SelfEvolveError } from '../spec/errors.js';
import type { SampleRecord } from '../spec/run-store.js';

/** How the reason of a failed sample starts. */
export const FAILED = 'failed: ';

export function isFailed(sample: Pick<SampleRecord, 'reason'>): boolean {
  return sample.reason.startsWith(FAILED);
}

/** More samples of a stage failed than it allows. */
export class SampleFailuresError extends SelfEvolveError {
  constructor(
    readonly stage: string,
    readonly failed: readonly SampleRecord[],
    maxErrors: number,
  ) {
    const first = failed
      .slice(0, 3)
      .map((s) => `problem ${s.problemId}: ${s.reason.slice(FAILED.length)}`);
    super(
      'sample_failures',
      `${failed.length} samples of ${stage} failed (more than maxErrors ${maxErrors}): ${first.join('; ')}`,
      {
        isUserError: true,
        hint: 'fix those problems (e.g. shorten prompts that do not fit), or raise maxErrors',
      },
    );
  }
}

/** Throws SampleFailuresError when more than `maxErrors` of `samples` failed. */
export function checkFailures(
  samples: readonly SampleRecord[],
  maxErrors: number,
  stage: string,
): void {
  const failed = samples.filter(isFailed);
  if (failed.length > maxErrors) throw new SampleFailuresError(stage, failed, maxErrors);
}
