// The data files of a run config, read at the edge into values for the pipeline: the training
// problems, the round prompts and the test set, each with its field mapping, each pinned by its
// SHA-256 when the run starts so that a resumed run refuses a file that changed.

import type { RunConfig } from '../config/run-config.js';
import { resolveProblemFile } from '../data/datasets.js';
import { fileDigest, type ProblemFileSpec, readProblemFile } from '../data/problems.js';
import type { PipelineInputs } from '../self/data.js';

const FILES = [
  ['trainFile', 'train', false],
  ['promptsFile', 'prompts', false],
  ['testFile', 'test', true],
] as const;

/** The problems of the config's data files (those it names; the task generates the rest). */
export function loadRunInputs(config: RunConfig): PipelineInputs {
  const inputs: Record<string, unknown> = {};
  for (const [field, key, requireAnswer] of FILES) {
    const spec = config.data[field];
    if (spec === undefined) continue;
    const file = resolveProblemFile(spec, process.cwd(), `data.${field}`);
    inputs[key] = readProblemFile(file, { requireAnswer, what: `data.${field}` });
  }
  return inputs as PipelineInputs;
}

/** The config with each data file in object form and pinned by its SHA-256 (as a run stores it). */
export function pinRunInputs(config: RunConfig): RunConfig {
  const data = { ...config.data };
  for (const [field] of FILES) {
    const spec = data[field];
    if (spec === undefined) continue;
    const file = resolveProblemFile(spec, process.cwd(), `data.${field}`);
    const object: Exclude<ProblemFileSpec, string> =
      typeof spec === 'string' ? (file.path === spec ? { path: spec } : { dataset: spec }) : spec;
    data[field] = { ...object, sha256: object.sha256 ?? fileDigest(file.path) };
  }
  return { ...config, data };
}
