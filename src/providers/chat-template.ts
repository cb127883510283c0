// Chat templates: how a SELF episode (prompt, response, feedback, refinement) becomes chat
// messages for a chat model, and how a chat conversation becomes an episode for our own models.
// The defaults are documented in docs/providers.md and every template can be overridden in config.
import { InvalidInputError } from '../spec/errors.js';
import type { Section, Turn } from '../spec/language-model.js';
import type { Verdict } from '../spec/task.js';

/** A plain chat message, the common ground of the AI SDK, OpenAI's API and our server. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** One section's template: an optional system message and the user message. */
export interface SectionTemplate {
  readonly system?: string;
  readonly user: string;
}

/**
 * Templates for the sections a chat model is asked to write. Placeholders: `{prompt}` (the task),
 * `{response}` (the latest answer: the last refinement, else the first response) and
 * `{feedback}` (the latest feedback).
 */
export interface ChatTemplates {
  readonly response: SectionTemplate;
  readonly feedback: SectionTemplate;
  readonly refinement: SectionTemplate;
}

export const PLACEHOLDERS = ['prompt', 'response', 'feedback'] as const;

/** The default templates. Feedback ends in a `Verdict:` line that tasks' verdict parsers read. */
export const DEFAULT_CHAT_TEMPLATES: ChatTemplates = {
  response: {
    user: '{prompt}',
  },
  feedback: {
    system: 'You review solutions carefully and say exactly where they go wrong.',
    user:
      'Problem:\n{prompt}\n\nProposed solution:\n{response}\n\n' +
      'Check the solution step by step. If a step is wrong, name it and say why. ' +
      'End with one final line, exactly "Verdict: correct" or "Verdict: wrong".',
  },
  refinement: {
    system: 'You rewrite solutions so that they are correct and complete.',
    user:
      'Problem:\n{prompt}\n\nProposed solution:\n{response}\n\nReview of the solution:\n{feedback}\n\n' +
      'Write a corrected, complete solution that fixes what the review found, in the same format.',
  },
};

/** Sections a chat model can be asked to write. */
export type ChatSection = keyof ChatTemplates;

/** The defaults with a config's overrides on top, checked for unknown placeholders. */
export function resolveTemplates(
  overrides: Partial<ChatTemplates> | undefined,
  source = 'config',
): ChatTemplates {
  const templates = { ...DEFAULT_CHAT_TEMPLATES, ...overrides };
  validateTemplates(templates, source);
  return templates;
}

/** Checks that every placeholder is known; `where` names the config file for messages. */
export function validateTemplates(templates: ChatTemplates, where = 'config'): void {
  for (const section of Object.keys(templates) as ChatSection[]) {
    const t = templates[section];
    for (const [part, text] of [
      ['system', t.system],
      ['user', t.user],
    ] as const) {
      for (const match of (text ?? '').matchAll(/\{([a-z_]+)\}/g)) {
        if (!(PLACEHOLDERS as readonly string[]).includes(match[1])) {
          throw new InvalidInputError(
            `unknown placeholder {${match[1]}}; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
            { file: where, field: `templates.${section}.${part}` },
          );
        }
      }
    }
  }
}

/** The latest text of each kind in an episode. */
function latest(turns: readonly Turn[]): Record<(typeof PLACEHOLDERS)[number], string> {
  const out = { prompt: '', response: '', feedback: '' };
  for (const turn of turns) {
    if (turn.section === 'prompt') out.prompt = turn.text;
    else if (turn.section === 'feedback') out.feedback = turn.text;
    else out.response = turn.text; // a refinement replaces the answer under review
  }
  return out;
}

/** Fills `{name}` placeholders in one pass; names without a value are left as written. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  // One pass, so text inside a value (e.g. "{feedback}" typed by a user) is never expanded.
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The chat messages that ask a chat model to write section `next` of the episode `turns`. */
export function renderChat(
  turns: readonly Turn[],
  next: Section,
  templates: ChatTemplates = DEFAULT_CHAT_TEMPLATES,
): ChatMessage[] {
  if (next === 'prompt') {
    throw new InvalidInputError('a chat model cannot be asked to write the prompt section', {
      field: 'next',
    });
  }
  const t = templates[next];
  const values = latest(turns);
  const messages: ChatMessage[] = [];
  if (t.system) messages.push({ role: 'system', content: fillTemplate(t.system, values) });
  messages.push({ role: 'user', content: fillTemplate(t.user, values) });
  return messages;
}

/**
 * A chat conversation as an episode for a model that speaks SELF sections (our embedded models):
 * a single user message (after optional system messages) is the prompt; a longer conversation
 * becomes a prompt holding the transcript with `user:`/`assistant:` labels. The model is asked for
 * the response.
 */
export function chatToTurns(messages: readonly ChatMessage[]): Turn[] {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  const dialogue = messages.filter((m) => m.role !== 'system');
  const body =
    dialogue.length === 1 && dialogue[0].role === 'user'
      ? dialogue[0].content
      : dialogue.map((m) => `${m.role}: ${m.content}`).join('\n');
  const prompt = [...system, body].filter((s) => s.length > 0).join('\n\n');
  return [{ section: 'prompt', text: prompt }];
}

/** The verdict after the last `verdict: correct|wrong` (or `incorrect`) line of a feedback text. */
export function readVerdict(feedback: string): Verdict | undefined {
  const all = [...feedback.matchAll(/verdict\s*[:=]\s*\**\s*(correct|incorrect|wrong)/gi)];
  if (!all.length) return undefined;
  return all[all.length - 1][1].toLowerCase() === 'correct' ? 'correct' : 'wrong';
}
