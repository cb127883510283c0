// The `models` section of a config: named models (by convention `student` and `teacher`), each an
// embedded checkpoint or an OpenAI-compatible endpoint, and the run's budget. Secrets are never in
// the file: a model names the environment variable that holds its key (`apiKeyEnv`).
import { z } from 'zod';
import { lineOfPath, readJsonFile } from '../self/json-locate.js';
import { llamaCppConfigSchema } from '../self/trainer-config.js';
import { InvalidInputError } from '../spec/errors.js';

const int = (min: number) => z.number().int().min(min);

const sampling = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().gt(0).max(1).optional(),
    topK: int(1).optional(),
    maxTokens: int(1).optional(),
    stop: z.array(z.string()).max(4).optional(),
    seed: int(0).optional(),
  })
  .strict();

const sectionTemplate = z.object({ system: z.string().optional(), user: z.string() }).strict();

/** Overrides of the chat templates (docs/providers.md); unset sections keep the defaults. */
export const templatesSchema = z
  .object({
    response: sectionTemplate.optional(),
    feedback: sectionTemplate.optional(),
    refinement: sectionTemplate.optional(),
  })
  .strict();

const noInlineKey = z
  .never({ message: 'secrets are read from environment variables only: use apiKeyEnv' })
  .optional();

export const openAICompatibleSchema = z
  .object({
    kind: z.literal('openai-compatible'),
    /** e.g. `http://127.0.0.1:8000/v1`. */
    baseURL: z.url(),
    model: z.string().min(1),
    /** Name of the environment variable holding the API key. */
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .optional(),
    apiKey: noInlineKey,
    /** Send SELF episodes natively: for a self-evolve `serve` upstream. */
    nativeEpisodes: z.boolean().default(false),
    sampling: sampling.default({}),
    templates: templatesSchema.optional(),
    concurrency: int(1).default(8),
    timeoutMs: int(1).default(120_000),
    maxRetries: int(0).default(6),
    /** US dollars per million tokens, for `budget.maxCostUsd`. */
    prices: z
      .object({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) })
      .strict()
      .optional(),
  })
  .strict();

export const embeddedModelSchema = z
  .object({ kind: z.literal('embedded'), checkpoint: z.string().min(1) })
  .strict();

/** A local GGUF file run through llama.cpp (src/providers/llama-cpp, docs/llama-cpp.md). */
export const llamaCppModelSchema = llamaCppConfigSchema
  .extend({ kind: z.literal('llama-cpp'), path: z.string().min(1) })
  .strict();

export const modelSpecSchema = z.discriminatedUnion('kind', [
  openAICompatibleSchema,
  embeddedModelSchema,
  llamaCppModelSchema,
]);

/** A stop for paid calls; see UsageLedger. */
export const budgetSchema = z
  .object({ maxTokens: int(1).optional(), maxCostUsd: z.number().positive().optional() })
  .strict();

/** `{"models": {"student": {...}, "teacher": {...}}, "budget": {...}}`. */
export const modelsConfigSchema = z.object({
  models: z.record(z.string().min(1), modelSpecSchema).default({}),
  budget: budgetSchema.default({}),
});

export type ModelSpec = z.infer<typeof modelSpecSchema>;
export type OpenAICompatibleSpec = z.infer<typeof openAICompatibleSchema>;
export type ModelsConfig = z.infer<typeof modelsConfigSchema>;

/**
 * Validates the models section of a parsed config object; other top-level keys are ignored (they
 * belong to the SELF config). `source` lets errors give the file and line.
 */
export function parseModelsConfig(
  input: unknown,
  source: { file?: string; text?: string } = {},
): ModelsConfig {
  const result = modelsConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  throw new InvalidInputError(issue.message, {
    file: source.file,
    line: source.text ? lineOfPath(source.text, path) : undefined,
    field: path.join('.') || undefined,
  });
}

/** Reads the models section of a JSON config file. */
export function loadModelsConfig(file: string): ModelsConfig {
  const { json, text } = readJsonFile(file);
  return parseModelsConfig(json, { file, text });
}

/** The model called `name`, or an error listing the names the config has. */
export function requireModel(config: ModelsConfig, name: string, flag: string): ModelSpec {
  const spec = config.models[name];
  if (!spec) {
    const known = Object.keys(config.models);
    throw new InvalidInputError(
      `no model named "${name}" in the config`,
      { field: flag },
      {
        hint: known.length ? `models in the config: ${known.join(', ')}` : 'add a "models" section',
      },
    );
  }
  return spec;
}
