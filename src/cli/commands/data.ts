// `self-evolve data gen`: writes problems of a task as JSONL `{"prompt", "answer"}` lines.
import { Command } from 'commander';
import { writeFileAtomic } from '../../export/atomic-write.js';
import { problemsJsonl } from '../../self/problems-file.js';
import { InvalidInputError } from '../../spec/errors.js';
import { createTask } from '../../tasks/task-registry.js';
import { intOption } from '../options.js';

export function command(): Command {
  const cmd = new Command('data').description('Make data for a task (`data gen`)');
  cmd
    .command('gen')
    .description('generate problems with answers as JSONL {"prompt", "answer"}')
    .option('--task <name>', 'task with a generator', 'equations')
    .requiredOption('--n <count>', 'number of problems')
    .option('--seed <s>', 'generator seed: same seed, same problems', '1')
    .option('-o, --out <file>', 'write here instead of stdout')
    .option('--force', 'replace --out if it exists')
    .addHelpText(
      'after',
      `
Examples:
  self-evolve data gen --task equations --n 500 --seed 7 --out test.jsonl
  self-evolve eval --run demo --data test.jsonl`,
    )
    .action((opts: { task: string; n: string; seed: string; out?: string; force?: boolean }) => {
      const { task } = createTask(opts.task);
      if (!task.generate)
        throw new InvalidInputError(`task "${opts.task}" has no generator`, { field: '--task' });
      const text = problemsJsonl(
        task.generate(intOption(opts.n, '--n'), intOption(opts.seed, '--seed')),
      );
      if (opts.out) writeFileAtomic(opts.out, text, { force: opts.force });
      else process.stdout.write(text);
    });
  return cmd;
}
