// Answer → self-feedback → self-refinement, repeated until the model's own feedback says correct
// (for a scored task: the score reaches the threshold, or stops improving) or k refinements were
// written. Used by self-evolution (stage 3) and online refinement (stage 4);
// it receives prompts only, never an answer, so no label can reach either stage.
import type { CompletionRequest, LanguageModel, Section, Turn } from '../spec/language-model.js';
import type { Attempt } from '../spec/run-store.js';
import type { Task, Verdict } from '../spec/task.js';
import { readCritique } from './critique-reading.js';
import { deriveSeed } from './seeds.js';

/** A prompt to work on, with the seed all of its sampling derives from. No answer. */
export interface SeededPrompt {
  readonly id: string;
  readonly prompt: string;
  readonly seed: number;
}

export interface RefineLoopOptions {
  /** Refinements allowed after the first response (k); 0 = answer and critique only. */
  readonly refine: number;
  /** Sampling temperature for responses and refinements; feedback is always greedy. */
  readonly temperature: number;
  readonly maxTokens: {
    readonly response: number;
    readonly feedback: number;
    readonly refinement: number;
  };
  /** Critique the answers at all (default true); without, the loop only answers. */
  readonly critique?: boolean;
  readonly signal?: AbortSignal;
  /** Called after each model call with requests done so far and an upper bound of the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What the loop produced for one prompt. */
export interface RefineTrace {
  /** Attempt 0 is the response; each later one a refinement. Each carries its own feedback. */
  readonly attempts: Attempt[];
  /** Tokens generated for this prompt. */
  tokens: number;
  /** Why this prompt failed (its request alone: too long for the context, refused), if it did. */
  error?: string;
}

/** The verdict of an attempt's feedback; refinement continues only on an explicit `wrong`. */
export function lastVerdict(trace: RefineTrace): Verdict | null {
  return trace.attempts[trace.attempts.length - 1]?.verdict ?? null;
}

/** The final text: the last attempt written. */
export function finalText(trace: RefineTrace): string {
  return trace.attempts[trace.attempts.length - 1].text;
}

/**
 * Whether attempt `step` scored higher than the one before it: a scored task's refinement that
 * scores no better than its predecessor ends the loop. Always true without scores.
 */
export function improved(trace: RefineTrace, step: number): boolean {
  const now = trace.attempts[step]?.score;
  const before = trace.attempts[step - 1]?.score;
  return step === 0 || typeof now !== 'number' || typeof before !== 'number' || now > before;
}

function request(
  turns: Turn[],
  next: Section,
  seed: number,
  maxTokens: number,
  temperature: number,
): CompletionRequest {
  return { turns, next, seed, maxTokens, temperature };
}

/**
 * Runs the loop on a batch of prompts: every call to the model is one batched `complete` over
 * the prompts still active. Each request's seed derives from the prompt's seed and the step, so
 * results do not depend on which other prompts share the batch.
 */
export async function refineLoop(
  model: LanguageModel,
  task: Task,
  prompts: readonly SeededPrompt[],
  options: RefineLoopOptions,
): Promise<RefineTrace[]> {
  const { maxTokens, temperature } = options;
  const traces: RefineTrace[] = prompts.map(() => ({ attempts: [], tokens: 0 }));
  const total =
    options.critique === false ? prompts.length : prompts.length * (2 + 2 * options.refine);
  let done = 0;
  const call = async (indices: number[], make: (i: number) => CompletionRequest) => {
    const completions = await model.complete(indices.map(make), { signal: options.signal });
    done += indices.length;
    options.onProgress?.(done, total);
    return completions.map((c, j) => {
      const trace = traces[indices[j]];
      trace.tokens += c.usage.outputTokens;
      if (c.error !== undefined) trace.error ??= c.error;
      return c.texts[0] ?? '';
    });
  };
  /** Prompts whose requests failed take no further step. */
  const alive = (indices: number[]) => indices.filter((i) => traces[i].error === undefined);
  const promptTurn = (i: number): Turn => ({ section: 'prompt', text: prompts[i].prompt });

  let active = prompts.map((_, i) => i);
  const responses = await call(active, (i) =>
    request(
      [promptTurn(i)],
      'response',
      deriveSeed(prompts[i].seed, 'response'),
      maxTokens.response,
      temperature,
    ),
  );
  for (const [j, i] of active.entries()) traces[i].attempts.push({ text: responses[j] });
  if (options.critique === false) return traces;
  active = alive(active);

  for (let step = 0; active.length > 0; step++) {
    // Critique the latest attempt, written as a fresh response to the prompt.
    const feedback = await call(active, (i) => {
      const latest = traces[i].attempts[step].text;
      return request(
        [promptTurn(i), { section: 'response', text: latest }],
        'feedback',
        deriveSeed(prompts[i].seed, 'feedback', step),
        maxTokens.feedback,
        0,
      );
    });
    active.forEach((i, j) => {
      const a = traces[i].attempts[step];
      traces[i].attempts[step] = {
        ...a,
        feedback: feedback[j],
        ...readCritique(task, feedback[j]),
      };
    });
    if (step >= options.refine) break;
    active = alive(active).filter(
      (i) => traces[i].attempts[step].verdict === 'wrong' && improved(traces[i], step),
    );
    if (active.length === 0) break;
    const refinements = await call(active, (i) => {
      const a = traces[i].attempts[step];
      const turns: Turn[] = [
        promptTurn(i),
        { section: 'response', text: a.text },
        { section: 'feedback', text: a.feedback ?? '' },
      ];
      return request(
        turns,
        'refinement',
        deriveSeed(prompts[i].seed, 'refinement', step),
        maxTokens.refinement,
        temperature,
      );
    });
    for (const [j, i] of active.entries()) traces[i].attempts.push({ text: refinements[j] });
    active = alive(active);
  }
  return traces;
}
