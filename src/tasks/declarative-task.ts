// Tasks without code: a config says how the final answer is read (a regex with a capture group,
// the last number, the whole text, a choice letter), how answers compare (exact, case-insensitive,
// numeric with a tolerance) and which verdict line (or score line) a critique ends with. `defineTask` also takes
// functions, for library users who write their task in code.
import { z } from 'zod';
import { parseWithSchema } from '../config/validate.js';
import { regexProblem } from '../data/problems.js';
import { scoreVerdict } from '../self/critique-reading.js';
import type { Problem, Task, TaskScore, Verdict } from '../spec/task.js';
import { scoreLineReader } from './score-line.js';

const flags = z
  .string()
  .regex(/^[imsu]*$/, 'may hold only the flags i, m, s and u')
  .optional();

/** How the final answer is read from a response. */
const answerSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { kind: v } : v),
  z.discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('regex'),
        /** The last match's first capture group is the answer. */
        pattern: z.string(),
        flags,
      })
      .strict()
      .superRefine((a, ctx) => {
        const problem = regexProblem(a.pattern, a.flags);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['pattern'] });
      }),
    /** The last number in the text (lm-evaluation-harness's flexible extraction). */
    z.object({ kind: z.literal('last-number') }).strict(),
    /** The whole text, trimmed. */
    z.object({ kind: z.literal('text') }).strict(),
    /** The last standalone choice letter, e.g. `(B)` or `answer: B`. */
    z
      .object({
        kind: z.literal('choice'),
        choices: z
          .string()
          .regex(/^[A-Za-z0-9]{2,36}$/, 'must list 2 to 36 letters or digits, e.g. "ABCD"')
          .default('ABCD'),
      })
      .strict(),
  ]),
);

/** The verdict line a critique ends with: the last match's first group decides. */
const verdictSchema = z
  .object({
    pattern: z.string().default('verdict\\s*[:=]\\s*\\**\\s*(correct|incorrect|wrong)'),
    flags: flags.default('i'),
    /** Words (of the capture group, any case) that mean the answer is right. */
    correct: z.array(z.string().min(1)).min(1).default(['correct']),
    /** Words that mean it is wrong; any other word is no verdict. */
    wrong: z.array(z.string().min(1)).min(1).default(['wrong', 'incorrect']),
  })
  .strict()
  .superRefine((v, ctx) => {
    const problem = regexProblem(v.pattern, v.flags);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['pattern'] });
  });

/**
 * A score verdict instead of correct/wrong: the last match's first group is the score, on the
 * scale [min, max]; at or above `threshold` the verdict is `correct`.
 */
const scoreSchema = z
  .object({
    pattern: z.string().default('score\\s*[:=]\\s*(-?\\d+(?:\\.\\d+)?)'),
    flags: flags.default('i'),
    min: z.number().default(0),
    max: z.number(),
    threshold: z.number(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const problem = regexProblem(v.pattern, v.flags);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['pattern'] });
    if (!(v.min < v.max))
      ctx.addIssue({ code: 'custom', message: 'must be below max', path: ['min'] });
    if (!(v.threshold >= v.min && v.threshold <= v.max))
      ctx.addIssue({ code: 'custom', message: 'must lie in [min, max]', path: ['threshold'] });
  });

