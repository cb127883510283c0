// The `trainer` and `llamaCpp` sections of the run config (docs/trainers.md, docs/llama-cpp.md):
// which trainer fine-tunes each stage (the embedded engine, an external command, an OpenAI-style
// fine-tuning API) and how models in GGUF files run through llama.cpp. Both are optional: without
// a trainer, an embedded student is trained by the engine.
import { z } from 'zod';
import { envName, int, noInlineKey, templatesSchema as templates } from './fragments.js';

/** The embedded engine (the default for an embedded student): in process, or beside another training. */
export const embeddedTrainerSchema = z
  .object({
    kind: z.literal('embedded'),
    /**
     * Trainings run at once: with 2 (the default on 2 cores or more) a stage's SFT twin trains
     * beside it, each on its share of the threads; 1 trains one model after the other.
     */
    parallel: int(1).max(2).optional(),
  })
  .strict();

/** Any program: TRL, Unsloth, axolotl, a script (the command contract in docs/trainers.md). */
export const commandTrainerSchema = z
  .object({
    kind: z.literal('command'),
    /** The program and its arguments, with placeholders such as `{data}` and `{output}`. */
    command: z.array(z.string().min(1)).min(1),
    cwd: z.string().optional(),
    /** Extra environment variables (never secrets: keep those in your environment). */
    env: z.record(envName, z.string()).optional(),
    /** Add each row's SELF episode as `self_episode`. */
    episodes: z.boolean().default(true),
    timeoutMinutes: z.number().positive().optional(),
    templates: templates.optional(),
  })
  .strict();

/** An OpenAI-style fine-tuning API: OpenAI, hosted providers, `self-evolve serve --fine-tuning`. */
export const openAITrainerSchema = z
  .object({
    kind: z.literal('openai'),
    baseURL: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .default('https://api.openai.com/v1'),
    apiKeyEnv: envName.optional(),
    apiKey: noInlineKey,
    pollSeconds: z.number().positive().default(10),
    suffix: z.string().min(1).max(40).optional(),
    /** Send SELF episodes with the rows (for `self-evolve serve --fine-tuning`). */
    episodes: z.boolean().default(false),
    /** `gguf`: download the model as GGUF (serve writes one) and generate with llama.cpp. */
    download: z.enum(['gguf']).optional(),
    timeoutMinutes: z.number().positive().optional(),
    templates: templates.optional(),
  })
  .strict();

export const trainerConfigSchema = z.discriminatedUnion('kind', [
  embeddedTrainerSchema,
  commandTrainerSchema,
  openAITrainerSchema,
]);

export const llamaCppConfigSchema = z
  .object({
    /** Samples generated in parallel. */
    sequences: int(1).max(64).default(4),
    /** Constrain feedback to end in a verdict line. */
    feedback: z.enum(['none', 'grammar', 'json']).default('none'),
    mode: z.enum(['auto', 'native', 'chat']).default('auto'),
    contextSize: int(16).optional(),
    threads: int(1).optional(),
    kvCache: z.enum(['F16', 'F32']).optional(),
    gpu: z.union([z.literal(false), z.literal('auto')]).default(false),
    templates: templates.optional(),
  })
  .strict();

export type TrainerConfig = z.infer<typeof trainerConfigSchema>;
export type LlamaCppConfig = z.infer<typeof llamaCppConfigSchema>;
