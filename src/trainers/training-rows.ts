// Training data for external trainers, from the examples the pipeline curated in the run store.
// Each trained section of an example becomes one chat row: the section request rendered with the
// chat templates (what the student sees at inference through a chat API), and the text to learn.
// Rows may carry the SELF episode itself (`self_episode`: the whole example, only this row's
// section trained), so a trainer for our own models rebuilds the exact examples: reading merges
// consecutive rows of one episode back together.
import type { ChatMessage, ChatTemplates } from '../providers/chat-template.js';
import { chatToTurns, DEFAULT_CHAT_TEMPLATES, renderChat } from '../providers/chat-template.js';
import { InvalidInputError } from '../spec/errors.js';
import type { Section } from '../spec/language-model.js';
import type { PreferencePair, SftExample, TrainingTurn } from '../spec/trainer.js';

/** One trained section of an example. */
export interface TrainingRow {
  /** The request for the section, as chat messages. */
  readonly prompt: readonly ChatMessage[];
  /** The text the model learns to write. */
  readonly completion: string;
  /** The whole example; only this row's section is trained. */
  readonly episode: readonly TrainingTurn[];
}

/** One row per trained section (prompt turns are never trained as chat). */
export function sftRows(
  examples: readonly SftExample[],
  templates: ChatTemplates = DEFAULT_CHAT_TEMPLATES,
): TrainingRow[] {
  const rows: TrainingRow[] = [];
  for (const { turns } of examples) {
    turns.forEach((turn, j) => {
      if (!turn.train || turn.section === 'prompt') return;
      rows.push({
        prompt: renderChat(turns.slice(0, j), turn.section, templates),
        completion: turn.text,
        episode: turns.map((t, i) => ({ ...t, train: i === j })),
      });
    });
  }
  return rows;
}

const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });
const jsonl = (rows: readonly unknown[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');
const withEpisode = (row: TrainingRow, episodes: boolean) =>
  episodes ? { self_episode: { turns: row.episode } } : {};

/** TRL conversational prompt-completion JSONL: `{"prompt": [...], "completion": [...]}`. */
export function trlSftJsonl(rows: readonly TrainingRow[], episodes = false): string {
  return jsonl(
    rows.map((r) => ({
      prompt: r.prompt,
      completion: [assistant(r.completion)],
      ...withEpisode(r, episodes),
    })),
  );
}

/** OpenAI chat fine-tuning JSONL: `{"messages": [..., {"role": "assistant", ...}]}`. */
export function openAIChatJsonl(rows: readonly TrainingRow[], episodes = false): string {
  return jsonl(
    rows.map((r) => ({
      messages: [...r.prompt, assistant(r.completion)],
      ...withEpisode(r, episodes),
    })),
  );
}

/** TRL conversational preference JSONL: `{"prompt": [...], "chosen": [...], "rejected": [...]}`. */
export function dpoJsonl(
  pairs: readonly PreferencePair[],
  templates: ChatTemplates = DEFAULT_CHAT_TEMPLATES,
): string {
  return jsonl(
    pairs.map((p) => ({
      prompt: renderChat(p.turns, p.next, templates),
      chosen: [assistant(p.chosen)],
      rejected: [assistant(p.rejected)],
    })),
  );
}

const SECTIONS: readonly Section[] = ['prompt', 'response', 'feedback', 'refinement'];

/**
 * Reads SFT JSONL (TRL prompt-completion or OpenAI messages) back into examples. A row's
 * `self_episode` is used as it is; otherwise its chat becomes prompt → response the way `serve`
 * maps chats. Consecutive rows that continue one episode are merged into one example.
 */
export function readSftJsonl(text: string, file: string): SftExample[] {
  const examples: TrainingTurn[][] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const at = { file, line: i + 1 };
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new InvalidInputError(`not valid JSON: ${(error as Error).message}`, at);
    }
    const episode = episodeOf(row, at);
    if (!episode) return;
    const last = examples.at(-1);
    if (last && continues(last, episode)) {
      episode.forEach((t, k) => {
        if (t.train) last[k] = { ...last[k], train: true };
      });
    } else examples.push([...episode]);
  });
  if (examples.length === 0) {
    throw new InvalidInputError(
      'has no training rows',
      { file },
      { hint: 'one JSON object a line' },
    );
  }
  return examples.map((turns) => ({ turns }));
}

/**
 * Whether `next` is another section of the example `turns`: the same turns, training a later one
 * (a repeated example trains the same section again, so it stays a separate example).
 */
function continues(turns: readonly TrainingTurn[], next: readonly TrainingTurn[]): boolean {
  const lastTrained = turns.findLastIndex((t) => t.train);
  return (
    next.length === turns.length &&
    next.findIndex((t) => t.train) > lastTrained &&
    turns.every((t, i) => t.section === next[i].section && t.text === next[i].text)
  );
}

type At = { file: string; line: number };

/** The episode of one row; undefined for a row with nothing to train (OpenAI `weight: 0`). */
function episodeOf(row: unknown, at: At): TrainingTurn[] | undefined {
  const fail = (field: string, what: string): never => {
    throw new InvalidInputError(what, { ...at, field });
  };
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    fail('', 'must be a JSON object');
  const r = row as Record<string, unknown>;
  if (r.self_episode !== undefined) {
    const turns = (r.self_episode as { turns?: unknown })?.turns;
    if (!Array.isArray(turns) || turns.length === 0) fail('self_episode.turns', 'must be a list');
    return (turns as unknown[]).map((t, k) => {
      const turn = t as Partial<TrainingTurn>;
      if (!SECTIONS.includes(turn?.section as Section))
        fail(`self_episode.turns.${k}.section`, `must be one of ${SECTIONS.join(', ')}`);
      if (typeof turn.text !== 'string') fail(`self_episode.turns.${k}.text`, 'must be a string');
      return { section: turn.section!, text: turn.text!, train: turn.train === true };
    });
  }
  const messages = Array.isArray(r.messages)
    ? r.messages
    : Array.isArray(r.prompt) && Array.isArray(r.completion)
      ? [...r.prompt, ...r.completion]
      : fail('messages', 'needs "messages", or "prompt" and "completion" lists');
  const chat = (messages as unknown[]).map((m, k) => {
    const msg = m as { role?: unknown; content?: unknown; weight?: unknown };
    if (!['system', 'user', 'assistant'].includes(msg?.role as string))
      fail(`messages.${k}.role`, 'must be system, user or assistant');
    if (typeof msg.content !== 'string') fail(`messages.${k}.content`, 'must be a string');
    return msg as ChatMessage & { weight?: number };
  });
  const answer = chat.at(-1);
  if (answer?.role !== 'assistant') fail('messages', 'must end with an assistant message');
  if (answer!.weight === 0) return undefined;
  return [
    { ...chatToTurns(chat.slice(0, -1))[0], train: false },
    { section: 'response', text: answer!.content, train: true },
  ];
}