/** A task described in a config (docs/tasks.md, "A task of your own"). */
export const declarativeTaskSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use letters, digits, ".", "_" and "-"')
      .default('custom'),
    answer: answerSchema,
    compare: z.enum(['exact', 'case-insensitive', 'numeric']).default('exact'),
    /** For `numeric`: largest difference still counted equal. */
    tolerance: z.number().min(0).default(0),
    /** Default: the chat templates' `Verdict: correct|wrong` line. */
    verdict: verdictSchema.optional(),
    /** A score line instead of a verdict line (the verdict is then derived from the score). */
    score: scoreSchema.optional(),
    /**
     * What a well-formed prompt matches (a regex; anchor it with ^ and $ for the whole prompt):
     * self-proposed prompts that do not are rejected as malformed (`evolve.propose`).
     */
    prompt: z
      .object({ pattern: z.string(), flags })
      .strict()
      .superRefine((p, ctx) => {
        try {
          new RegExp(p.pattern, p.flags);
        } catch (error) {
          const message = `is not a valid regular expression: ${(error as Error).message}`;
          ctx.addIssue({ code: 'custom', message, path: ['pattern'] });
        }
      })
      .optional(),
    /** How a bare label is written as a response (D_QA without worked solutions). */
    answerFormat: z
      .string()
      .refine((t) => t.includes('{answer}'), 'must contain {answer}')
      .default('{answer}'),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.score && t.verdict)
      ctx.addIssue({
        code: 'custom',
        message: 'give either "verdict" or "score": a scored task derives its verdict',
        path: ['verdict'],
      });
  });

export type DeclarativeTaskInput = z.input<typeof declarativeTaskSchema>;
export type DeclarativeTaskSpec = z.output<typeof declarativeTaskSchema>;

/** A task written in code: only `name` and `extractAnswer` are required. */
export interface TaskDefinition {
  readonly name: string;
  /** The final answer in a response, or undefined when it has none. */
  readonly extractAnswer: (text: string) => string | undefined;
  /** Whether an extracted answer matches the label (default: equal after trimming). */
  readonly matches?: (answer: string, label: string) => boolean;
  /** The verdict a critique ends with (default: the last `verdict: correct|wrong` line). */
  readonly parseVerdict?: (feedback: string) => Verdict | undefined;
  /** A bare answer as a response (default: the answer itself). */
  readonly formatAnswer?: (answer: string) => string;
  /** Why a prompt is malformed (screens self-proposed prompts), or undefined (default: none). */
  readonly validatePrompt?: (prompt: string) => string | undefined;
  readonly generate?: (n: number, seed: number) => Problem[];
  /** A score verdict: critiques end with a score; `parseVerdict` is then derived from it. */
  readonly score?: TaskScore;
}

const LAST_NUMBER = /(-?[$0-9.,]{2,})|(-?[0-9]+)/g;

/** The last match's first group of a global regex. */
function lastGroup(re: RegExp, text: string): string | undefined {
  let last: string | undefined;
  for (const m of text.matchAll(re)) last = m[1] ?? m[2];
  return last;
}

function reader(spec: DeclarativeTaskSpec['answer']): (text: string) => string | undefined {
  switch (spec.kind) {
    case 'regex': {
      const re = new RegExp(spec.pattern, `${(spec.flags ?? '').replace('g', '')}g`);
      return (text) => lastGroup(re, text);
    }
    case 'last-number':
      return (text) => lastGroup(LAST_NUMBER, text);
    case 'text':
      return (text) => text.trim() || undefined;
    case 'choice': {
      const re = new RegExp(`(?<![A-Za-z0-9])([${spec.choices}])(?![A-Za-z0-9])`, 'gi');
      return (text) => lastGroup(re, text)?.toUpperCase();
    }
  }
}

