// Online self-refinement for served requests: the model critiques its answer and rewrites it,
// until its own feedback says correct or the iterations run out. No ground truth is involved.
import type { Completion, LanguageModel, SamplingOptions, Turn } from '../spec/language-model.js';
import type { Verdict } from '../spec/task.js';

/** One round: the critique of the current answer, its verdict, and the rewrite if it was wrong. */
export interface RefineStep {
  readonly feedback: string;
  readonly verdict: Verdict | null;
  readonly refinement?: string;
}

/** What online refinement did, returned as `self_refine_trace` on request. */
export interface RefineTrace {
  readonly initial: string;
  readonly steps: RefineStep[];
  readonly final: string;
}

/** Reads the last `verdict: correct|wrong` (or `incorrect`) in a feedback text. */
export function readVerdict(feedback: string): Verdict | undefined {
  const all = [...feedback.matchAll(/verdict\s*[:=]\s*\**\s*(correct|incorrect|wrong)/gi)];
  if (!all.length) return undefined;
  return all[all.length - 1][1].toLowerCase() === 'correct' ? 'correct' : 'wrong';
}

export interface RefineOptions {
  readonly maxIterations: number;
  readonly sampling: SamplingOptions;
  readonly parseVerdict?: (feedback: string) => Verdict | undefined;
  readonly signal?: AbortSignal;
}

/**
 * Refines `initial`, the answer to the episode `turns` (which end before the response), and
 * returns the trace and the tokens spent. Stops at the first `correct` verdict; a feedback without
 * verdict counts as wrong, so the model gets another try.
 */
export async function selfRefine(
  model: LanguageModel,
  turns: readonly Turn[],
  initial: string,
  options: RefineOptions,
): Promise<{ trace: RefineTrace; usage: Completion['usage'] }> {
  const parse = options.parseVerdict ?? readVerdict;
  const episode: Turn[] = [...turns, { section: 'response', text: initial }];
  const steps: RefineStep[] = [];
  const usage = { inputTokens: 0, outputTokens: 0 };
  const ask = async (next: 'feedback' | 'refinement') => {
    const [c] = await model.complete([{ ...options.sampling, n: 1, turns: episode, next }], {
      signal: options.signal,
    });
    usage.inputTokens += c.usage.inputTokens;
    usage.outputTokens += c.usage.outputTokens;
    return c.texts[0] ?? '';
  };
  let current = initial;
  for (let i = 0; i < options.maxIterations; i++) {
    const feedback = await ask('feedback');
    const verdict = parse(feedback) ?? null;
    episode.push({ section: 'feedback', text: feedback });
    if (verdict === 'correct') {
      steps.push({ feedback, verdict });
      break;
    }
    const refinement = await ask('refinement');
    episode.push({ section: 'refinement', text: refinement });
    steps.push({ feedback, verdict, refinement });
    current = refinement;
  }
  return { trace: { initial, steps, final: current }, usage };
}
