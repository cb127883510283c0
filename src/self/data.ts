// The data a run works on, all derived from the config and seed: D_QA, the held-out test set, and
// each round's unlabeled prompts. Labels are kept apart in `labels`, which only metrics read.

import { InvalidInputError } from '../spec/errors.js';
import type { Problem, Task } from '../spec/task.js';
import type { SftExample } from '../spec/trainer.js';
import type { SelfConfig } from './config.js';
import { qaCorpus } from './meta-skills.js';
import { readProblems } from './problems-file.js';
import type { SeededPrompt } from './refine-loop.js';
import { deriveSeed } from './seeds.js';

export interface PipelineData {
  /** D_QA: labelled training problems with worked solutions. */
  readonly qa: Problem[];
  readonly qaExamples: SftExample[];
  /** The held-out set, labelled. */
  readonly test: Problem[];
  /** problem id → reference answer, for reporting only. */
  readonly labels: Map<string, string>;
  /** Prompts never used for training (the test set's). */
  readonly heldOut: Set<string>;
  /** The prompts file for self-evolution, when one is configured. */
  readonly promptsFile?: Problem[];
}

function generate(task: Task, n: number, seed: number): Problem[] {
  if (!task.generate) {
    throw new InvalidInputError(
      `task "${task.name}" has no generator`,
      { field: 'data' },
      {
        hint: 'give data.testFile and data.promptsFile',
      },
    );
  }
  return task.generate(n, seed);
}

/** Builds the run's data; generated sets never contain a test prompt. */
export function pipelineData(config: SelfConfig, task: Task): PipelineData {
  const test = config.data.testFile
    ? readProblems(config.data.testFile, { requireAnswer: true })
    : generate(task, config.data.test, config.data.testSeed);
  const heldOut = new Set(test.map((p) => p.prompt));
  const qa = generate(task, config.data.train, deriveSeed(config.seed, 'train')).filter(
    (p) => !heldOut.has(p.prompt),
  );
  const labels = new Map<string, string>();
  for (const p of [...test, ...qa]) if (p.answer !== undefined) labels.set(p.id, p.answer);
  const promptsFile = config.data.promptsFile ? readProblems(config.data.promptsFile) : undefined;
  return { qa, qaExamples: qaCorpus(qa), test, labels, heldOut, promptsFile };
}

/**
 * Round t's prompts, with seeds and without answers: consecutive windows of the prompts file
 * (wrapping around), or fresh problems generated with the round's seed (never a test prompt).
 * Their answers, when known, go to `data.labels` for reporting; the returned prompts carry none.
 */
export function roundPrompts(
  data: PipelineData,
  config: SelfConfig,
  task: Task,
  t: number,
): SeededPrompt[] {
  const n = config.evolve.prompts;
  const all = data.promptsFile;
  const problems = all
    ? Array.from({ length: Math.min(n, all.length) }, (_, i) => all[((t - 1) * n + i) % all.length])
    : generate(task, n, deriveSeed(config.seed, 'prompts', t)).filter(
        (p) => !data.heldOut.has(p.prompt),
      );
  for (const p of problems) if (p.answer !== undefined) data.labels.set(p.id, p.answer);
  return problems.map((p, i) => ({
    id: p.id,
    prompt: p.prompt,
    seed: deriveSeed(config.seed, `round-${t}`, i),
  }));
}
