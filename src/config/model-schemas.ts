// The config entries of the built-in model kinds (a model is named in a config's `models` section,
// e.g. `student` and `teacher`): an embedded checkpoint or a fresh embedded model, an
// OpenAI-compatible endpoint, a GGUF file through llama.cpp, or a task's programmatic checker.
// Secrets are never in a file: an endpoint names the environment variable holding its key.
import { z } from 'zod';
import { validateConfig } from '../engine/config.js';
import { DEFAULT_SHAPE } from '../engine/engine.js';
import { SelfEvolveError } from '../spec/errors.js';
import { envName, int, noInlineKey, templatesSchema } from './fragments.js';
import { llamaCppConfigSchema } from './trainer-config.js';

const sampling = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().gt(0).max(1).optional(),
    topK: int(1).optional(),
    maxTokens: int(1, 1 << 20).optional(),
    stop: z.array(z.string()).max(4).optional(),
    seed: int(0).optional(),
  })
  .strict();

/** An OpenAI-compatible chat endpoint: vLLM, SGLang, llama.cpp's server, Ollama, hosted APIs, `serve`. */
export const openAICompatibleSchema = z
  .object({
    kind: z.literal('openai-compatible'),
    /** e.g. `http://127.0.0.1:8000/v1`. */
    baseURL: z.url({
      protocol: /^https?$/,
      error: 'must be an http:// or https:// URL, e.g. http://127.0.0.1:8000/v1',
    }),
    model: z.string().min(1),
    /** Name of the environment variable holding the API key. */
    apiKeyEnv: envName.optional(),
    apiKey: noInlineKey,
    /** Send SELF episodes natively: for a self-evolve `serve` upstream. */
    nativeEpisodes: z.boolean().default(false),
    sampling: sampling.default({}),
    templates: templatesSchema.optional(),
    concurrency: int(1, 1024).default(8),
    timeoutMs: int(1).default(120_000),
    maxRetries: int(0, 100).default(6),
    /** US dollars per million tokens, for `budget.maxCostUsd`. */
    prices: z
      .object({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) })
      .strict()
      .optional(),
  })
  .strict();

/** The shape, tokenizer and seed of a fresh embedded model (`docs/engine.md`). */
export const newEmbeddedModelSchema = z
  .object({
    config: z.record(z.string(), z.unknown()).optional(),
    tokenizer: z.enum(['byte', 'char']).optional(),
    /** Every character the char tokenizer knows (default: printable ASCII plus the data's). */
    alphabet: z.string().min(1).optional(),
    /** Initialisation seed (default: derived from the run seed). */
    seed: int(0).optional(),
  })
  .strict()
  .superRefine((fresh, ctx) => {
    try {
      // The vocabulary comes from the tokenizer; any size stands in for it here.
      validateConfig({ ...DEFAULT_SHAPE, ...fresh.config, vocabSize: 256 });
    } catch (error) {
      if (!SelfEvolveError.isInstance(error)) throw error;
      const field = (error as { at?: { field?: string } }).at?.field;
      ctx.addIssue({
        code: 'custom',
        message: error.message.replace(/^field "[^"]*": /, ''),
        path: field ? ['config', field] : ['config'],
      });
    }
  });

/** The embedded engine: a checkpoint folder, or a fresh model (`new`). */
export const embeddedModelSchema = z
  .object({
    kind: z.literal('embedded'),
    checkpoint: z.string().min(1).optional(),
    new: newEmbeddedModelSchema.optional(),
  })
  .strict()
  .refine((m) => (m.checkpoint === undefined) !== (m.new === undefined), {
    message: 'give exactly one of "checkpoint" (a folder) and "new" (a fresh model\'s shape)',
  });

/** A local GGUF file run through llama.cpp (src/providers/llama-cpp, docs/llama-cpp.md). */
export const llamaCppModelSchema = llamaCppConfigSchema
  .extend({ kind: z.literal('llama-cpp'), path: z.string().min(1) })
  .strict();

/**
 * A task's programmatic teacher (e.g. the equations checker) as a model that writes feedback and
 * refinements: the run's task by default, or the registered task `task`.
 */
export const checkerModelSchema = z
  .object({ kind: z.literal('checker'), task: z.string().min(1).optional() })
  .strict();

/**
 * A Hugging Face model id or folder that a `command` trainer (TRL) starts from: trainable, not
 * callable: with `base.skip` false, every model the run calls is one its trainer made.
 */
export const hfModelSchema = z.object({ kind: z.literal('hf'), id: z.string().min(1) }).strict();

export type OpenAICompatibleSpec = z.infer<typeof openAICompatibleSchema>;
export type EmbeddedModelSpec = z.infer<typeof embeddedModelSchema>;
export type NewEmbeddedModel = z.infer<typeof newEmbeddedModelSchema>;
export type LlamaCppModelSpec = z.infer<typeof llamaCppModelSchema>;
export type CheckerModelSpec = z.infer<typeof checkerModelSchema>;
export type HfModelSpec = z.infer<typeof hfModelSchema>;

/** A model entry of a built-in kind. */
export type BuiltinModelSpec =
  | OpenAICompatibleSpec
  | EmbeddedModelSpec
  | LlamaCppModelSpec
  | CheckerModelSpec
  | HfModelSpec;

/** A model entry: a built-in kind, or a kind registered with `registerModelKind`. */
export type ModelSpec = BuiltinModelSpec | ({ kind: string } & Record<string, unknown>);

/** A stop for paid calls; see UsageLedger. */
export const budgetSchema = z
  .object({ maxTokens: int(1).optional(), maxCostUsd: z.number().positive().optional() })
  .strict();
