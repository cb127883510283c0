// A file of answers written elsewhere (a baseline for judged evaluation): JSONL or a JSON array of
// `{"id" or "prompt", "answer"}`, read by the one record reader; each problem finds its answer by
// id, else by its prompt's exact text. Every bad record is reported as `file:line field`.
import { InvalidInputError } from '../spec/errors.js';
import type { Problem } from '../spec/task.js';
import { readJsonlObjects } from './records.js';

/** One answer of the file, with the line it is on. */
export interface AnswerRecord {
  readonly id?: string;
  readonly prompt?: string;
  readonly answer: string;
  readonly line: number;
}

const SHAPE = '{"id" or "prompt", "answer": string}';

/** The answers of `file`; a record without an answer, or with neither id nor prompt, is an error. */
export function readAnswerFile(file: string): AnswerRecord[] {
  const seen = new Map<string, number>();
  const records = readJsonlObjects(file, 'the answers file', SHAPE, (r, at) => {
    if (typeof r.answer !== 'string') {
      throw new InvalidInputError(
        r.answer === undefined ? 'is missing' : 'must be a string',
        { ...at, field: 'answer' },
        { hint: `each line is ${SHAPE}` },
      );
    }
    const id = typeof r.id === 'string' || typeof r.id === 'number' ? String(r.id) : undefined;
    const prompt = typeof r.prompt === 'string' ? r.prompt : undefined;
    if (id === undefined && prompt === undefined) {
      throw new InvalidInputError(
        'needs an "id" (string or number) or a "prompt" (string) naming its problem',
        { ...at, field: 'id' },
        { hint: `each line is ${SHAPE}` },
      );
    }
    const key = id !== undefined ? `id ${id}` : `prompt ${JSON.stringify(prompt).slice(0, 60)}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InvalidInputError(`${key} was already given on line ${first}`, {
        ...at,
        field: id !== undefined ? 'id' : 'prompt',
      });
    }
    seen.set(key, at.line);
    return { id, prompt, answer: r.answer, line: at.line };
  });
  if (records.length === 0) throw new InvalidInputError('no answers in the file', { file });
  return records;
}

/** Each problem's answer from `records` (by id, else by prompt); a problem without one is an error. */
export function answersFor(
  problems: readonly Problem[],
  records: readonly AnswerRecord[],
  file: string,
): string[] {
  const byId = new Map<string, string>();
  const byPrompt = new Map<string, string>();
  for (const r of records) {
    if (r.id !== undefined) byId.set(r.id, r.answer);
    if (r.prompt !== undefined) byPrompt.set(r.prompt, r.answer);
  }
  return problems.map((p) => {
    const answer = byId.get(p.id) ?? byPrompt.get(p.prompt);
    if (answer === undefined) {
      throw new InvalidInputError(
        `has no answer for problem "${p.id}" (${JSON.stringify(p.prompt.slice(0, 60))})`,
        { file },
        {
          hint: `give a line {"id": "${p.id}", "answer": ...} or one with its exact "prompt"`,
        },
      );
    }
    return answer;
  });
}
