// A LanguageModel that passes every request to a real one and rewrites some of its completions of
// one section: for tests of what the pipeline does with bad model output (a critique's score
// line out of range, or missing) while everything else in the run stays real. Records each rewrite.
import type {
  CompleteOptions,
  Completion,
  CompletionRequest,
  LanguageModel,
  Section,
} from '../spec/language-model.js';

/** The new text of completion number `call` (counted over the section's requests), or `text`. */
export type Rewrite = (text: string, request: CompletionRequest, call: number) => string;

/** One completion the double changed. */
export interface RewriteRecord {
  readonly call: number;
  readonly before: string;
  readonly after: string;
}

/** Wraps `inner`; completions of `section` go through `rewrite`, the rest pass unchanged. */
export class RewritingLanguageModel implements LanguageModel {
  readonly rewrites: RewriteRecord[] = [];
  readonly id: string;

  constructor(
    private readonly inner: LanguageModel,
    private readonly section: Section,
    private readonly rewrite: Rewrite,
    /** Shared across the models a loader hands out, so counts and records span the run. */
    private readonly log: { calls: number; rewrites: RewriteRecord[] } = {
      calls: 0,
      rewrites: [],
    },
  ) {
    this.id = `rewriting:${inner.id}`;
    this.rewrites = log.rewrites;
  }

  async complete(
    requests: readonly CompletionRequest[],
    options?: CompleteOptions,
  ): Promise<Completion[]> {
    const completions = await this.inner.complete(requests, options);
    return completions.map((c, i) => {
      if (requests[i].next !== this.section || c.error !== undefined) return c;
      const call = this.log.calls++;
      const texts = c.texts.map((before) => {
        const after = this.rewrite(before, requests[i], call);
        if (after !== before) this.log.rewrites.push({ call, before, after });
        return after;
      });
      return { ...c, texts };
    });
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
