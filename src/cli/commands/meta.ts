// `self-evolve meta build`: teacher-built meta-skills for external models. The student answers the
// prompts, the teacher model critiques and refines each answer, and the tuples (D_meta) are written
// as JSONL, filtered by the reference answer where one exists. It runs the meta-skill stage's own
// code (src/self/meta-skills.ts), as `run` does. Paid calls are cached beside --out.
import { resolve } from 'node:path';
import { Command } from 'commander';
import type { BenchmarkName } from '../../benchmarks/benchmark-datasets.js';
import { benchmarkProblems, isBenchmark } from '../../benchmarks/benchmark-problems.js';
import { readJsonFile } from '../../config/json-locate.js';
import { PRESETS } from '../../config/presets.js';
import { loadRunConfigFile } from '../../config/run-config.js';
import { datasetNames, resolveProblemFile } from '../../data/datasets.js';
import { readProblemFile } from '../../data/problems.js';
import { readRecords } from '../../data/records.js';
import { assertAbsent, writeFileAtomic } from '../../export/atomic-write.js';
import { ModelTeacher } from '../../providers/model-teacher.js';
import { openConfiguredModels } from '../../runtime/configured-models.js';
import { buildMetaSkills } from '../../self/stages.js';
import { InvalidInputError } from '../../spec/errors.js';
import { createTask } from '../../tasks/task-registry.js';
import { resolveTask } from '../../tasks/task-spec.js';
import { intOption } from '../options.js';
import { ProgressBar } from '../progress.js';

interface Opts {
  config: string;
  teacher: string;
  student: string;
  data?: string;
  task?: string;
  out: string;
  samples: string;
  temperature: string;
  maxTokens: string;
  maxErrors: string;
  seed: string;
  force?: boolean;
  json?: boolean;
}

async function build(opts: Opts): Promise<void> {
  const out = resolve(opts.out);
  if (!opts.force) assertAbsent(out);
  const config = loadRunConfigFile(opts.config, PRESETS.none);
  const declared = (readJsonFile(opts.config).json as Record<string, unknown>).task !== undefined;
  const entry = opts.task
    ? createTask(opts.task)
    : declared
      ? await resolveTask(config.task)
      : createTask('gsm8k');
  const data = opts.data ?? config.data.trainFile;
  if (data === undefined) {
    throw new InvalidInputError('is required: the prompts (or data.trainFile in the config)', {
      field: '--data',
    });
  }
  const file = resolveProblemFile(data, process.cwd(), '--data');
  // A benchmark's own file (GSM8K's {question, answer}) reads as `eval --task gsm8k` reads it.
  const own =
    typeof data === 'string' &&
    isBenchmark(entry.task.name) &&
    !datasetNames().includes(data) &&
    !('prompt' in (readRecords(file.path, '--data')[0]?.value ?? {}));
  const problems = own
    ? benchmarkProblems(entry.task.name as BenchmarkName, { data: file.path })
    : readProblemFile(file);
  const opened = await openConfiguredModels(
    config,
    { student: opts.student, teacher: opts.teacher },
    { cacheFile: `${out}.cache.sqlite`, source: opts.config, task: entry },
  );
  const bar = new ProgressBar({ label: 'meta build', total: problems.length, enabled: !opts.json });
  try {
    const samples = await buildMetaSkills({
      student: opened.models.student,
      teacher: new ModelTeacher(opened.models.teacher, {
        parseVerdict: (f) => entry.task.parseVerdict(f),
      }),
      task: entry.task,
      problems,
      seed: intOption(opts.seed, '--seed'),
      samples: intOption(opts.samples, '--samples'),
      temperature: Number(opts.temperature),
      maxTokens: intOption(opts.maxTokens, '--max-tokens'),
      maxErrors: intOption(opts.maxErrors, '--max-errors'),
      onProgress: (e) => bar.update(e.done),
    });
    bar.finish();
    const lines = samples.map((s) =>
      JSON.stringify({
        id: s.problemId,
        prompt: s.prompt,
        response: s.response,
        feedback: s.feedback,
        verdict: s.verdict,
        refinement: s.refinement,
        kept: s.kept,
        reason: s.reason,
      }),
    );
    writeFileAtomic(out, `${lines.join('\n')}\n`, { force: opts.force });
    const count = (v: string | null) => samples.filter((s) => (s.verdict ?? null) === v).length;
    const summary = {
      out,
      tuples: samples.length,
      kept: samples.filter((s) => s.kept).length,
      teacher_verdicts: { correct: count('correct'), wrong: count('wrong'), none: count(null) },
      usage: opened.ledger.byStage(),
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      process.stdout.write(
        `wrote ${summary.tuples} tuples (${summary.kept} kept) to ${out}\n` +
          `teacher verdicts: ${summary.teacher_verdicts.correct} correct, ${summary.teacher_verdicts.wrong} wrong, ${summary.teacher_verdicts.none} none\n` +
          `train on it: self-evolve train --data ${opts.out} --from <checkpoint> --out <dir>\n`,
      );
    }
  } finally {
    await opened.close();
  }
}

/** The `meta` command. */
export function command(): Command {
  const cmd = new Command('meta').description('Meta-skill data for external models (meta build)');
  cmd
    .command('build')
    .description("Teacher-written feedback and refinements for the student's own answers (D_meta)")
    .requiredOption('--config <file>', 'run config with a "models" section (docs/own-model.md)')
    .requiredOption('--teacher <model>', 'name of the teacher model in the config')
    .option('--student <model>', 'name of the student model in the config', 'student')
    .option(
      '--data <file>',
      'prompts: JSON/JSONL {"prompt", "answer"?} records or a dataset (gsm8k:train); default data.trainFile',
    )
    .option(
      '--task <name>',
      "task that reads answers and verdicts (default: the config's, else gsm8k)",
    )
    .requiredOption('--out <jsonl>', 'where to write the tuples')
    .option('--samples <n>', 'student answers per prompt', '1')
    .option('--temperature <t>', "student's sampling temperature", '0.8')
    .option('--max-tokens <n>', 'longest student answer', '512')
    .option('--max-errors <n>', 'tuples without a teacher verdict to drop before failing', '0')
    .option('--seed <n>', 'seed of the student samples', '1')
    .option('--force', 'replace --out if it exists')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      '\nTuples whose prompt has a reference answer are kept only if the refinement reaches it.\n' +
        'Paid calls are cached in <out>.cache.sqlite: running again never pays twice for a call.\n' +
        'The feedback and refinement prompts are the chat templates (overridable per model).\n\n' +
        'Example:\n' +
        '  OPENAI_API_KEY=... self-evolve meta build --config self.json --teacher teacher \\\n' +
        '      --data gsm8k:train --task gsm8k --out dmeta.jsonl\n',
    )
    .action((opts: Opts) => build(opts));
  return cmd;
}
