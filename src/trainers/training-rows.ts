// Training data for external trainers, from the examples the pipeline curated in the run store.
// Each trained section of an example becomes one chat row: the section request rendered with the
// chat templates (what the student sees at inference through a chat API), and the text to learn.
// Rows may carry the SELF episode itself (`self_episode`: the whole example, only this row's
// section trained), so a trainer for our own models rebuilds the exact examples: the reader
// (src/data/training-examples.ts) merges consecutive rows of one episode back together.
import type { ChatMessage, ChatTemplates } from '../providers/chat-template.js';
import { DEFAULT_CHAT_TEMPLATES, renderChat } from '../providers/chat-template.js';
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
