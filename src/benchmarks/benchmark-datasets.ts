// The standard benchmarks' files as plain problems (the question as the prompt, no instruction):
// GSM8K (JSONL `{question, answer}`, the answer ending in `#### N`) and SVAMP (a JSON array of
// `{ID, Body, Question, Equation, Answer}`). The copies the package ships are the defaults.
import { datasetPath, svampPrompt } from '../data/datasets.js';
import { readProblemFile } from '../data/problems.js';
import type { Problem } from '../spec/task.js';
import { normalizeAnswer } from './answer-extraction.js';

export type BenchmarkName = 'gsm8k' | 'svamp';
export const BENCHMARKS: readonly BenchmarkName[] = ['gsm8k', 'svamp'];

/** GSM8K problems in file order; `answer` is the normalised number after `#### `. */
export function loadGsm8k(file: string): Problem[] {
  return readProblemFile(
    {
      path: file,
      fields: { prompt: 'question', solution: 'answer', answer: 'answer' },
      answerPattern: '#### (-?[0-9.,]+)',
      idPrefix: 'gsm8k-',
    },
    { what: 'the dataset' },
  ).map((p) => ({ ...p, answer: normalizeAnswer(p.answer!) }));
}

/** SVAMP problems in file order; the prompt is Body and Question joined by a space. */
export function loadSvamp(file: string): Problem[] {
  return readProblemFile(
    {
      path: file,
      fields: { id: 'ID', answer: 'Answer', solution: 'Equation' },
      prompt: svampPrompt,
      idPrefix: 'svamp-',
    },
    { what: 'the dataset', requireAnswer: true },
  );
}

/** Loads benchmark `name` from `file`. */
export function loadBenchmark(name: BenchmarkName, file: string): Problem[] {
  return name === 'gsm8k' ? loadGsm8k(file) : loadSvamp(file);
}

/** The test file of a benchmark the package ships. */
export function defaultDatasetPath(name: BenchmarkName): string {
  return datasetPath(name === 'gsm8k' ? 'gsm8k:test' : 'svamp');
}
