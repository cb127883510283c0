// GSM8K and SVAMP as Tasks: the documented prompt formats, lm-eval answer extraction, and the
// feedback verdict line of the default chat templates.
import { GSM8K_INSTRUCTION } from '../data/datasets.js';
import { readVerdict } from '../providers/chat-template.js';
import type { Problem, Task, Verdict } from '../spec/task.js';
import { extractFlexible, INVALID, normalizeAnswer, scoreCompletion } from './answer-extraction.js';
import type { BenchmarkName } from './benchmark-datasets.js';

/**
 * How a question becomes a prompt:
 * - `instruct` (default): the question, then `Solve it step by step. End with a final line of the
 *   form "#### <number>".`: for chat models and SELF runs, so strict match can work.
 * - `lm-eval`: lm-evaluation-harness's gsm8k format, `Question: {question}\nAnswer:`, after k
 *   solved examples in the same format (stop at `Question:`).
 */
export type PromptFormat = 'instruct' | 'lm-eval';
export const PROMPT_FORMATS: readonly PromptFormat[] = ['instruct', 'lm-eval'];

export const INSTRUCTION = GSM8K_INSTRUCTION;

/** The prompt for `question` in `format`; `shots` are solved examples (lm-eval format only). */
export function formatPrompt(
  question: string,
  format: PromptFormat,
  shots: readonly Problem[] = [],
): string {
  if (format === 'instruct') return `${question}\n${INSTRUCTION}`;
  const examples = shots.map(
    (s) => `Question: ${s.prompt}\nAnswer: ${s.solution ?? `#### ${s.answer}`}\n\n`,
  );
  return `${examples.join('')}Question: ${question}\nAnswer:`;
}

/** Stop strings that go with a format. */
export function stopStrings(format: PromptFormat): string[] {
  return format === 'lm-eval' ? ['Question:'] : [];
}

/** Problems with prompts in `format`; the answers and solutions are unchanged. */
export function formatProblems(
  problems: readonly Problem[],
  format: PromptFormat,
  shots: readonly Problem[] = [],
): Problem[] {
  return problems.map((p) => ({ ...p, prompt: formatPrompt(p.prompt, format, shots) }));
}

/** A numeric-answer benchmark. Correctness uses flexible extraction (the last number). */
export class BenchmarkTask implements Task {
  constructor(readonly name: BenchmarkName) {}

  extractAnswer(text: string): string | undefined {
    const found = extractFlexible(text);
    return found === INVALID ? undefined : normalizeAnswer(found);
  }

  isCorrect(text: string, answer: string): boolean {
    return scoreCompletion(text, answer).flexible;
  }

  parseVerdict(feedback: string): Verdict | undefined {
    return readVerdict(feedback);
  }

  formatAnswer(answer: string): string {
    return `#### ${answer}`;
  }
}
