// The one reader of training files: every line becomes a loss-masked SELF episode. It takes our
// own forms (`{"turns"}`, `{"prompt","response"}`, D_meta tuples as `meta build` and `export`
// write them, `{"text"}`) and the chat forms other tools write (TRL prompt/completion, OpenAI
// `messages`, with our `self_episode` when present). A field it does not know is an error, never
// silently dropped.
import { type ChatMessage, chatToTurns } from '../providers/chat-template.js';
import { answerExample, metaExample } from '../self/examples.js';
import { InvalidInputError } from '../spec/errors.js';
import type { Section } from '../spec/language-model.js';
import type { SftExample, TrainingTurn } from '../spec/trainer.js';
import { parseRecords, type RecordLocation, readText } from './records.js';

const SECTIONS: readonly Section[] = ['prompt', 'response', 'feedback', 'refinement'];

/** Fields a line may carry besides its content (what `meta build` and `export` add). */
const INFO_FIELDS = ['id', 'stage', 'verdict', 'kept', 'reason'];

const FORMS = [
  '{"turns": [{"section", "text", "train"}]}',
  '{"prompt", "response"} (+ "feedback", "refinement" for a D_meta tuple)',
  '{"text"}',
  '{"messages": [...]}',
  '{"prompt": [...], "completion": [...]}',
].join('; ');

export interface TrainingExamples {
  readonly examples: SftExample[];
  /** Lines marked `"kept": false` (dropped tuples of `meta build`), not trained. */
  readonly skipped: number;
}

type Fail = (field: string, what: string) => never;

/** Reads a training file. */
export function readTrainingFile(file: string): TrainingExamples {
  return parseTrainingExamples(readText(file, 'the training file'), file);
}

/**
 * Reads training examples from JSONL text (`file` names it in errors). Consecutive chat rows that
 * continue one `self_episode` are merged back into one example.
 */
export function parseTrainingExamples(text: string, file: string): TrainingExamples {
  const examples: TrainingTurn[][] = [];
  let skipped = 0;
  for (const { value, at } of parseRecords(text, file)) {
    const fail: Fail = (field, what) => {
      throw new InvalidInputError(what, { ...at, field: field || undefined });
    };
    if (value.kept === false) {
      skipped++;
      continue;
    }
    const episode = episodeOf(value, fail, at);
    if (!episode) continue;
    const last = examples.at(-1);
    if (last && continues(last, episode)) {
      episode.forEach((t, k) => {
        if (t.train) last[k] = { ...last[k], train: true };
      });
    } else examples.push([...episode]);
  }
  if (examples.length === 0) {
    throw new InvalidInputError(
      'has no training examples',
      { file },
      { hint: `one JSON object a line: ${FORMS}` },
    );
  }
  return { examples: examples.map((turns) => ({ turns })), skipped };
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

function checkFields(value: Record<string, unknown>, allowed: readonly string[], fail: Fail) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key) && !INFO_FIELDS.includes(key)) {
      fail(key, `unknown field (this line reads as ${allowed.join(', ')})`);
    }
  }
}

const text = (v: unknown, field: string, fail: Fail): string =>
  typeof v === 'string' ? v : fail(field, 'must be a string');

/** The episode of one line; undefined for a line with nothing to train (OpenAI `weight: 0`). */
function episodeOf(
  value: Record<string, unknown>,
  fail: Fail,
  at: RecordLocation,
): TrainingTurn[] | undefined {
  if (value.self_episode !== undefined) {
    checkFields(value, ['self_episode', 'messages', 'prompt', 'completion'], fail);
    return turnsOf((value.self_episode as { turns?: unknown })?.turns, 'self_episode.turns', fail);
  }
  if (value.turns !== undefined) {
    checkFields(value, ['turns'], fail);
    return turnsOf(value.turns, 'turns', fail);
  }
  if (Array.isArray(value.messages) || Array.isArray(value.prompt)) {
    return chatEpisode(value, fail);
  }
  if (value.prompt !== undefined || value.response !== undefined) {
    checkFields(value, ['prompt', 'response', 'feedback', 'refinement'], fail);
    const prompt = text(value.prompt, 'prompt', fail);
    const response = text(value.response, 'response', fail);
    if (value.feedback === undefined) {
      if (value.refinement !== undefined) fail('feedback', 'is required with "refinement"');
      return [...answerExample(prompt, response).turns];
    }
    const feedback = text(value.feedback, 'feedback', fail);
    const refinement =
      value.refinement === undefined || value.refinement === null
        ? undefined
        : text(value.refinement, 'refinement', fail);
    return [...metaExample(prompt, response, feedback, refinement).turns];
  }
  if (value.text !== undefined) {
    checkFields(value, ['text'], fail);
    return [{ section: 'response', text: text(value.text, 'text', fail), train: true }];
  }
  throw new InvalidInputError(`is not a training example`, at, {
    hint: `expected one of ${FORMS}`,
  });
}

function turnsOf(turns: unknown, field: string, fail: Fail): TrainingTurn[] {
  if (!Array.isArray(turns) || turns.length === 0) fail(field, 'must be a non-empty list');
  return (turns as unknown[]).map((t, k) => {
    const turn = t as Partial<TrainingTurn>;
    if (!SECTIONS.includes(turn?.section as Section))
      fail(`${field}.${k}.section`, `must be one of ${SECTIONS.join(', ')}`);
    if (turn.train !== undefined && typeof turn.train !== 'boolean')
      fail(`${field}.${k}.train`, 'must be true or false');
    return {
      section: turn.section!,
      text: text(turn.text, `${field}.${k}.text`, fail),
      train: turn.train === true,
    };
  });
}

/** A chat row as prompt → response, the way `serve` maps a chat. */
function chatEpisode(value: Record<string, unknown>, fail: Fail): TrainingTurn[] | undefined {
  const isMessages = Array.isArray(value.messages);
  checkFields(value, isMessages ? ['messages'] : ['prompt', 'completion'], fail);
  if (!isMessages && !Array.isArray(value.completion))
    fail('completion', 'must be a list of messages');
  const messages = isMessages
    ? (value.messages as unknown[])
    : [...(value.prompt as unknown[]), ...(value.completion as unknown[])];
  const chat = messages.map((m, k) => {
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
