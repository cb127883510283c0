// `self-evolve train`: trains an embedded model on JSONL examples, from a checkpoint or a fresh
// model, and saves a checkpoint directory atomically.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { readTrainingFile } from '../../data/training-examples.js';
import {
  DEFAULT_SHAPE,
  Engine,
  type ModelShape,
  Tokenizer,
  type TrainSettings,
} from '../../engine/index.js';
import { releaseKernels } from '../../engine/release-kernels.js';
import { InvalidInputError } from '../../spec/errors.js';
import {
  openKernels,
  parseInteger,
  parseNumber,
  trainingProgress,
  withKernelsOptions,
} from '../engine-cli.js';
import { refuseExisting } from '../options.js';

interface TrainOptions {
  data: string;
  out: string;
  from?: string;
  config?: string;
  tokenizer: string;
  steps?: string;
  epochs?: string;
  batchSize: string;
  lr: string;
  seed: string;
  force?: boolean;
  json?: boolean;
  kernels?: string;
  threads?: string;
}

export function command(): Command {
  const cmd = new Command('train')
    .description('Train an embedded model on JSONL examples and save a checkpoint')
    .requiredOption(
      '--data <file.jsonl>',
      'examples: {"prompt","response"}, D_meta tuples, {"text"}, {"turns":[...]} or chat rows',
    )
    .requiredOption('--out <dir>', 'checkpoint directory to write')
    .option('--from <dir>', 'start from this checkpoint (default: a new model)')
    .option(
      '--config <file.json>',
      'shape of a new model: {dModel, nLayers, nHeads, dFF, contextLength, ...}',
    )
    .option(
      '--tokenizer <kind>',
      'tokenizer of a new model: byte or char (alphabet from the data)',
      'byte',
    )
    .option('--steps <n>', 'optimizer steps (default: --epochs passes over the data)')
    .option('--epochs <n>', 'passes over the data when --steps is not given', '1')
    .option('--batch-size <n>', 'sequences per step', '16')
    .option('--lr <x>', 'peak learning rate (warmup, then cosine to a tenth)', '1e-3')
    .option('--seed <n>', 'seed of the initialisation and the data order', '0')
    .option('--force', 'replace --out if it exists')
    .option('--json', 'print one JSON object with the result; no progress bar');
  return withKernelsOptions(cmd)
    .addHelpText(
      'after',
      `
Loss is computed only on turns marked "train": {"prompt","response"} lines train the response;
D_meta tuples ({"prompt","response","feedback","refinement"?}, as \`meta build\` writes them) train
the feedback and the refinement, and lines with "kept": false are skipped; chat rows (OpenAI
"messages", TRL "prompt"/"completion") train the assistant's answer. An unknown field is an error.
A new model's default shape: ${JSON.stringify(DEFAULT_SHAPE)}.

Examples:
  self-evolve train --data qa.jsonl --out models/qa --epochs 3 --tokenizer char
  self-evolve train --data more.jsonl --from models/qa --out models/qa-2 --steps 200 --lr 5e-4
  self-evolve sample models/qa "2+3=" --max-tokens 20`,
    )
    .action(runTrain);
}

async function runTrain(opts: TrainOptions): Promise<void> {
  refuseExisting(opts.out, '--out', opts.force);
  const { examples, skipped } = readTrainingFile(opts.data);
  const settings: TrainSettings = {
    steps: opts.steps === undefined ? undefined : parseInteger(opts.steps, '--steps', 1),
    epochs: parseInteger(opts.epochs ?? '1', '--epochs', 1),
    batchSize: parseInteger(opts.batchSize, '--batch-size', 1),
    learningRate: parseNumber(opts.lr, '--lr', 0, 10, true),
    seed: parseInteger(opts.seed, '--seed'),
  };
  const kernels = await openKernels(opts);
  try {
    const engine = await openEngine(
      opts,
      examples.flatMap((e) => e.turns.map((t) => t.text)),
      settings.seed ?? 0,
      kernels,
    );
    const progress = trainingProgress('train', !opts.json);
    const result = await engine.train(examples, settings, { onStep: progress.onStep });
    engine.meta = {
      ...engine.meta,
      training: {
        data: opts.data,
        settings,
        steps: result.steps,
        finalLoss: result.losses.at(-1),
      },
    };
    await engine.save(opts.out, { overwrite: Boolean(opts.force) });
    const summary = {
      out: opts.out,
      kernels: kernels.name,
      params: engine.model.parameterCount,
      examples: examples.length,
      skipped,
      steps: result.steps,
      loss_first: result.losses[0],
      loss_last: result.losses.at(-1),
      tokens_per_s: Math.round(result.tokensPerSecond),
      seconds: Number(result.seconds.toFixed(2)),
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else
      process.stdout.write(
        `saved ${opts.out} (${summary.params} parameters, loss ${summary.loss_last?.toFixed(4)})\n`,
      );
    engine.dispose();
  } finally {
    await releaseKernels(kernels);
  }
}

async function openEngine(
  opts: TrainOptions,
  texts: string[],
  seed: number,
  kernels: Awaited<ReturnType<typeof openKernels>>,
): Promise<Engine> {
  if (opts.from) {
    if (opts.config)
      throw new InvalidInputError('give --config only for a new model, not with --from', {
        field: '--config',
      });
    return Engine.load(opts.from, { kernels });
  }
  if (opts.tokenizer !== 'byte' && opts.tokenizer !== 'char') {
    throw new InvalidInputError(`must be byte or char, got "${opts.tokenizer}"`, {
      field: '--tokenizer',
    });
  }
  const tokenizer = opts.tokenizer === 'char' ? Tokenizer.char(texts) : Tokenizer.byte();
  return Engine.create({
    config: opts.config ? readShape(opts.config) : undefined,
    configSource: opts.config,
    tokenizer,
    seed,
    kernels,
  });
}

function readShape(file: string): Partial<ModelShape> {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new InvalidInputError(
      `cannot read a JSON model config (${(cause as Error).message})`,
      { file },
      { cause },
    );
  }
}
