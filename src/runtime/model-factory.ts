// The one place a model entry of any config becomes a LanguageModel, whichever command asked:
// a registry of model kinds (embedded, openai-compatible, llama-cpp, checker, and whatever a
// library user registers), each with its config schema, its factory, the ModelRef a trainer
// starts from, how a trained ModelRef maps back to an entry, and a cheap reachability check.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { KindRegistry } from '../config/kind-registry.js';
import {
  type CheckerModelSpec,
  checkerModelSchema,
  type EmbeddedModelSpec,
  embeddedModelSchema,
  type HfModelSpec,
  hfModelSchema,
  type LlamaCppModelSpec,
  llamaCppModelSchema,
  type ModelSpec,
  type OpenAICompatibleSpec,
  openAICompatibleSchema,
} from '../config/model-schemas.js';
import type { LlamaCppConfig } from '../config/trainer-config.js';
import { parseWithSchema } from '../config/validate.js';
import { isCheckpoint, NEW_MODEL_ID } from '../engine/index.js';
import { resolveTemplates } from '../providers/chat-template.js';
import type { ResponseCache } from '../providers/response-cache.js';
import type { UsageLedger } from '../providers/usage-ledger.js';
import { InvalidInputError } from '../spec/errors.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { Teacher } from '../spec/task.js';
import type { ModelLoader, ModelRef } from '../spec/trainer.js';
import { createTask } from '../tasks/task-registry.js';
import { probeEndpoint } from './probe-endpoint.js';

/** What creating a model may use besides its entry. */
export interface ModelContext {
  /** Loads `embedded` checkpoints (the engine's loader, sharing its compute kernels). */
  readonly engine?: ModelLoader;
  /** Shared by every external model of a run: usage by stage, and the budget. */
  readonly ledger?: UsageLedger;
  /** Paid calls already made are answered from here (resume never pays twice). */
  readonly cache?: ResponseCache;
  /** Accounting name of this model's calls (`teacher`, `model:round-2`). */
  readonly stage?: string;
  /** The config file, for error messages. */
  readonly source?: string;
  /** Where relative paths of the entry point (the config file's folder). */
  readonly baseDir?: string;
  /** The run's programmatic teacher, for `checker` entries without a `task`. */
  readonly teacher?: Teacher;
  /** How GGUF files run, for refs of kind `gguf`. */
  readonly llamaCpp?: LlamaCppConfig;
  readonly env?: NodeJS.ProcessEnv;
}

/** A model kind: how its entry is validated, opened, started from, found again and checked. */
export interface ModelKind<S extends ModelSpec = ModelSpec> {
  readonly schema: z.ZodType<S>;
  create(spec: S, context: ModelContext): Promise<LanguageModel>;
  /** The ModelRef a trainer starts from when this model is the student (absent: cannot be). */
  toRef?(spec: S): ModelRef;
  /** A trained model of this kind as an entry, given the run's student entry. */
  fromRef?(ref: ModelRef, student: ModelSpec | undefined, context: ModelContext): S;
  /** The entry with its relative paths made absolute against `baseDir`. */
  resolvePaths?(spec: S, baseDir: string): S;
  /** One cheap call proving the model can be reached; throws a message with the URL or path. */
  check?(spec: S, context: ModelContext): Promise<void>;
}

/** Every model kind a config may name. */
export const modelKinds = new KindRegistry<ModelKind>('model kind');

/** Registers (or replaces) a model kind. */
export function registerModelKind<S extends ModelSpec>(kind: string, entry: ModelKind<S>): void {
  modelKinds.register(kind, entry as unknown as ModelKind);
}

/** The schema of a model entry: checked by its kind's schema. */
export function modelSpecSchema(): z.ZodType<ModelSpec> {
  return modelKinds.schema() as z.ZodType<ModelSpec>;
}

function kindOf(kind: string, field = 'kind'): ModelKind {
  const entry = modelKinds.get(kind);
  if (!entry) {
    throw new InvalidInputError(
      `unknown model kind "${kind}"`,
      { field },
      { hint: `known kinds: ${modelKinds.kinds().join(', ')}` },
    );
  }
  return entry;
}

