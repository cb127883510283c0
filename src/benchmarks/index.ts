// The public API of the standard benchmarks: loaders, prompt formats, lm-eval answer extraction.
export {
  answersMatch,
  extractFlexible,
  extractStrict,
  normalizeAnswer,
  scoreCompletion,
} from './answer-extraction.js';
export { type BenchmarkName, loadGsm8k, loadSvamp } from './benchmark-datasets.js';
export { benchmarkProblems, isBenchmark } from './benchmark-problems.js';
export { BenchmarkTask, formatPrompt, type PromptFormat } from './benchmark-task.js';
export { readPredictions, type ScoreReport, scorePredictions } from './score-predictions.js';
