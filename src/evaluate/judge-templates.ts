// The judge's prompts: documented default templates (docs/evaluation.md), their placeholders, the
// check of a template a user supplies, and rendering a judge request into the prompt a model reads.
import { fillTemplate } from '../providers/chat-template.js';
import { InvalidInputError } from '../spec/errors.js';
import type { JudgeRequest } from '../spec/judge.js';

/** One template per kind of judgement. */
export interface JudgeTemplates {
  readonly pairwise: string;
  readonly rubric: string;
}

export type JudgeKind = keyof JudgeTemplates;

/** Placeholders each template may use; the first ones listed are required. */
export const JUDGE_PLACEHOLDERS = {
  pairwise: { required: ['answer_a', 'answer_b'], optional: ['prompt', 'reference'] },
  rubric: { required: ['answer', 'rubric'], optional: ['prompt', 'reference', 'min', 'max'] },
} as const satisfies Record<
  JudgeKind,
  { required: readonly string[]; optional: readonly string[] }
>;

/**
 * The defaults, in the style of MT-Bench's judge prompts. Each asks for one final line that the
 * strict parsers read: `Verdict: A`, `Verdict: B` or `Verdict: tie`; `Score: N`.
 */
export const DEFAULT_JUDGE_TEMPLATES: JudgeTemplates = {
  pairwise:
    'Please act as an impartial judge and compare the two answers to the question below. ' +
    'Judge correctness first, then helpfulness and clarity. Do not let the order of the ' +
    'answers or their length influence you.\n\n' +
    '[Question]\n{prompt}\n\n' +
    '[Answer A]\n{answer_a}\n[End of answer A]\n\n' +
    '[Answer B]\n{answer_b}\n[End of answer B]\n\n' +
    'Explain your comparison briefly. Then end with one final line, exactly "Verdict: A" if ' +
    'answer A is better, "Verdict: B" if answer B is better, or "Verdict: tie".',
  rubric:
    'Please act as an impartial judge and score the answer to the question below against ' +
    'the rubric.\n\n' +
    '[Question]\n{prompt}\n\n' +
    '[Answer]\n{answer}\n[End of answer]\n\n' +
    '[Rubric]\n{rubric}\n\n' +
    'Explain your assessment briefly. Then end with one final line, exactly "Score: N", where ' +
    'N is a whole number from {min} (worst) to {max} (best).',
};

/** Checks a template's placeholders: none unknown, every required one present. */
export function checkJudgeTemplate(kind: JudgeKind, template: string, where: string): void {
  const { required, optional } = JUDGE_PLACEHOLDERS[kind];
  const known: readonly string[] = [...required, ...optional];
  const used = new Set([...template.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]));
  const list = known.map((p) => `{${p}}`).join(', ');
  for (const name of used) {
    if (!known.includes(name)) {
      throw new InvalidInputError(
        `unknown placeholder {${name}} in the ${kind} judge template`,
        { file: where },
        { hint: `placeholders: ${list}` },
      );
    }
  }
  const missing = required.filter((name) => !used.has(name));
  if (missing.length) {
    throw new InvalidInputError(
      `the ${kind} judge template has no ${missing.map((p) => `{${p}}`).join(' or ')}`,
      { file: where },
      { hint: `a ${kind} template shows the judge ${required.map((p) => `{${p}}`).join(' and ')}` },
    );
  }
}

/** The defaults with `overrides` on top, each checked; `where` names their source for errors. */
export function resolveJudgeTemplates(
  overrides: Partial<JudgeTemplates> = {},
  where: Partial<Record<JudgeKind, string>> = {},
): JudgeTemplates {
  const templates: JudgeTemplates = {
    pairwise: overrides.pairwise ?? DEFAULT_JUDGE_TEMPLATES.pairwise,
    rubric: overrides.rubric ?? DEFAULT_JUDGE_TEMPLATES.rubric,
  };
  for (const kind of Object.keys(templates) as JudgeKind[]) {
    checkJudgeTemplate(kind, templates[kind], where[kind] ?? `${kind} template`);
  }
  return templates;
}

/** The prompt a judge model reads for `request`. Filled in one pass: answers are never expanded. */
export function renderJudgePrompt(request: JudgeRequest, templates: JudgeTemplates): string {
  const { problem } = request;
  const reference = problem.solution ?? problem.answer ?? '(none)';
  if (request.kind === 'pairwise') {
    return fillTemplate(templates.pairwise, {
      prompt: problem.prompt,
      answer_a: request.first,
      answer_b: request.second,
      reference,
    });
  }
  return fillTemplate(templates.rubric, {
    prompt: problem.prompt,
    answer: request.answer,
    rubric: request.rubric,
    reference,
    min: String(request.scale.min),
    max: String(request.scale.max),
  });
}