/** A LanguageModel for a model entry. External models come wrapped in the guard. */
export function createModel(spec: ModelSpec, context: ModelContext = {}): Promise<LanguageModel> {
  return kindOf(spec.kind).create(spec, context);
}

/** The entry with relative paths resolved against `baseDir`. */
export function resolveModelPaths(spec: ModelSpec, baseDir: string): ModelSpec {
  return kindOf(spec.kind).resolvePaths?.(spec, baseDir) ?? spec;
}

/** Checks that the model can be reached (a no-op for kinds without a check). */
export async function checkModel(spec: ModelSpec, context: ModelContext = {}): Promise<void> {
  await kindOf(spec.kind).check?.(spec, context);
}

/** The ModelRef a trainer starts from for a student entry. */
export function studentRef(spec: ModelSpec): ModelRef {
  const kind = kindOf(spec.kind, 'models.student.kind');
  if (!kind.toRef) {
    throw new InvalidInputError(`a "${spec.kind}" model cannot be the student`, {
      field: 'models.student',
    });
  }
  return kind.toRef(spec);
}

/** Which model kind loads a ModelRef kind that is not itself a model kind. */
const REF_KINDS: Record<string, string> = { gguf: 'llama-cpp', openai: 'openai-compatible' };

/** A trained model's entry: how the run opens the ModelRef its trainer returned. */
export function refToSpec(
  ref: ModelRef,
  student: ModelSpec | undefined,
  context: ModelContext = {},
): ModelSpec {
  const name = modelKinds.get(ref.kind) ? ref.kind : REF_KINDS[ref.kind];
  const kind = name === undefined ? undefined : modelKinds.get(name);
  if (!kind?.fromRef) {
    throw new InvalidInputError(
      `cannot open a model of kind "${ref.kind}" (${ref.id})`,
      {},
      {
        hint: `the trainer reported a ModelRef kind no model kind opens; known: ${modelKinds.kinds().join(', ')}, gguf, openai`,
      },
    );
  }
  return kind.fromRef(ref, student, context);
}

const abs = (baseDir: string, path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));

registerModelKind<EmbeddedModelSpec>('embedded', {
  schema: embeddedModelSchema,
  async create(spec, context) {
    if (!context.engine) throw new Error('an embedded model needs the engine loader');
    return context.engine.load(this.toRef!(spec));
  },
  toRef: (spec) =>
    spec.checkpoint !== undefined
      ? { kind: 'embedded', id: spec.checkpoint }
      : { kind: 'embedded', id: NEW_MODEL_ID, meta: spec.new },
  fromRef: (ref) =>
    ref.id === NEW_MODEL_ID
      ? { kind: 'embedded', new: (ref.meta ?? {}) as EmbeddedModelSpec['new'] }
      : { kind: 'embedded', checkpoint: ref.id },
  resolvePaths: (spec, baseDir) =>
    spec.checkpoint === undefined ? spec : { ...spec, checkpoint: abs(baseDir, spec.checkpoint) },
  async check(spec) {
    if (spec.checkpoint !== undefined && !isCheckpoint(spec.checkpoint)) {
      throw new InvalidInputError(
        `${spec.checkpoint} is not an embedded checkpoint (no config.json)`,
        {
          field: 'checkpoint',
        },
      );
    }
  },
});

