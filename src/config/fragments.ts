// The zod pieces every config section shares (integers, fractions, environment-variable names,
// chat templates, hyperparameters), defined once so the models, trainer and run schemas agree.
import { z } from 'zod';

/** An integer ≥ `min`, at most `max` (default: the largest safe integer). */
export const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.number().int().min(min).max(max);

/** A fraction in [0, 1]. */
export const fraction = z.number().min(0).max(1);

/** The name of an environment variable (never its value: secrets stay in the environment). */
export const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

/** Rejects an inline secret, pointing at the field that names its variable instead. */
export const noInlineKey = z
  .never({ message: 'secrets are read from environment variables only: use apiKeyEnv' })
  .optional();

const sectionTemplate = z.object({ system: z.string().optional(), user: z.string() }).strict();

/** Overrides of the chat templates (docs/providers.md); unset sections keep the defaults. */
export const templatesSchema = z
  .object({
    response: sectionTemplate.optional(),
    feedback: sectionTemplate.optional(),
    refinement: sectionTemplate.optional(),
  })
  .strict();

/** A trainer's hyperparameters for one stage, passed through as written. */
export const hyperparameters = z
  .record(z.string(), z.union([z.number(), z.string(), z.boolean()]))
  .default({});
