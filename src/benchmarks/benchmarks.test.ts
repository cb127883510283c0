// GSM8K and SVAMP from the copies the package ships, lm-eval answer extraction, scoring.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetPath } from '../data/datasets.js';
import { extractFlexible, extractStrict, INVALID, scoreCompletion } from './answer-extraction.js';
import { loadGsm8k, loadSvamp } from './benchmark-datasets.js';
import { BenchmarkTask, formatPrompt } from './benchmark-task.js';
import { readPredictions, scorePredictions } from './score-predictions.js';

const GSM8K_TEST = datasetPath('gsm8k:test');
const SVAMP = datasetPath('svamp');
const tmp = mkdtempSync(join(tmpdir(), 'bench-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('lm-eval answer extraction', () => {
  it('strict reads the first "#### N"; flexible the last number', () => {
    expect(extractStrict('so 9*2 = 18\n#### 18')).toBe('18');
    expect(extractStrict('the answer is 18')).toBe(INVALID);
    expect(extractFlexible('She pays $1,234.')).toBe('$1,234.');
    expect(extractFlexible('from 3 to -7 degrees')).toBe('-7');
    expect(extractFlexible('no digits here')).toBe(INVALID);
  });

  it('compares after stripping commas, $ and a final period', () => {
    expect(scoreCompletion('It costs $1,234.', '1234')).toEqual({ strict: false, flexible: true });
    expect(scoreCompletion('#### 1,234\nChecked in 2 steps.', '1234')).toEqual({
      strict: true,
      flexible: false,
    });
    expect(scoreCompletion('#### 18.00', '18')).toEqual({ strict: false, flexible: false });
  });
});

describe('benchmark files', () => {
  it('loads GSM8K test with answers after ####', () => {
    const problems = loadGsm8k(GSM8K_TEST);
    expect(problems).toHaveLength(1319);
    expect(problems[0]).toMatchObject({ id: 'gsm8k-0', answer: '18' });
    expect(problems[0].prompt).toMatch(/^Janet/);
  });

  it('loads SVAMP with Body and Question joined and integer answers', () => {
    const problems = loadSvamp(SVAMP);
    expect(problems).toHaveLength(1000);
    expect(problems[0]).toMatchObject({ id: 'chal-1', answer: '51' });
    expect(problems[0].prompt).toBe(
      'Each pack of dvds costs 76 dollars. If there is a discount of 25 dollars on each pack. How much do you have to pay to buy each pack?',
    );
  });

  it('says file:line when a GSM8K line is broken', () => {
    const file = join(tmp, 'bad.jsonl');
    writeFileSync(
      file,
      '{"question": "q", "answer": "#### 1"}\n{"question": "q", "answer": "no final"}\n',
    );
    expect(() => loadGsm8k(file)).toThrow(
      `${file}:2 field "answer": "no final" does not match answerPattern`,
    );
  });

  it('formats prompts as documented', () => {
    const shot = { id: 's', prompt: 'Q1?', answer: '1', solution: 'one\n#### 1' };
    expect(formatPrompt('Q2?', 'lm-eval', [shot])).toBe(
      'Question: Q1?\nAnswer: one\n#### 1\n\nQuestion: Q2?\nAnswer:',
    );
    expect(formatPrompt('Q2?', 'instruct')).toMatch(/^Q2\?\nSolve it step by step.*#### <number>/);
  });
});

describe('scoring predictions', () => {
  it('scores the reference solutions as fully correct, both ways', () => {
    const problems = loadGsm8k(GSM8K_TEST);
    const file = join(tmp, 'gold.jsonl');
    writeFileSync(
      file,
      problems.map((p, index) => JSON.stringify({ index, completion: p.solution })).join('\n'),
    );
    const report = scorePredictions(problems, readPredictions(file, problems.length));
    expect(report).toMatchObject({ scored: 1319, strict_accuracy: 1, flexible_accuracy: 1 });
  });

  it('counts wrong and unformatted answers separately for strict and flexible', () => {
    const problems = loadSvamp(SVAMP).slice(0, 3); // answers 51, 1, 17
    const preds = [
      { index: 0, completion: '76 - 25 = 51\n#### 51' },
      { index: 1, completion: 'It cost $1.' },
      { index: 2, completion: '#### 18' },
    ];
    expect(scorePredictions(problems, preds)).toMatchObject({
      strict_correct: 1,
      flexible_correct: 2,
    });
    const task = new BenchmarkTask('svamp');
    expect(task.extractAnswer('It cost $1,000.')).toBe('1000');
    expect(task.isCorrect('It cost $1.', '1')).toBe(true);
    expect(task.parseVerdict('fine\nVerdict: wrong')).toBe('wrong');
  });

  it('rejects bad prediction lines with file:line and field', () => {
    const file = join(tmp, 'bad-preds.jsonl');
    writeFileSync(file, '{"index": 0, "completion": "1"}\n{"index": 0, "completion": "2"}\n');
    expect(() => readPredictions(file, 5)).toThrow(
      `${file}:2 field "index": index 0 was already given on line 1`,
    );
    writeFileSync(file, '{"index": 9, "completion": "1"}\n');
    expect(() => readPredictions(file, 5)).toThrow(
      `${file}:1 field "index": must be an integer from 0 to 4`,
    );
    writeFileSync(file, '{"index": 0, "completion": 1}\nnot json\n');
    expect(() => readPredictions(file, 5)).toThrow(`${file}:1 field "completion"`);
  });
});