registerModelKind<OpenAICompatibleSpec>('openai-compatible', {
  schema: openAICompatibleSchema,
  async create(spec, context) {
    const { createOpenAICompatibleModel } = await import('../providers/openai-compatible.js');
    const { GuardedLanguageModel } = await import('../providers/guarded-language-model.js');
    const model = createOpenAICompatibleModel(
      {
        baseURL: spec.baseURL,
        model: spec.model,
        apiKeyEnv: spec.apiKeyEnv,
        nativeEpisodes: spec.nativeEpisodes,
        sampling: spec.sampling,
        templates: resolveTemplates(spec.templates, context.source),
        source: context.source,
      },
      context.env,
    );
    return new GuardedLanguageModel(model, {
      concurrency: spec.concurrency,
      timeoutMs: spec.timeoutMs,
      retry: { maxRetries: spec.maxRetries },
      prices: spec.prices,
      ledger: context.ledger,
      cache: context.cache,
      stage: context.stage,
    });
  },
  toRef: (spec) => ({
    kind: 'openai-compatible',
    id: spec.model,
    meta: { baseURL: spec.baseURL, apiKeyEnv: spec.apiKeyEnv },
  }),
  fromRef(ref, student) {
    const base =
      student?.kind === 'openai-compatible' ? (student as OpenAICompatibleSpec) : undefined;
    const meta = (ref.meta ?? {}) as { baseURL?: unknown; apiKeyEnv?: unknown };
    const baseURL = typeof meta.baseURL === 'string' ? meta.baseURL : base?.baseURL;
    if (!baseURL) {
      throw new InvalidInputError(
        `no endpoint for the model "${ref.id}"`,
        { field: 'models.student' },
        {
          hint: 'its ModelRef names no baseURL and the student is not an openai-compatible endpoint',
        },
      );
    }
    const apiKeyEnv = typeof meta.apiKeyEnv === 'string' ? meta.apiKeyEnv : base?.apiKeyEnv;
    // A model served where the student is keeps the student's settings (templates, limits).
    const same = base?.baseURL === baseURL ? base : undefined;
    return parseWithSchema(openAICompatibleSchema, {
      ...same,
      kind: 'openai-compatible',
      baseURL,
      model: ref.id,
      ...(apiKeyEnv ? { apiKeyEnv } : {}),
    });
  },
  check: (spec, context) =>
    probeEndpoint(spec.baseURL, spec.apiKeyEnv, context.env, context.stage ?? 'model'),
});

registerModelKind<LlamaCppModelSpec>('llama-cpp', {
  schema: llamaCppModelSchema,
  async create(spec, context) {
    const { LlamaCppLanguageModel } = await import(
      '../providers/llama-cpp/llama-cpp-language-model.js'
    );
    const { kind: _, path, templates, ...options } = spec;
    const resolved = templates ? resolveTemplates(templates, context.source) : undefined;
    return LlamaCppLanguageModel.load({
      ...options,
      modelPath: path,
      templates: resolved,
      id: `gguf:${path}`,
    });
  },
  toRef: (spec) => ({ kind: 'gguf', id: spec.path }),
  fromRef: (ref, _student, context) =>
    parseWithSchema(llamaCppModelSchema, { ...context.llamaCpp, kind: 'llama-cpp', path: ref.id }),
  resolvePaths: (spec, baseDir) => ({ ...spec, path: abs(baseDir, spec.path) }),
  async check(spec) {
    if (!existsSync(spec.path)) {
      throw new InvalidInputError(`no such GGUF file: ${spec.path}`, { field: 'path' });
    }
  },
});

registerModelKind<CheckerModelSpec>('checker', {
  schema: checkerModelSchema,
  async create(spec, context) {
    const { TeacherLanguageModel } = await import('../providers/model-teacher.js');
    return new TeacherLanguageModel(checkerTeacher(spec, context));
  },
  async check(spec, context) {
    checkerTeacher(spec, context);
  },
});

registerModelKind<HfModelSpec>('hf', {
  schema: hfModelSchema,
  async create(spec) {
    throw new InvalidInputError(
      `the Hugging Face model "${spec.id}" cannot be called directly`,
      { field: 'kind' },
      {
        hint: 'serve it (vLLM, llama.cpp server) and name it as "openai-compatible", or let the trainer turn it into a model the run can call (base.skip: false)',
      },
    );
  },
  toRef: (spec) => ({ kind: 'hf', id: spec.id }),
});

/** The programmatic teacher a `checker` entry names. */
export function checkerTeacher(
  spec: CheckerModelSpec,
  context: Pick<ModelContext, 'teacher'>,
): Teacher {
  if (spec.task !== undefined) {
    const { teacher } = createTask(spec.task);
    if (!teacher) {
      throw new InvalidInputError(`task "${spec.task}" has no programmatic checker`, {
        field: 'task',
      });
    }
    return teacher;
  }
  if (!context.teacher) {
    throw new InvalidInputError(
      "the run's task has no programmatic checker",
      { field: 'kind' },
      { hint: 'name a task that has one ("task": "equations") or make the teacher a model' },
    );
  }
  return context.teacher;
}
