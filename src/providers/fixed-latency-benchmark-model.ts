// A model for benchmarking the plumbing, not a language model: it waits a fixed time per call and
// answers with a canned, deterministic text. Used by `bench pipeline` to measure throughput.
import type {
  CompleteOptions,
  Completion,
  CompletionRequest,
  LanguageModel,
} from '../spec/language-model.js';
import { completeEach } from './complete-each.js';

/** Waits `latencyMs` per request (all requests wait concurrently), then answers. */
export class FixedLatencyBenchmarkModel implements LanguageModel {
  readonly id: string;
  private inFlight = 0;
  /** The most requests seen waiting at once: shows the concurrency the caller achieved. */
  peakInFlight = 0;
  calls = 0;

  constructor(readonly latencyMs = 200) {
    this.id = `fixed-latency-benchmark:${latencyMs}ms`;
  }

  async complete(
    requests: readonly CompletionRequest[],
    options: CompleteOptions = {},
  ): Promise<Completion[]> {
    return completeEach(requests, options, async (request) => {
      this.inFlight++;
      this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      } finally {
        this.inFlight--;
      }
      this.calls++;
      return cannedCompletion(request);
    });
  }
}

/** The canned text for a section: an answer, then a critique that accepts it. */
function cannedCompletion(request: CompletionRequest): Completion {
  const prompt = request.turns.find((t) => t.section === 'prompt')?.text ?? '';
  const text =
    request.next === 'feedback'
      ? 'Each step checks out.\nVerdict: correct'
      : `Working through the problem (${prompt.length} characters).\n#### 42`;
  const n = request.n ?? 1;
  return {
    texts: Array(n).fill(text),
    finishReasons: Array(n).fill('stop'),
    usage: {
      inputTokens: Math.ceil(prompt.length / 4),
      outputTokens: Math.ceil(text.length / 4) * n,
    },
  };
}
