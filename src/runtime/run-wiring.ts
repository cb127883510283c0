// The ports of one run from its config: the task and its teacher, the student's starting model,
// the trainer, and a loader that opens every model the run trains through the one model factory.
// External calls of the whole run share one response cache (in the run folder) and one ledger, so
// the budget covers them all and a resumed run never pays twice for a call.
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CheckerModelSpec, ModelSpec } from '../config/model-schemas.js';
import type { RunConfig } from '../config/run-config.js';
import { EmbeddedTrainer } from '../engine/index.js';
import { ModelTeacher } from '../providers/model-teacher.js';
import { ResponseCache } from '../providers/response-cache.js';
import { UsageLedger } from '../providers/usage-ledger.js';
import type { PipelinePorts } from '../self/pipeline.js';
import { InvalidInputError } from '../spec/errors.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { Teacher } from '../spec/task.js';
import type { ModelLoader, ModelRef, Trainer } from '../spec/trainer.js';
import type { TaskEntry } from '../tasks/task-registry.js';
import { resolveTask } from '../tasks/task-spec.js';
import type { RunTracer } from '../telemetry/run-tracer.js';
import { TracedLanguageModel } from '../telemetry/traced-language-model.js';
import {
  checkerTeacher,
  createModel,
  type ModelContext,
  refToSpec,
  studentRef,
} from './model-factory.js';
import { createTrainer } from './trainer-factory.js';

/** The run's ports and what to release when it ends. */
export interface RunWiring {
  readonly ports: Omit<PipelinePorts, 'store'>;
  readonly entry: TaskEntry;
  readonly ledger: UsageLedger;
  close(): Promise<void>;
}

/** The student entry of a run config, or an error saying how to add one. */
export function requireStudent(config: RunConfig): ModelSpec {
  const student = config.models.student;
  if (!student) {
    throw new InvalidInputError(
      'is required: the model that evolves',
      { field: 'models.student' },
      {
        hint: 'e.g. "models": {"student": {"kind": "openai-compatible", "baseURL": "http://127.0.0.1:8000/v1", "model": "my-model"}}',
      },
    );
  }
  return student;
}

/** The teacher entry (explicit, or the task's own checker), or an error saying what to add. */
export function teacherSpec(config: RunConfig, entry: TaskEntry): ModelSpec {
  const spec = config.models.teacher;
  if (spec) return spec;
  if (entry.teacher) return { kind: 'checker' };
  throw new InvalidInputError(
    `the task "${entry.task.name}" has no programmatic checker, so the meta-skill stage needs a teacher model`,
    { field: 'models.teacher' },
    {
      hint: 'add "teacher": {"kind": "openai-compatible", "baseURL": ..., "model": ...} to "models" (docs/own-model.md)',
    },
  );
}

/** Whether the run needs an explicit trainer (only an embedded student trains in process). */
export function checkTrainerChoice(config: RunConfig): void {
  const student = requireStudent(config);
  if (!config.trainer && student.kind !== 'embedded') {
    throw new InvalidInputError(
      `a "${student.kind}" student needs a trainer: the engine trains embedded models only`,
      { field: 'trainer' },
      {
        hint: 'add "trainer": {"kind": "command", "command": [...]} (TRL, Unsloth, a script) or {"kind": "openai", ...} (docs/trainers.md)',
      },
    );
  }
}

/** A run's task and the loader of the models it trains, sharing one cache and one ledger. */
export interface RunModels {
  readonly entry: TaskEntry;
  readonly loader: ModelLoader;
  readonly ledger: UsageLedger;
  readonly engine: EmbeddedTrainer;
  readonly context: ModelContext;
  /** Models opened by the owner, closed with the rest. */
  readonly opened: LanguageModel[];
  close(): Promise<void>;
}

