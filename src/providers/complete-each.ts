// Runs a batch of completion requests one by one, all started at once, reporting progress as each
// finishes: the shared body of `complete` for models that call per request. When one fails, the
// others still finish before the batch fails, so every answered (and paid) call reaches the
// response cache and a resumed run never pays for it again.
import type { CompleteOptions, Completion, CompletionRequest } from '../spec/language-model.js';

/** `one(request)` for every request, concurrently; results in request order. */
export async function completeEach(
  requests: readonly CompletionRequest[],
  options: CompleteOptions,
  one: (request: CompletionRequest) => Promise<Completion>,
): Promise<Completion[]> {
  let done = 0;
  const settled = await Promise.allSettled(
    requests.map(async (request) => {
      const completion = await one(request);
      options.onProgress?.(++done, requests.length);
      return completion;
    }),
  );
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((s) => (s as PromiseFulfilledResult<Completion>).value);
}
