// Teacher-built meta-skills for external models: the student answers the prompts, a teacher model
// writes feedback and a refinement for each answer, and tuples whose refinement is still wrong are
// dropped where a reference answer exists. Uses the SELF meta-skill stage (src/self/meta-skills).

import { metaSamples } from '../self/meta-skills.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { SampleRecord } from '../spec/run-store.js';
import type { Problem, Task, Teacher } from '../spec/task.js';
import { chunks } from './chunks.js';

export interface TeacherMetaOptions {
  readonly seed: number;
  /** Answers sampled per prompt. */
  readonly samples: number;
  readonly temperature: number;
  readonly maxTokens: number;
  /** Prompts per chunk (the student answers a chunk in one batched call). */
  readonly chunk?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * D_meta tuples for `problems`. Problems with an `answer` are filtered (a refinement that is still
 * wrong drops the tuple); problems without one are kept as the teacher wrote them.
 */
export async function buildTeacherMetaSkills(
  student: LanguageModel,
  teacher: Teacher,
  task: Task,
  problems: readonly Problem[],
  options: TeacherMetaOptions,
): Promise<SampleRecord[]> {
  const common = {
    runSeed: options.seed,
    samples: options.samples,
    temperature: options.temperature,
    maxTokens: options.maxTokens,
    signal: options.signal,
  };
  // metaSamples grades against an answer: unlabelled prompts get a placeholder and no filter.
  const groups = [
    { problems: problems.filter((p) => p.answer !== undefined), dropUnfixed: true },
    {
      problems: problems.filter((p) => p.answer === undefined).map((p) => ({ ...p, answer: '' })),
      dropUnfixed: false,
    },
  ];
  const out: SampleRecord[] = [];
  let offset = 0;
  let chunk = 0;
  for (const group of groups) {
    for (const part of chunks(group.problems, options.chunk ?? 32)) {
      const samples = await metaSamples(student, task, teacher, part, chunk++, offset, {
        ...common,
        dropUnfixed: group.dropUnfixed,
      });
      out.push(
        ...(group.dropUnfixed
          ? samples
          : samples.map((s) => ({ ...s, reason: `${s.reason} (no reference answer)` }))),
      );
      offset += part.length;
      options.onProgress?.(offset, problems.length);
    }
  }
  return out;
}
