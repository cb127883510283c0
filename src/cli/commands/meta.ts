// `self-evolve meta build`: teacher-built meta-skills for external models. The student answers the
// prompts, the teacher model critiques and refines each answer, and the tuples (D_meta) are written
// as JSONL, filtered by the reference answer where one exists. Paid calls are cached beside --out.
import { resolve } from 'node:path';
import { Command } from 'commander';
import { assertAbsent, writeFileAtomic } from '../../export/atomic-write.js';
import { ModelTeacher } from '../../providers/model-teacher.js';
import { buildTeacherMetaSkills } from '../../providers/teacher-meta-skills.js';
import { readProblems } from '../../self/problems-file.js';
import { createTask } from '../../tasks/task-registry.js';
import { openConfiguredModels } from '../configured-models.js';
import { intOption } from '../options.js';
import { ProgressBar } from '../progress.js';

interface Opts {
  config: string;
  teacher: string;
  student: string;
  data: string;
  task: string;
  out: string;
  samples: string;
  temperature: string;
  maxTokens: string;
  seed: string;
  force?: boolean;
  json?: boolean;
}

async function build(opts: Opts): Promise<void> {
  const out = resolve(opts.out);
  if (!opts.force) assertAbsent(out);
  const { task } = createTask(opts.task);
  const problems = readProblems(opts.data);
  const opened = await openConfiguredModels(
    opts.config,
    { student: opts.student, teacher: opts.teacher },
    { cacheFile: `${out}.cache.sqlite` },
  );
  const { student, teacher: teacherModel } = opened.models;
  const ledger = opened.ledger;
  const bar = new ProgressBar({ label: 'meta build', total: problems.length, enabled: !opts.json });
  try {
    const samples = await buildTeacherMetaSkills(
      student,
      new ModelTeacher(teacherModel, { parseVerdict: (f) => task.parseVerdict(f) }),
      task,
      problems,
      {
        seed: intOption(opts.seed, '--seed'),
        samples: intOption(opts.samples, '--samples'),
        temperature: Number(opts.temperature),
        maxTokens: intOption(opts.maxTokens, '--max-tokens'),
        onProgress: (done) => bar.update(done),
      },
    );
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
      usage: ledger.byStage(),
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      process.stdout.write(
        `wrote ${summary.tuples} tuples (${summary.kept} kept) to ${out}\n` +
          `teacher verdicts: ${summary.teacher_verdicts.correct} correct, ${summary.teacher_verdicts.wrong} wrong, ${summary.teacher_verdicts.none} none\n`,
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
    .requiredOption('--config <file>', 'JSON config with a "models" section (docs/providers.md)')
    .requiredOption('--teacher <model>', 'name of the teacher model in the config')
    .option('--student <model>', 'name of the student model in the config', 'student')
    .requiredOption('--data <jsonl>', 'prompts, lines {"prompt", "answer"?}')
    .option(
      '--task <name>',
      'task that reads answers and verdicts (gsm8k, svamp, equations)',
      'gsm8k',
    )
    .requiredOption('--out <jsonl>', 'where to write the tuples')
    .option('--samples <n>', 'student answers per prompt', '1')
    .option('--temperature <t>', "student's sampling temperature", '0.8')
    .option('--max-tokens <n>', 'longest student answer', '512')
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
        '      --data prompts.jsonl --task gsm8k --out dmeta.jsonl\n',
    )
    .action((opts: Opts) => build(opts));
  return cmd;
}
