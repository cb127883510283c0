// Training files: one chat row per trained section, rendered with the chat templates; episodes
// read back exactly (rows of one example merged, repeated examples kept apart); plain chat data
// read the way serve maps chats; DPO pairs; bad lines named by file:line and field.
import { describe, expect, it } from 'vitest';
import { parseTrainingExamples } from '../data/training-examples.js';
import { DEFAULT_CHAT_TEMPLATES, renderChat } from '../providers/chat-template.js';
import { InvalidInputError } from '../spec/errors.js';
import type { SftExample } from '../spec/trainer.js';
import { dpoJsonl, openAIChatJsonl, sftRows, trlSftJsonl } from './training-rows.js';

const readSftJsonl = (text: string, file: string) => parseTrainingExamples(text, file).examples;

const meta: SftExample = {
  turns: [
    { section: 'prompt', text: 'Solve for x: 2*x = 6', train: false },
    { section: 'response', text: 'x = 4\nanswer: 4', train: false },
    { section: 'feedback', text: '2*4 = 8, not 6.\nverdict: wrong', train: true },
    { section: 'refinement', text: 'x = 3\nanswer: 3', train: true },
  ],
};
const qa: SftExample = {
  turns: [
    { section: 'prompt', text: 'Solve for x: x = 1', train: false },
    { section: 'response', text: 'answer: 1', train: true },
  ],
};
const parse = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('training rows', () => {
  it('writes one chat row per trained section, as the chat templates render it', () => {
    const rows = sftRows([meta, qa]);
    expect(rows.map((r) => r.completion)).toEqual([
      meta.turns[2].text,
      meta.turns[3].text,
      'answer: 1',
    ]);
    expect(rows[0].prompt).toEqual(
      renderChat(meta.turns.slice(0, 2), 'feedback', DEFAULT_CHAT_TEMPLATES),
    );
    expect(rows[2].prompt).toEqual([{ role: 'user', content: 'Solve for x: x = 1' }]);
    const [trl] = parse(trlSftJsonl(rows));
    expect(Object.keys(trl)).toEqual(['prompt', 'completion']);
    const [chat] = parse(openAIChatJsonl(rows, true));
    expect(chat.messages.at(-1)).toEqual({ role: 'assistant', content: meta.turns[2].text });
    expect(chat.self_episode.turns.map((t: { train: boolean }) => t.train)).toEqual([
      false,
      false,
      true,
      false,
    ]);
  });

  it('reads episodes back exactly, merging the rows of one example but not repeated examples', () => {
    const examples = [meta, qa, qa, meta];
    for (const text of [
      trlSftJsonl(sftRows(examples), true),
      openAIChatJsonl(sftRows(examples), true),
    ]) {
      expect(readSftJsonl(text, 'f.jsonl')).toEqual(examples);
    }
  });

  it('reads plain chat rows as prompt → response, as serve maps a chat', () => {
    const text = [
      JSON.stringify({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' },
        ],
      }),
      JSON.stringify({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b', weight: 0 },
        ],
      }),
      JSON.stringify({
        prompt: [{ role: 'user', content: '1+1' }],
        completion: [{ role: 'assistant', content: '2' }],
      }),
    ].join('\n');
    expect(readSftJsonl(text, 'f.jsonl')).toEqual([
      {
        turns: [
          { section: 'prompt', text: 'Be brief.\n\nhi', train: false },
          { section: 'response', text: 'hello', train: true },
        ],
      },
      {
        turns: [
          { section: 'prompt', text: '1+1', train: false },
          { section: 'response', text: '2', train: true },
        ],
      },
    ]);
  });

  it('writes DPO pairs in the conversational preference format', () => {
    const pair = {
      turns: [{ section: 'prompt' as const, text: 'p' }],
      next: 'response' as const,
      chosen: 'good',
      rejected: 'bad',
    };
    expect(parse(dpoJsonl([pair]))).toEqual([
      {
        prompt: [{ role: 'user', content: 'p' }],
        chosen: [{ role: 'assistant', content: 'good' }],
        rejected: [{ role: 'assistant', content: 'bad' }],
      },
    ]);
  });

  it('names the file, line and field of a bad row', () => {
    const bad = (text: string) => () => readSftJsonl(text, 'd.jsonl');
    expect(bad('{"messages": [{"role": "user", "content": "x"}]}\n')).toThrow(
      /d.jsonl:1 field "messages": must end with an assistant message/,
    );
    expect(bad('\n{oops\n')).toThrow(/d.jsonl:2: not valid JSON/);
    expect(bad('{"self_episode": {"turns": [{"section": "answer", "text": ""}]}}')).toThrow(
      /field "self_episode.turns.0.section"/,
    );
    expect(bad('{"messages": [{"role": "assistant", "content": "x"}], "extra": 1}')).toThrow(
      InvalidInputError,
    );
    expect(bad('\n\n')).toThrow(/d.jsonl: has no training examples/);
  });
});
