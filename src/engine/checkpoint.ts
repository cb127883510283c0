// Checkpoint directories: model.safetensors (weights), config.json (format version, model config,
// weights checksum, free-form meta) and tokenizer.json. Written to a temporary sibling directory
// and renamed into place, so a failed or interrupted save never replaces a good checkpoint.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { removeStaleTemps, tempPathFor } from '../files/atomic-write.js';
import { CheckpointError, InvalidInputError } from '../spec/errors.js';
import { type ModelConfig, validateConfig } from './config.js';
import { parameterLayout } from './parameters.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { Tokenizer } from './tokenizer.js';

export const CHECKPOINT_FORMAT = 'self-evolve-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const WEIGHTS_FILE = 'model.safetensors';
export const CONFIG_FILE = 'config.json';
export const TOKENIZER_FILE = 'tokenizer.json';

/** What a checkpoint holds. `params` follows parameterLayout(config). */
export interface CheckpointData {
  readonly config: ModelConfig;
  readonly tokenizer: Tokenizer;
  readonly params: Float32Array;
  /** Free-form JSON details: lineage, training settings, final loss. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** Writes a checkpoint directory atomically. An existing `dir` is replaced only with `overwrite`. */
export async function saveCheckpoint(
  dir: string,
  data: CheckpointData,
  options: { overwrite?: boolean } = {},
): Promise<void> {
  const target = resolve(dir);
  if (existsSync(target) && !options.overwrite) {
    throw new InvalidInputError(
      `${dir} already exists`,
      {},
      { hint: 'choose another path, or pass --force to replace it' },
    );
  }
  const layout = parameterLayout(data.config);
  if (data.params.length !== layout.total) throw new RangeError('params do not match the config');
  const weights = encodeSafetensors(
    layout.tensors.map((t) => ({
      name: t.name,
      shape: t.shape,
      data: data.params.subarray(t.offset, t.offset + t.size),
    })),
    { format: CHECKPOINT_FORMAT, version: String(CHECKPOINT_VERSION) },
  );
  const config = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    model: data.config,
    weights: { file: WEIGHTS_FILE, sha256: createHash('sha256').update(weights).digest('hex') },
    created: new Date().toISOString(),
    meta: data.meta ?? {},
  };
  await mkdir(dirname(target), { recursive: true });
  removeStaleTemps(dirname(target), basename(target));
  const temp = tempPathFor(target);
  try {
    await mkdir(temp);
    await writeDurably(join(temp, WEIGHTS_FILE), weights);
    await writeDurably(
      join(temp, TOKENIZER_FILE),
      `${JSON.stringify(data.tokenizer.toJSON(), null, 1)}\n`,
    );
    await writeDurably(join(temp, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
    if (existsSync(target)) {
      const old = `${temp}.old`;
      await rename(target, old);
      await rename(temp, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, target);
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Reads and checks a checkpoint directory; any problem throws CheckpointError naming the file. */
export async function loadCheckpoint(dir: string): Promise<CheckpointData> {
  const configPath = join(dir, CONFIG_FILE);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new CheckpointError(dir, 'not a checkpoint directory (it does not exist or is a file)', {
      hint: 'give the directory that `self-evolve train` wrote',
    });
  }
  if (!existsSync(configPath)) {
    throw new CheckpointError(dir, 'not a checkpoint directory (it has no config.json)', {
      hint: 'give the directory that `self-evolve train` wrote',
    });
  }
  const header = await readJson(configPath);
  if (header.format !== CHECKPOINT_FORMAT)
    throw new CheckpointError(configPath, `format is not "${CHECKPOINT_FORMAT}"`);
  if (header.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      configPath,
      `checkpoint version ${JSON.stringify(header.version)} is not supported (this build reads ${CHECKPOINT_VERSION})`,
    );
  }
  const config = asCheckpointError(configPath, () =>
    validateConfig(header.model, { field: 'model' }),
  );
  const tokenizerPath = join(dir, TOKENIZER_FILE);
  const tokenizer = asCheckpointError(tokenizerPath, async () =>
    Tokenizer.fromJSON(await readJson(tokenizerPath)),
  );
  const tok = await tokenizer;
  if (tok.vocabSize !== config.vocabSize) {
    throw new CheckpointError(
      tokenizerPath,
      `has ${tok.vocabSize} tokens but config.json says vocabSize ${config.vocabSize}`,
    );
  }
  const weightsPath = join(dir, WEIGHTS_FILE);
  const bytes = await readFile(weightsPath).catch((cause) => {
    throw new CheckpointError(weightsPath, `cannot be read (${cause.code ?? cause.message})`, {
      cause,
    });
  });
  const sha = (header.weights as { sha256?: string } | undefined)?.sha256;
  if (sha && createHash('sha256').update(bytes).digest('hex') !== sha) {
    throw new CheckpointError(
      weightsPath,
      'checksum does not match config.json: the file is corrupt or was replaced',
    );
  }
  const decoded = decodeSafetensors(bytes, weightsPath);
  const layout = parameterLayout(config);
  const params = new Float32Array(layout.total);
  for (const t of layout.tensors) {
    const found = decoded.tensors.get(t.name);
    if (!found)
      throw new CheckpointError(
        weightsPath,
        `tensor "${t.name}" is missing (the config does not match the weights)`,
      );
    if (found.shape.join(',') !== t.shape.join(',')) {
      throw new CheckpointError(
        weightsPath,
        `tensor "${t.name}" has shape [${found.shape}], the config needs [${t.shape}]`,
      );
    }
    params.set(found.data, t.offset);
  }
  if (decoded.tensors.size !== layout.tensors.length) {
    const extra = [...decoded.tensors.keys()].find(
      (n) => !layout.tensors.some((t) => t.name === n),
    );
    throw new CheckpointError(weightsPath, `has tensor "${extra}" that the config does not use`);
  }
  return { config, tokenizer: tok, params, meta: (header.meta ?? {}) as Record<string, unknown> };
}

/** Whether `dir` looks like a checkpoint (has a config.json). */
export function isCheckpoint(dir: string): boolean {
  return existsSync(join(dir, CONFIG_FILE));
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new CheckpointError(
      path,
      `cannot be read (${(cause as NodeJS.ErrnoException).code ?? cause})`,
      { cause },
    );
  }
  try {
    const value = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('not an object');
    return value;
  } catch (cause) {
    throw new CheckpointError(path, `is not a valid JSON object (${(cause as Error).message})`, {
      cause,
    });
  }
}

/** Runs `fn`, turning an InvalidInputError (a bad field) into a CheckpointError for `path`. */
function asCheckpointError<T>(path: string, fn: () => T): T {
  const convert = (error: unknown): never => {
    if (error instanceof InvalidInputError)
      throw new CheckpointError(path, error.message, { cause: error });
    throw error;
  };
  try {
    const value = fn();
    return (value instanceof Promise ? value.catch(convert) : value) as T;
  } catch (error) {
    return convert(error);
  }
}

async function writeDurably(path: string, content: string | Buffer): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