/** Opens the models side of the run whose folder is `runDir` (enough for `ask` and `eval`). */
export async function openRunModels(
  config: RunConfig,
  runDir: string,
  options: { env?: NodeJS.ProcessEnv; cache?: boolean; tracer?: RunTracer } = {},
): Promise<RunModels> {
  const entry = await resolveTask(config.task);
  const student = requireStudent(config);
  // A prompt longer than the context fails its own sample, counted against generation.maxErrors.
  const engine = new EmbeddedTrainer({
    outputDir: join(runDir, 'models'),
    overwrite: true,
    onContextOverflow: 'error',
  });
  let cache: ResponseCache | undefined;
  if (options.cache !== false) {
    mkdirSync(runDir, { recursive: true });
    cache = new ResponseCache(join(runDir, 'cache.sqlite'));
  }
  const spent = cache?.totals();
  const ledger = new UsageLedger(config.budget, {
    tokens: spent ? spent.inputTokens + spent.outputTokens : 0,
    costUsd: spent?.costUsd ?? 0,
  });
  const context: ModelContext = {
    engine,
    ledger,
    cache,
    teacher: entry.teacher,
    llamaCpp: config.llamaCpp,
    env: options.env,
    source: 'run config',
  };
  const opened: LanguageModel[] = [];
  const loader: ModelLoader = {
    load: async (ref: ModelRef) => {
      const spec = refToSpec(ref, student, context);
      const model = await createModel(spec, { ...context, stage: `model:${basename(ref.id)}` });
      return options.tracer ? traced(model, spec, options.tracer, entry, 'student') : model;
    },
  };
  return {
    entry,
    loader,
    ledger,
    engine,
    context,
    opened,
    close: async () => {
      for (const m of opened.splice(0)) await m.close?.();
      await engine.close();
      cache?.close();
    },
  };
}

/** Opens every port of the run whose folder is `runDir`: models, teacher and trainer. */
export async function openRunWiring(
  config: RunConfig,
  runDir: string,
  options: { env?: NodeJS.ProcessEnv; tracer?: RunTracer } = {},
): Promise<RunWiring> {
  checkTrainerChoice(config);
  const models = await openRunModels(config, runDir, options);
  const { entry, engine, context } = models;
  try {
    const teacher = await openTeacher(
      teacherSpec(config, entry),
      entry,
      context,
      models.opened,
      options.tracer,
    );
    const trainer: Trainer = config.trainer
      ? await createTrainer(config.trainer, { runDir, engine, env: options.env })
      : engine;
    const start = studentRef(requireStudent(config));
    const proposer = await openProposer(config, context, models.opened);
    return {
      ports: { trainer, loader: models.loader, task: entry.task, teacher, start, proposer },
      entry,
      ledger: models.ledger,
      close: () => models.close(),
    };
  } catch (error) {
    await models.close();
    throw error;
  }
}

/** The model entry that proposes the rounds' prompts with `evolve.propose.by: "teacher"`. */
export function proposerSpec(config: RunConfig): ModelSpec | undefined {
  if (config.evolve.propose?.by !== 'teacher') return undefined;
  const spec = config.models.teacher;
  if (!spec || spec.kind === 'checker') {
    throw new InvalidInputError(
      'proposing by the teacher needs the teacher as a model, not the checker',
      { field: 'evolve.propose.by' },
      { hint: 'give models.teacher a model entry, or set "by": "student"' },
    );
  }
  return spec;
}

/** The teacher as a model, when it proposes the rounds' prompts (`evolve.propose.by`). */
async function openProposer(
  config: RunConfig,
  context: ModelContext,
  opened: LanguageModel[],
): Promise<LanguageModel | undefined> {
  const spec = proposerSpec(config);
  if (!spec) return undefined;
  const model = await createModel(spec, { ...context, stage: 'proposer' });
  opened.push(model);
  return model;
}

/** The teacher: the task's checker itself, or a model that reviews through the chat templates. */
async function openTeacher(
  spec: ModelSpec,
  entry: TaskEntry,
  context: ModelContext,
  opened: LanguageModel[],
  tracer?: RunTracer,
): Promise<Teacher> {
  // A checker is the Teacher port itself: no need to go through its LanguageModel face.
  if (spec.kind === 'checker')
    return checkerTeacher(spec as CheckerModelSpec, { teacher: entry.teacher });
  const created = await createModel(spec, { ...context, stage: 'teacher' });
  const model = tracer ? traced(created, spec, tracer, entry, 'teacher') : created;
  opened.push(model);
  return new ModelTeacher(model, { parseVerdict: (f) => entry.task.parseVerdict(f) });
}

/** A model recorded as spans of the run's trace (GenAI semantic conventions). */
function traced(
  model: LanguageModel,
  spec: ModelSpec,
  tracer: RunTracer,
  entry: TaskEntry,
  role: 'student' | 'teacher',
): LanguageModel {
  const viaChat = spec.kind === 'openai-compatible';
  return new TracedLanguageModel(model, tracer, {
    provider: viaChat ? 'openai' : spec.kind === 'llama-cpp' ? 'llama.cpp' : 'self-evolve',
    operation: viaChat ? 'chat' : 'text_completion',
    role,
    parseVerdict: (f) => entry.task.parseVerdict(f),
  });
}
