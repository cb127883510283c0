// `self-evolve data gen`: writes problems of a task as JSONL: a number of them with a seed, or
// exactly the data a run of a preset or config would draw (D_QA with solutions, every round's
// unlabeled prompts, the test set), so the same run can be made from files.
import { join } from 'node:path';
import { Command } from 'commander';
import { problemsJsonl } from '../../data/problems.js';
import { writeFileAtomic } from '../../export/atomic-write.js';
import { loadRunInputs } from '../../runtime/run-inputs.js';
import { pipelineData, roundPrompts } from '../../self/data.js';
import { InvalidInputError } from '../../spec/errors.js';
import { createTask } from '../../tasks/task-registry.js';
import { resolveTask } from '../../tasks/task-spec.js';
import { intOption } from '../options.js';
import { commandConfig, type PresetName } from '../run-cli.js';

interface GenOptions {
  task: string;
  n?: string;
  seed: string;
  out?: string;
  outDir?: string;
  preset?: PresetName;
  config?: string;
  solutions?: boolean;
  labels?: boolean;
  force?: boolean;
}

/** The three files of a run's data, as the run itself would draw them. */
async function writeRunData(opts: GenOptions): Promise<void> {
  const config = commandConfig({
    config: opts.config,
    preset: opts.preset,
    seed: opts.seed,
  });
  const { task } = await resolveTask(config.task);
  const data = pipelineData(config, task, loadRunInputs(config));
  const rounds = Array.from({ length: config.evolve.rounds }, (_, t) =>
    roundPrompts(data, config, task, t + 1),
  ).flat();
  const prompts = rounds.map((p) => ({
    id: p.id,
    prompt: p.prompt,
    answer: data.labels.get(p.id),
  }));
  const files = {
    train: join(opts.outDir!, 'train.jsonl'),
    prompts: join(opts.outDir!, 'prompts.jsonl'),
    test: join(opts.outDir!, 'test.jsonl'),
  };
  const options = { force: opts.force };
  writeFileAtomic(files.train, problemsJsonl(data.qa, { solutions: true }), options);
  writeFileAtomic(
    files.prompts,
    problemsJsonl(prompts, { answers: Boolean(opts.labels) }),
    options,
  );
  writeFileAtomic(files.test, problemsJsonl(data.test), options);
  process.stdout.write(
    `${JSON.stringify({ files, counts: { train: data.qa.length, prompts: prompts.length, test: data.test.length }, labelled_prompts: Boolean(opts.labels) })}\n`,
  );
}

export function command(): Command {
  const cmd = new Command('data').description('Make data for a task (`data gen`)');
  cmd
    .command('gen')
    .description('generate problems with answers as JSONL {"id", "prompt", "answer"}')
    .option('--task <name>', 'task with a generator', 'equations')
    .option('--n <count>', 'number of problems')
    .option('--seed <s>', 'generator seed (with --out-dir: the run seed)', '1')
    .option('--solutions', 'add each problem\'s worked solution ("solution")')
    .option('-o, --out <file>', 'write here instead of stdout')
    .option(
      '--out-dir <dir>',
      "write a run's data: train.jsonl (with solutions), prompts.jsonl (every round's, unlabeled), test.jsonl",
    )
    .option('--preset <name>', 'with --out-dir: the run preset (demo, quick)')
    .option('--config <file>', 'with --out-dir: the run config')
    .option('--labels', "with --out-dir: keep the prompts' answers (read only to report quality)")
    .option('--force', 'replace existing files')
    .addHelpText(
      'after',
      `
With --out-dir, the files hold exactly the problems the run with that preset (or config) and seed
draws, in order, so a config with data.trainFile, data.promptsFile and data.testFile pointing at
them runs the same SELF run from files (docs/own-model.md).

Examples:
  self-evolve data gen --task equations --n 500 --seed 7 --out test.jsonl
  self-evolve eval --run demo --data test.jsonl
  self-evolve data gen --preset demo --seed 1 --out-dir data/`,
    )
    .action(async (opts: GenOptions) => {
      if (opts.outDir) return writeRunData(opts);
      if (opts.n === undefined)
        throw new InvalidInputError("is required (or --out-dir for a run's data)", {
          field: '--n',
        });
      const { task } = createTask(opts.task);
      if (!task.generate)
        throw new InvalidInputError(`task "${opts.task}" has no generator`, { field: '--task' });
      const text = problemsJsonl(
        task.generate(intOption(opts.n, '--n'), intOption(opts.seed, '--seed')),
        { solutions: Boolean(opts.solutions) },
      );
      if (opts.out) writeFileAtomic(opts.out, text, { force: opts.force });
      else process.stdout.write(text);
    });
  return cmd;
}
