// The public API of self-evolve: `import { runSelf, defineTask, createModel } from 'self-evolve'`.
// Run SELF from a config or one stage alone, bring your own task, model kind or trainer through
// the registries, and reach every port and adapter. Test doubles live in `self-evolve/testing`.

export * from './benchmarks/index.js';
export type {
  CheckerModelSpec,
  EmbeddedModelSpec,
  LlamaCppModelSpec,
  ModelSpec,
  OpenAICompatibleSpec,
} from './config/model-schemas.js';
// Running SELF: from a config, or one stage at a time.
export { CONSTRAINTS_ALPHABET, EQUATIONS_ALPHABET, PRESETS } from './config/presets.js';
export {
  loadRunConfigFile,
  mergeConfig,
  parseRunConfig,
  type RunConfig,
  type RunConfigInput,
  runConfigSchema,
} from './config/run-config.js';
export { type AnswerRecord, answersFor, readAnswerFile } from './data/answer-file.js';
// Data: one reader with field mappings, and the datasets the package ships.
export {
  type DatasetDefinition,
  datasetNames,
  datasetPath,
  registerDataset,
  resolveProblemFile,
} from './data/datasets.js';
export {
  type ProblemFile,
  type ProblemFileSpec,
  problemFileSchema,
  problemsJsonl,
  readProblemFile,
} from './data/problems.js';
export { type DataRecord, parseRecords, readRecords } from './data/records.js';
export { parseTrainingExamples, readTrainingFile } from './data/training-examples.js';
export * from './engine/index.js';
export { benchKernels, type KernelBenchResult } from './engine/kernels/bench-kernels.js';
export type { CreateKernelsOptions } from './engine/kernels/create-kernels.js';
export {
  type OpProfile,
  type ProfiledKernels,
  profileKernels,
} from './engine/kernels/profiled-kernels.js';
export { WasmKernels, type WasmKernelsOptions } from './engine/kernels/wasm-kernels.js';
// Judged evaluation: pairwise against a baseline (both orders), rubric scores, and the judges.
export {
  type GradeFunction,
  type ModelJudgeOptions,
  modelJudge,
  programmaticJudge,
  taskGrade,
} from './evaluate/judge.js';
export {
  checkJudgeTemplate,
  DEFAULT_JUDGE_TEMPLATES,
  JUDGE_PLACEHOLDERS,
  type JudgeTemplates,
  renderJudgePrompt,
  resolveJudgeTemplates,
} from './evaluate/judge-templates.js';
export {
  type PairwiseVerdict,
  type Parsed,
  parsePairwiseVerdict,
  parseRubricScore,
} from './evaluate/judge-verdicts.js';
export type { EvalMetrics, KeptMetrics } from './evaluate/metrics.js';
export {
  type AnswerPair,
  type JudgePairwiseOptions,
  judgePairwise,
  type OrderJudgement,
  type PairJudgement,
  type PairOutcome,
  type PairwiseReport,
} from './evaluate/pairwise.js';
export {
  DEFAULT_RUBRIC_SCALE,
  type RubricItem,
  type RubricJudgement,
  type RubricReport,
  type ScoreWithRubricOptions,
  scoreWithRubric,
} from './evaluate/rubric.js';
export { type ScoreMetrics, scoreMetrics, spearman } from './evaluate/score-metrics.js';
export { type ConfidenceInterval, wilsonInterval, winRate } from './evaluate/win-rate.js';
export { type ExportResult, exportRun } from './export/export-run.js';
export * from './gguf/index.js';
export * from './providers/index.js';
export * from './providers/llama-cpp/index.js';
export { type ConfiguredJudgeOptions, openConfiguredJudge } from './runtime/configured-judge.js';
export { openConfiguredModels } from './runtime/configured-models.js';
// Models and trainers: one factory each, extended through their registries.
export {
  checkModel,
  createModel,
  type ModelContext,
  type ModelKind,
  modelKinds,
  refToSpec,
  registerModelKind,
  studentRef,
} from './runtime/model-factory.js';
export {
  executeRun,
  loadRunModel,
  openRunStore,
  prepareRun,
  type RunSelfOptions,
  resumeSelf,
  runConfig,
  runConfigFrom,
  runSelf,
  startRun,
  writeReport,
} from './runtime/run-session.js';
export {
  createTrainer,
  registerTrainerKind,
  type TrainerContext,
  type TrainerKind,
  type TrainerSpec,
  trainerKinds,
} from './runtime/trainer-factory.js';
export type { ProposeSettings, SelfSettings } from './self/config.js';
export { readCritique, scoreVerdict } from './self/critique-reading.js';
export type { PipelineInputs } from './self/data.js';
export { TeacherVerdictError } from './self/meta-skills.js';
export {
  type PipelinePorts,
  type PipelineRun,
  type ProgressEvent,
  runPipeline,
} from './self/pipeline.js';
// Self-proposed prompts (evolve.propose): proposing, screening, deduplication.
export {
  normalizePrompt,
  PROMPT_SIMILARITIES,
  type PromptDecision,
  PromptIndex,
  type PromptSimilarity,
  type ProposalStatus,
  promptSimilarity,
  screenPrompts,
} from './self/prompt-dedup.js';
export {
  PROPOSAL_COUNTS,
  type ProposalStats,
  type ProposePromptsOptions,
  proposalStats,
  proposePrompts,
  proposingCorpus,
} from './self/propose-prompts.js';
export {
  type BuildMetaSkillsOptions,
  buildMetaSkills,
  type EvaluateOptions,
  type EvolveRoundOptions,
  evaluateModel,
  evolveRound,
  type RefinedAnswer,
  refineOnline,
} from './self/stages.js';
export { type RunSummary, type StageSummary, summarize } from './self/summary.js';
export { createServerApp, type ServedModel } from './server/server-app.js';
export { type RunningServer, startServer } from './server/start-server.js';
// The ports, and the adapters behind them.
export * from './spec/index.js';
// The run store.
export { SqliteRunStore } from './store/sqlite-run-store.js';
export {
  CONSTRAINTS_SCALE,
  ConstraintsTask,
  ConstraintsTeacher,
} from './tasks/constraints/constraints-task.js';
// Tasks: registered by name, declared in a config, or written in code.
export {
  type DeclarativeTaskInput,
  declarativeTaskSchema,
  defineTask,
  type TaskDefinition,
} from './tasks/declarative-task.js';
export { EquationsTask, EquationsTeacher } from './tasks/equations/equations-task.js';
export { loadTaskModule } from './tasks/task-module.js';
export { createTask, registerTask, type TaskEntry, taskNames } from './tasks/task-registry.js';
export { resolveTask, type TaskSpec, taskSpecSchema } from './tasks/task-spec.js';
export * from './trainers/index.js';
