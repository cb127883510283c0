// The `trainer` and `llamaCpp` sections of the run config (docs/trainers.md, docs/llama-cpp.md):
// which trainer fine-tunes each stage (the embedded engine, an external command, an OpenAI-style
// fine-tuning API) and how models in GGUF files run through llama.cpp. Both are optional: without
// them the model's kind decides, as before.
import { z } from 'zod';

const int = (min: number) => z.number().int().min(min);
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const sectionTemplate = z.object({ system: z.string().optional(), user: z.string() }).strict();

/** Chat templates for rendering training rows (defaults: the provider templates). */
const templates = z
  .object({
    response: sectionTemplate.optional(),
    feedback: sectionTemplate.optional(),
    refinement: sectionTemplate.optional(),
  })
  .strict();

export const trainerConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('embedded') }).strict(),
  z
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
    .strict(),
  z
    .object({
      kind: z.literal('openai'),
      baseURL: z.url().default('https://api.openai.com/v1'),
      apiKeyEnv: envName.optional(),
      apiKey: z
        .never({ message: 'secrets are read from environment variables only: use apiKeyEnv' })
        .optional(),
      pollSeconds: z.number().positive().default(10),
      suffix: z.string().min(1).max(40).optional(),
      /** Send SELF episodes with the rows (for `self-evolve serve --fine-tuning`). */
      episodes: z.boolean().default(false),
      /** `gguf`: download the model as GGUF (serve writes one) and generate with llama.cpp. */
      download: z.enum(['gguf']).optional(),
      timeoutMinutes: z.number().positive().optional(),
      templates: templates.optional(),
    })
    .strict(),
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
