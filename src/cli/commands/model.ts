// `self-evolve model new`: writes a fresh embedded checkpoint: the student a preset or config
// starts from (the very weights its run would initialise for that seed), or a shape of your own.
// Serve it (`serve --checkpoints`) and a run can start from it over HTTP.
import { Command, Option } from 'commander';
import { readJsonFile } from '../../config/json-locate.js';
import { type EmbeddedModelSpec, newEmbeddedModelSchema } from '../../config/model-schemas.js';
import { PRESET_NAMES } from '../../config/presets.js';
import { parseWithSchema } from '../../config/validate.js';
import { EmbeddedTrainer, NEW_MODEL_ID } from '../../engine/index.js';
import { loadRunInputs } from '../../runtime/run-inputs.js';
import { requireStudent } from '../../runtime/run-wiring.js';
import { pipelineData } from '../../self/data.js';
import { deriveSeed } from '../../self/seeds.js';
import { InvalidInputError } from '../../spec/errors.js';
import { resolveTask } from '../../tasks/task-spec.js';
import { intOption, refuseExisting } from '../options.js';
import { commandConfig, type PresetName } from '../run-cli.js';

interface NewOptions {
  out: string;
  preset: PresetName;
  config?: string;
  seed?: string;
  shape?: string;
  force?: boolean;
  json?: boolean;
}

async function newModel(opts: NewOptions): Promise<void> {
  refuseExisting(opts.out, '--out', opts.force);
  let fresh: Record<string, unknown>;
  let seed: number;
  let texts: string[] = [];
  if (opts.shape) {
    const { json, text } = readJsonFile(opts.shape);
    fresh = parseWithSchema(newEmbeddedModelSchema, json, { file: opts.shape, text });
    seed = opts.seed === undefined ? 0 : intOption(opts.seed, '--seed');
  } else {
    const config = commandConfig(opts);
    const spec = requireStudent(config);
    const student = spec as EmbeddedModelSpec;
    if (spec.kind !== 'embedded' || student.new === undefined) {
      throw new InvalidInputError(
        'is not a fresh embedded model',
        { field: 'models.student' },
        {
          hint: 'model new writes the fresh model a run starts from: give a config whose student has "new"',
        },
      );
    }
    fresh = student.new;
    // The run initialises M_init with the base stage's training seed.
    seed = deriveSeed(config.seed, 'train', 'base');
    if (student.new.alphabet === undefined && student.new.tokenizer === 'char') {
      const { task } = await resolveTask(config.task);
      const data = pipelineData(config, task, loadRunInputs(config));
      texts = data.qaExamples.flatMap((e) => e.turns.map((t) => t.text));
    }
  }
  const engine = new EmbeddedTrainer({ outputDir: '.' });
  try {
    const model = await engine.open(
      { kind: 'embedded', id: NEW_MODEL_ID, meta: fresh },
      seed,
      texts.length
        ? [{ turns: texts.map((text) => ({ section: 'response', text, train: true })) }]
        : [],
    );
    await model.save(opts.out, { overwrite: Boolean(opts.force) });
    const summary = { out: opts.out, params: model.model.parameterCount, seed };
    model.dispose();
    if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else process.stdout.write(`wrote ${opts.out} (${summary.params} parameters, seed ${seed})\n`);
  } finally {
    await engine.close();
  }
}

export function command(): Command {
  const cmd = new Command('model').description('Embedded model files (model new)');
  cmd
    .command('new')
    .description('write a fresh embedded checkpoint: the student a run starts from, or a shape')
    .requiredOption('--out <dir>', 'checkpoint folder to write')
    .addOption(
      new Option('--preset <name>', 'the run whose starting model to write (its models.student)')
        .choices(PRESET_NAMES.filter((name) => name !== 'none'))
        .default('demo'),
    )
    .option('--config <file>', 'a run config instead of the preset (merged over it)')
    .option('--seed <n>', 'the run seed (with --shape: the initialisation seed)')
    .option(
      '--shape <file.json>',
      'a shape of your own: {"config": {...}, "tokenizer", "alphabet", "seed"}',
    )
    .option('--force', 'replace --out if it exists')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
With a preset or config, the checkpoint holds exactly the weights the run of that seed would start
from, so a run whose student is this checkpoint served over HTTP repeats the built-in run.

Examples:
  self-evolve model new --preset quick --seed 1 --out checkpoints/init
  self-evolve serve --checkpoints checkpoints --fine-tuning ft --teacher equations --port 8000`,
    )
    .action((opts: NewOptions) => newModel(opts));
  return cmd;
}
