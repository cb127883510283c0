// The one training-file reader: our own line forms (D_QA, D_meta tuples as `meta build` writes
// them, turns, text), the chat forms other tools write, and an unknown field as an error rather
// than a silently dropped one.
import { describe, expect, it } from 'vitest';
import { metaExample } from '../self/examples.js';
import { parseTrainingExamples } from './training-examples.js';

const lines = (...rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');

describe('training examples', () => {
  it('trains a D_meta tuple on its feedback and refinement, and skips dropped tuples', () => {
    const tuple = {
      id: 'gsm8k-1',
      prompt: 'p',
      response: 'r',
      feedback: 'f\nverdict: wrong',
      verdict: 'wrong',
      refinement: 'r2',
      kept: true,
      reason: 'teacher verdict wrong',
    };
    const approved = { ...tuple, feedback: 'ok\nverdict: correct', refinement: null };
    const { examples, skipped } = parseTrainingExamples(
      lines(tuple, approved, { ...tuple, kept: false }),
      'dmeta.jsonl',
    );
    expect(skipped).toBe(1);
    expect(examples).toEqual([
      metaExample('p', 'r', 'f\nverdict: wrong', 'r2'),
      metaExample('p', 'r', 'ok\nverdict: correct'),
    ]);
    expect(examples[0].turns.filter((t) => t.train).map((t) => t.section)).toEqual([
      'feedback',
      'refinement',
    ]);
  });

  it('reads prompt/response, text and turns lines', () => {
    const { examples } = parseTrainingExamples(
      lines(
        { prompt: 'a', response: 'b' },
        { text: 'c' },
        {
          turns: [
            { section: 'prompt', text: 'd' },
            { section: 'response', text: 'e', train: true },
          ],
        },
      ),
      'x.jsonl',
    );
    expect(examples.map((e) => e.turns.map((t) => `${t.section}:${t.train}`))).toEqual([
      ['prompt:false', 'response:true'],
      ['response:true'],
      ['prompt:false', 'response:true'],
    ]);
  });

  it('names an unknown field, a missing one and a bad value with file:line', () => {
    const read = (text: string) => () => parseTrainingExamples(text, 'd.jsonl');
    expect(read(lines({ prompt: 'a' }, { prompt: 'a', response: 'b', critique: 'c' }))).toThrow(
      /d\.jsonl:1 field "response": must be a string/,
    );
    expect(read(lines({ prompt: 'a', response: 'b', critique: 'c' }))).toThrow(
      /d\.jsonl:1 field "critique": unknown field/,
    );
    expect(read(lines({ prompt: 'a', response: 'b', refinement: 'c' }))).toThrow(
      /d\.jsonl:1 field "feedback": is required with "refinement"/,
    );
    expect(read(lines({ question: 'a' }))).toThrow(/d\.jsonl:1: is not a training example/);
  });
});
