// The model's shape: a validated llama-style config. Every engine entry point validates through
// here, so a bad value always produces the same one-line error naming the field.
import { InvalidInputError, type Location } from '../spec/errors.js';

/** A decoder-only llama-style transformer. */
export interface ModelConfig {
  /** Tokens in the vocabulary, special tokens included. */
  readonly vocabSize: number;
  /** Width of the residual stream, C. */
  readonly dModel: number;
  readonly nLayers: number;
  /** Attention heads; dModel / nHeads (the head size) must be even for rotary embedding. */
  readonly nHeads: number;
  /** Hidden width of the SwiGLU MLP. */
  readonly dFF: number;
  /** Longest sequence the model reads, in tokens. */
  readonly contextLength: number;
  /** Output head shares the token embedding matrix. */
  readonly tiedEmbeddings: boolean;
  /** Rotary base θ. */
  readonly ropeBase: number;
  /** RMSNorm epsilon. */
  readonly normEps: number;
}

/** Defaults for the optional fields. */
export const CONFIG_DEFAULTS = {
  tiedEmbeddings: false,
  ropeBase: 10000,
  normEps: 1e-5,
} as const;

/** The benchmark's reference config (about 418k parameters). */
export const REFERENCE_CONFIG: ModelConfig = {
  vocabSize: 64,
  dModel: 128,
  nLayers: 2,
  nHeads: 4,
  dFF: 352,
  contextLength: 128,
  ...CONFIG_DEFAULTS,
};

const INTEGER_FIELDS = ['vocabSize', 'dModel', 'nLayers', 'nHeads', 'dFF', 'contextLength'];
const LIMITS: Record<string, number> = {
  vocabSize: 1 << 20,
  dModel: 16384,
  nLayers: 256,
  nHeads: 256,
  dFF: 65536,
  contextLength: 65536,
};

/**
 * Checks a config read from a file or given by a caller and fills defaults. Throws
 * InvalidInputError naming the first bad field; `at.file` says where the config came from.
 */
export function validateConfig(input: unknown, at: Location = {}): ModelConfig {
  const fail = (field: string, message: string): never => {
    throw new InvalidInputError(message, { ...at, field });
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidInputError('a model config must be an object', at);
  }
  const raw = input as Record<string, unknown>;
  const known = new Set([...INTEGER_FIELDS, ...Object.keys(CONFIG_DEFAULTS)]);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) fail(key, `unknown field (known: ${[...known].join(', ')})`);
  }
  for (const field of INTEGER_FIELDS) {
    const v = raw[field];
    if (v === undefined) fail(field, 'is required');
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      fail(field, `must be a positive integer, got ${JSON.stringify(v)}`);
    }
    if ((v as number) > LIMITS[field]) fail(field, `must be at most ${LIMITS[field]}, got ${v}`);
  }
  const config = { ...CONFIG_DEFAULTS, ...raw } as ModelConfig;
  if (typeof config.tiedEmbeddings !== 'boolean') fail('tiedEmbeddings', 'must be true or false');
  if (!(typeof config.ropeBase === 'number' && config.ropeBase > 1)) {
    fail('ropeBase', `must be a number above 1, got ${JSON.stringify(config.ropeBase)}`);
  }
  if (!(typeof config.normEps === 'number' && config.normEps > 0 && config.normEps < 1)) {
    fail('normEps', `must be a number in (0, 1), got ${JSON.stringify(config.normEps)}`);
  }
  if (config.dModel % config.nHeads !== 0) {
    fail('nHeads', `must divide dModel (${config.dModel}), got ${config.nHeads}`);
  }
  if ((config.dModel / config.nHeads) % 2 !== 0) {
    fail('nHeads', `dModel / nHeads (the head size) must be even for rotary embedding`);
  }
  return {
    vocabSize: config.vocabSize,
    dModel: config.dModel,
    nLayers: config.nLayers,
    nHeads: config.nHeads,
    dFF: config.dFF,
    contextLength: config.contextLength,
    tiedEmbeddings: config.tiedEmbeddings,
    ropeBase: config.ropeBase,
    normEps: config.normEps,
  };
}
