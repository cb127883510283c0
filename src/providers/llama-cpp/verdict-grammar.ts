// Constrained feedback: a GBNF grammar (free lines, then a last line `verdict: correct|wrong`)
// or a JSON schema ({critique, verdict}) rendered back to the same text, so every task's verdict
// parser reads what a local model writes, however small or off-format the model is.
import type { Verdict } from '../../spec/task.js';

/** How a feedback section is constrained: not at all, by the GBNF grammar, or by JSON schema. */
export type FeedbackConstraint = 'none' | 'grammar' | 'json';

/**
 * Any number of lines, then the verdict line; the model can end only after it. The verdict
 * keyword may be capitalised (the default chat template asks for "Verdict:").
 */
export const VERDICT_GBNF = [
  'root ::= line* verdict',
  'line ::= [^\\n]* "\\n"',
  'verdict ::= ("verdict" | "Verdict") ": " ("correct" | "wrong")',
].join('\n');

/** The JSON the model writes under the `json` constraint. */
export const VERDICT_JSON_SCHEMA = {
  type: 'object',
  properties: {
    critique: { type: 'string' },
    verdict: { enum: ['correct', 'wrong'] },
  },
  required: ['critique', 'verdict'],
} as const;

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
