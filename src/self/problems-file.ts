// Reads problems from JSONL (`{"prompt", "answer"}` per line, as `self-evolve data gen` writes)
// and writes them back; a bad line is reported as `file:line field`.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InvalidInputError } from '../spec/errors.js';
import type { Problem } from '../spec/task.js';

const lineSchema = z.object({
  prompt: z.string().min(1),
  answer: z.union([z.string(), z.number()]).optional(),
  id: z.union([z.string(), z.number()]).optional(),
  solution: z.string().optional(),
});

/** Problems from a JSONL file; blank lines are skipped; ids default to `<file>:<line>`. */
export function readProblems(file: string, options: { requireAnswer?: boolean } = {}): Problem[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read: ${(error as Error).message}`, { file });
  }
  const problems: Problem[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new InvalidInputError(`not valid JSON: ${(error as Error).message}`, { file, line });
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidInputError(issue.message, {
        file,
        line,
        field: issue.path.join('.') || undefined,
      });
    }
    const p = parsed.data;
    if (options.requireAnswer && p.answer === undefined) {
      throw new InvalidInputError('is required to score this file', {
        file,
        line,
        field: 'answer',
      });
    }
    problems.push({
      id: p.id === undefined ? `${file}:${line}` : String(p.id),
      prompt: p.prompt,
      answer: p.answer === undefined ? undefined : String(p.answer),
      solution: p.solution,
    });
  });
  if (problems.length === 0) throw new InvalidInputError('holds no problems', { file });
  return problems;
}

/** JSONL text of problems as `{"prompt", "answer"}` lines. */
export function problemsJsonl(problems: readonly Problem[]): string {
  return problems
    .map((p) => `${JSON.stringify({ prompt: p.prompt, answer: p.answer })}\n`)
    .join('');
}
