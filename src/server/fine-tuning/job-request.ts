// The body of POST /v1/fine_tuning/jobs, checked whole at creation: every field and every
// hyperparameter against its range and the server's limits (FINE_TUNING_LIMITS), and the steps the
// job implies, so a bad or oversized job is a 400 naming the field, never a failure later.
import { z } from 'zod';
import { toSettings } from '../../engine/embedded-trainer.js';
import { resolveSettings } from '../../engine/train.js';
import { InvalidInputError } from '../../spec/errors.js';
import { HttpError, invalidRequest } from '../openai-error.js';
import { CHAT_LIMITS, FINE_TUNING_LIMITS as L } from '../server-limits.js';

/** The engine's learning rate that `learning_rate_multiplier: 1` stands for. */
export const BASE_LEARNING_RATE = 1e-3;

const metadata = z
  .record(z.string().max(L.metadataKey), z.string().max(L.metadataValue))
  .refine((m) => Object.keys(m).length <= L.metadataPairs, {
    message: `must have at most ${L.metadataPairs} pairs (the server's limit)`,
  });

const hyperparameters = z.record(z.string(), z.unknown());

const body = z.looseObject({
  model: z.string().min(1).max(CHAT_LIMITS.modelName),
  training_file: z.string().min(1).max(CHAT_LIMITS.modelName),
  validation_file: z.string().max(CHAT_LIMITS.modelName).nullish(),
  hyperparameters: hyperparameters.nullish(),
  method: z
    .object({
      type: z.string().optional(),
      supervised: z.object({ hyperparameters: hyperparameters.nullish() }).nullish(),
    })
    .nullish(),
  suffix: z
    .string()
    .max(L.suffix)
    .regex(/^[\w.-]*$/, 'must be letters, digits, "_", "-" or "."')
    .nullish(),
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .nullish(),
  metadata: metadata.nullish(),
});

export type JobRequest = z.infer<typeof body>;

/** Checks the fields of a create request (not yet whether its model and files exist). */
export function parseJobRequest(input: unknown): JobRequest {
  const parsed = body.safeParse(input);
  if (!parsed.success) throw invalidRequest(parsed.error.issues);
  const method = parsed.data.method?.type;
  if (method !== undefined && method !== 'supervised') {
    throw new HttpError(
      400,
      `method.type: "${method}" is not supported here (supervised only)`,
      'invalid_request_error',
      'method.type',
    );
  }
  return parsed.data;
}

interface Range {
  /** The engine's name of the setting. */
  readonly engine: string;
  readonly int?: boolean;
  readonly min: number;
  /** `min` itself is not allowed. */
  readonly above?: boolean;
  readonly max: number;
  /** `max` itself is not allowed. */
  readonly below?: boolean;
  /** Engine value = value × scale. */
  readonly scale?: number;
}

const epochs: Range = { engine: 'epochs', int: true, min: 1, max: L.epochs };
const batch: Range = { engine: 'batchSize', int: true, min: 1, max: L.batchSize };
const rate: Range = { engine: 'learningRate', min: 0, above: true, max: L.learningRate };
const beta = (engine: string): Range => ({ engine, min: 0, max: 1, below: true });

/** Every hyperparameter a job may set: OpenAI's names, then the engine's own. */
const RANGES: Readonly<Record<string, Range>> = {
  n_epochs: epochs,
  batch_size: batch,
  learning_rate_multiplier: {
    ...rate,
    max: L.learningRateMultiplier,
    scale: BASE_LEARNING_RATE,
  },
  steps: { engine: 'steps', int: true, min: 1, max: L.trainingSteps },
  epochs,
  batchSize: batch,
  learningRate: rate,
  minLearningRate: { engine: 'minLearningRate', min: 0, max: L.learningRate },
  warmupSteps: { engine: 'warmupSteps', int: true, min: 0, max: L.warmupSteps },
  weightDecay: { engine: 'weightDecay', min: 0, max: L.weightDecay },
  gradClip: { engine: 'gradClip', min: 0, max: L.gradClip },
  beta1: beta('beta1'),
  beta2: beta('beta2'),
};

const bad = (key: string, message: string) =>
  new HttpError(
    400,
    `hyperparameters.${key}: ${message}`,
    'invalid_request_error',
    `hyperparameters.${key}`,
  );

function checkRange(key: string, value: unknown, r: Range): number {
  const lo = r.above ? `(${r.min}` : `[${r.min}`;
  const hi = r.below ? `${r.max})` : `${r.max}]`;
  const what = r.int ? `an integer in ${lo}, ${hi}` : `a number in ${lo}, ${hi}`;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!r.int || Number.isInteger(value)) &&
    (r.above ? value > r.min : value >= r.min) &&
    (r.below ? value < r.max : value <= r.max);
  if (!ok) {
    const limit = typeof value === 'number' && value > r.max ? " (the server's limit)" : '';
    throw bad(key, `must be ${what}${limit}, or "auto"; got ${JSON.stringify(value)}`);
  }
  return (value as number) * (r.scale ?? 1);
}

/**
 * A job's hyperparameters as the engine trainer's settings ("auto" and null leave the engine's
 * default); `rows` (an upper bound of the training examples) bounds the steps they imply. Throws
 * a 400 naming the field, in the client's name for it.
 */
export function engineHyperparameters(
  hyper: Readonly<Record<string, unknown>>,
  rows?: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  const clientName: Record<string, string> = {};
  for (const [key, value] of Object.entries(hyper)) {
    if (value === 'auto' || value === undefined || value === null) continue;
    const range = RANGES[key];
    if (!range) throw bad(key, `unknown hyperparameter (known: ${Object.keys(RANGES).join(', ')})`);
    out[range.engine] = checkRange(key, value, range);
    clientName[range.engine] = key;
  }
  try {
    // The engine's own checks too (e.g. minLearningRate ≤ learningRate), named as the client did.
    resolveSettings(toSettings(out, 0));
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const engineName = (error.at.field ?? '').replace(/^hyperparameters\./, '');
    const key = clientName[engineName] ?? engineName;
    throw bad(key, error.message.replace(/^field "[^"]*": /, ''));
  }
  if (rows !== undefined && out.steps === undefined) checkImpliedSteps(out, rows, clientName);
  return out;
}

/** Epochs × batches per epoch must stay within the step limit; `steps` is checked by its range. */
function checkImpliedSteps(
  settings: Record<string, number>,
  rows: number,
  clientName: Record<string, string>,
): void {
  const n = settings.epochs ?? 1;
  const size = settings.batchSize ?? 16;
  const steps = n * Math.ceil(rows / size);
  if (steps <= L.trainingSteps) return;
  const key = clientName.epochs ?? clientName.batchSize ?? 'n_epochs';
  throw bad(
    key,
    `${n} epochs of ${rows} rows in batches of ${size} make ${steps} steps, more than the ` +
      `server's limit of ${L.trainingSteps}; lower n_epochs, raise batch_size or set steps`,
  );
}