/** A number written with commas, `$` or a final period, as a canonical string; else undefined. */
function canonicalNumber(text: string): string | undefined {
  const cleaned = text.replace(/[,$\s]/g, '').replace(/\.$/, '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned)) return undefined;
  return String(Number(cleaned));
}

function normaliser(spec: DeclarativeTaskSpec): (text: string) => string | undefined {
  if (spec.compare === 'numeric') return canonicalNumber;
  if (spec.compare === 'case-insensitive') return (t) => t.trim().toLowerCase() || undefined;
  return (t) => t.trim() || undefined;
}

/** The verdict reader of a spec: the last match's group, looked up in the word lists. */
export function verdictReader(
  spec: z.output<typeof verdictSchema>,
): (feedback: string) => Verdict | undefined {
  const re = new RegExp(spec.pattern, `${spec.flags.replace('g', '')}g`);
  const correct = new Set(spec.correct.map((w) => w.toLowerCase()));
  const wrong = new Set(spec.wrong.map((w) => w.toLowerCase()));
  return (feedback) => {
    const word = lastGroup(re, feedback)?.toLowerCase();
    if (word === undefined) return undefined;
    if (correct.has(word)) return 'correct';
    return wrong.has(word) ? 'wrong' : undefined;
  };
}

/** A Task from a definition in code. */
class DefinedTask implements Task {
  readonly name: string;
  constructor(
    private readonly definition: TaskDefinition &
      Required<Pick<TaskDefinition, 'matches' | 'parseVerdict'>>,
  ) {
    this.name = definition.name;
    if (definition.score) this.score = definition.score;
    if (definition.generate) this.generate = definition.generate;
    if (definition.formatAnswer) this.formatAnswer = definition.formatAnswer;
    if (definition.validatePrompt) this.validatePrompt = definition.validatePrompt;
  }
  generate?: (n: number, seed: number) => Problem[];
  validatePrompt?: (prompt: string) => string | undefined;
  formatAnswer?: (answer: string) => string;
  score?: TaskScore;
  extractAnswer(text: string): string | undefined {
    return this.definition.extractAnswer(text);
  }
  isCorrect(text: string, answer: string): boolean {
    const got = this.extractAnswer(text);
    return got !== undefined && this.definition.matches(got, answer);
  }
  parseVerdict(feedback: string): Verdict | undefined {
    if (this.score) return scoreVerdict(this.score.scale, this.score.parseScore(feedback));
    return this.definition.parseVerdict(feedback);
  }
}

/** A prompt check from the spec's `prompt` pattern: the reason names the pattern. */
function promptMatcher(spec: { pattern: string; flags?: string }) {
  const re = new RegExp(spec.pattern, (spec.flags ?? '').replace('g', ''));
  return (prompt: string) =>
    re.test(prompt) ? undefined : `does not match the task's prompt pattern /${spec.pattern}/`;
}

const DEFAULT_VERDICT = verdictReader(verdictSchema.parse({}));

/** The score verdict of a declared task (no reference grade: a config cannot declare one). */
function declaredScore(spec: z.output<typeof scoreSchema>): TaskScore {
  const scale = { min: spec.min, max: spec.max, threshold: spec.threshold };
  return { scale, parseScore: scoreLineReader(spec.pattern, spec.flags, scale) };
}

/**
 * A Task from a declarative spec (validated: errors name the field) or from functions. The
 * declarative form is what a config's `task` section holds:
 * `defineTask({ answer: { kind: 'regex', pattern: 'answer: (-?\\d+)' }, compare: 'numeric' })`.
 */
export function defineTask(spec: DeclarativeTaskInput | TaskDefinition, source = 'task'): Task {
  if (!('extractAnswer' in spec)) {
    const parsed = parseWithSchema(declarativeTaskSchema, spec, { file: source });
    const read = reader(parsed.answer);
    const normalise = normaliser(parsed);
    const numeric = parsed.compare === 'numeric';
    return new DefinedTask({
      name: parsed.name,
      extractAnswer: (text) => {
        const raw = read(text);
        return raw === undefined ? undefined : normalise(raw);
      },
      matches: (got, label) => {
        const want = normalise(label);
        if (want === undefined) return false;
        if (!numeric) return got === want;
        return Math.abs(Number(got) - Number(want)) <= parsed.tolerance;
      },
      parseVerdict: parsed.verdict ? verdictReader(parsed.verdict) : DEFAULT_VERDICT,
      formatAnswer: (answer) => parsed.answerFormat.replaceAll('{answer}', answer),
      validatePrompt: parsed.prompt && promptMatcher(parsed.prompt),
      score: parsed.score && declaredScore(parsed.score),
    });
  }
  const definition = spec as TaskDefinition;
  return new DefinedTask({
    ...definition,
    matches: definition.matches ?? ((got, label) => got.trim() === label.trim()),
    parseVerdict: definition.parseVerdict ?? DEFAULT_VERDICT,
  });
}
