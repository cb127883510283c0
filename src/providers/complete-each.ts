// Runs a batch of completion requests one by one, all started at once, reporting progress as each
// finishes: the shared body of `complete` for models that call per request.
import type { CompleteOptions, Completion, CompletionRequest } from '../spec/language-model.js';

/** `one(request)` for every request, concurrently; results in request order. */
export function completeEach(
  requests: readonly CompletionRequest[],
  options: CompleteOptions,
  one: (request: CompletionRequest) => Promise<Completion>,
): Promise<Completion[]> {
  let done = 0;
  return Promise.all(
    requests.map(async (request) => {
      const completion = await one(request);
      options.onProgress?.(++done, requests.length);
      return completion;
    }),
  );
}
