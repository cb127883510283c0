// Constrained feedback: a GBNF grammar (free lines, then a last line `verdict: correct|wrong`)
// or a JSON schema ({critique, verdict}) rendered back to the same text, so every task's verdict
// parser reads what a local model writes, however small or off-format the model is.
import type { Verdict } from '../../spec/task.js';

/** How a feedback section is constrained: not at all, by the GBNF grammar, or by JSON schema. */
export type FeedbackConstraint = 'none' | 'grammar' | 'json';

/** Bounds of the critique before the verdict line. */
export interface VerdictLimits {
  readonly lines: number;
  readonly lineLength: number;
}

export const DEFAULT_VERDICT_LIMITS: VerdictLimits = { lines: 12, lineLength: 240 };

/**
 * GBNF: up to `lines` lines of up to `lineLength` characters, then the verdict line; the model can
 * end only after it, and must reach it within the bounds. The keyword may be capitalised (the
 * default chat template asks for "Verdict:").
 */
export function verdictGbnf(limits: VerdictLimits = DEFAULT_VERDICT_LIMITS): string {
  return [
    `root ::= line{0,${limits.lines}} verdict`,
    `line ::= [^\\n]{0,${limits.lineLength}} "\\n"`,
    'verdict ::= ("verdict" | "Verdict") ": " ("correct" | "wrong")',
  ].join('\n');
}

/** The JSON the model writes under the `json` constraint; the critique as long as the GBNF allows. */
export function verdictJsonSchema(limits: VerdictLimits = DEFAULT_VERDICT_LIMITS) {
  return {
    type: 'object',
    properties: {
      critique: { type: 'string', maxLength: limits.lines * (limits.lineLength + 1) },
      verdict: { enum: ['correct', 'wrong'] },
    },
    required: ['critique', 'verdict'],
  } as const;
}

/** Feedback text from the JSON answer: the critique, then `verdict: <v>` on its own line. */
export function renderJsonFeedback(json: string): string {
  try {
    const parsed = JSON.parse(json) as { critique?: unknown; verdict?: unknown };
    const verdict: Verdict | undefined =
      parsed.verdict === 'correct' || parsed.verdict === 'wrong' ? parsed.verdict : undefined;
    const critique = typeof parsed.critique === 'string' ? parsed.critique.trim() : '';
    if (!verdict) return critique;
    return critique ? `${critique}\nverdict: ${verdict}` : `verdict: ${verdict}`;
  } catch {
    // Cut off by maxTokens before the JSON closed: keep the raw text, it has no verdict.
    return json;
  }
}
