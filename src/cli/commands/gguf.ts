// `self-evolve gguf`: export an embedded checkpoint (or a run's model) as a GGUF file for llama.cpp,
// Ollama and LM Studio, and sample any GGUF model through llama.cpp (node-llama-cpp).
import { resolve } from 'node:path';
import { Command } from 'commander';
import { exportGguf } from '../../gguf/export-gguf.js';
import type { FeedbackConstraint } from '../../providers/llama-cpp/verdict-grammar.js';
import { openRunStore, requireRun } from '../../runtime/run-session.js';
import { InvalidInputError } from '../../spec/errors.js';
import type { Section, Turn } from '../../spec/language-model.js';
import { intOption } from '../options.js';
import { withRunsDir } from '../run-cli.js';

interface ExportOpts {
  output?: string;
  run?: string;
  stage?: string;
  name?: string;
  force?: boolean;
  json?: boolean;
  runsDir: string;
}

/** The checkpoint folder to export: the argument, or a run's model by stage (default: the last). */
function checkpointOf(arg: string | undefined, opts: ExportOpts): string {
  if (arg && opts.run) {
    throw new InvalidInputError('give a checkpoint folder or --run, not both', { field: '--run' });
  }
  if (arg) return arg;
  if (!opts.run) {
    throw new InvalidInputError('give a checkpoint folder, or --run <run> [--stage <stage>]', {
      field: '<checkpoint>',
    });
  }
  const store = openRunStore(opts.runsDir, { readonly: true });
  try {
    requireRun(store, opts.run);
    const models = store.models(opts.run);
    const record = opts.stage ? store.getModel(opts.run, opts.stage) : models.at(-1);
    if (record?.ref.kind !== 'embedded') {
      throw new InvalidInputError(
        `run "${opts.run}" has no embedded model${opts.stage ? ` "${opts.stage}"` : ''}`,
        { field: '--stage' },
        { hint: `models: ${models.map((m) => `${m.name} (${m.ref.kind})`).join(', ') || 'none'}` },
      );
    }
    return record.ref.id;
  } finally {
    store.close();
  }
}

function exportCommand(): Command {
  const cmd = new Command('export')
    .description('write an embedded checkpoint as a GGUF file (llama architecture, float32)')
    .argument('[checkpoint]', 'checkpoint folder (or use --run)')
    .option('-o, --output <file>', 'GGUF file to write (default: <checkpoint>.gguf)')
    .option('--run <run>', "export a run's model instead of a folder")
    .option('--stage <stage>', 'with --run: the model to export (default: the last trained)')
    .option('--name <name>', 'general.name in the file (default: the folder name)')
    .option('--force', 'replace an existing output file')
    .option('--json', 'print {"checkpoint","output","bytes"} as one JSON object');
  withRunsDir(cmd).action(async (arg: string | undefined, opts: ExportOpts) => {
    const checkpoint = checkpointOf(arg, opts);
    const output = opts.output ?? `${resolve(checkpoint)}.gguf`;
    const bytes = await exportGguf(checkpoint, output, { name: opts.name, force: opts.force });
    const result = { checkpoint: resolve(checkpoint), output: resolve(output), bytes };
    if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${result.output}  ${(bytes / 1e6).toFixed(2)} MB\n`);
  });
  return cmd;
}

interface SampleOpts {
  prompt: string;
  response?: string;
  section: string;
  maxTokens: string;
  temperature: string;
  seed: string;
  feedback: string;
  mode: string;
  json?: boolean;
}

function sampleCommand(): Command {
  return new Command('sample')
    .description('write one section for a prompt with any GGUF model through llama.cpp')
    .argument('<file>', 'a .gguf file')
    .requiredOption('-p, --prompt <text>', 'the task prompt')
    .option('-r, --response <text>', 'an answer to review (then the default section is feedback)')
    .option('--section <name>', 'section to write: response or feedback')
    .option('--max-tokens <n>', 'new tokens at most', '128')
    .option('--temperature <t>', '0 is greedy', '0')
    .option('--seed <n>', 'sampling seed', '0')
    .option('--feedback <how>', 'constrain feedback: none, grammar or json', 'none')
    .option('--mode <mode>', 'auto, native (self-evolve exports) or chat (any model)', 'auto')
    .option('--json', 'print {"text","finish_reason","usage"} as one JSON object')
    .action(async (file: string, opts: SampleOpts) => {
      const { LlamaCppLanguageModel } = await import(
        '../../providers/llama-cpp/llama-cpp-language-model.js'
      );
      const temperature = Number(opts.temperature);
      if (!(temperature >= 0)) {
        throw new InvalidInputError(`must be a number ≥ 0, got "${opts.temperature}"`, {
          field: '--temperature',
        });
      }
      const section = opts.section ?? (opts.response === undefined ? 'response' : 'feedback');
      if (!['response', 'feedback'].includes(section)) {
        throw new InvalidInputError('must be response or feedback', { field: '--section' });
      }
      const turns: Turn[] = [{ section: 'prompt', text: opts.prompt }];
      if (opts.response !== undefined) turns.push({ section: 'response', text: opts.response });
      const model = await LlamaCppLanguageModel.load({
        modelPath: file,
        mode: opts.mode as 'auto' | 'native' | 'chat',
        feedback: opts.feedback as FeedbackConstraint,
        sequences: 1,
      });
      try {
        const [completion] = await model.complete([
          {
            turns,
            next: section as Section,
            maxTokens: intOption(opts.maxTokens, '--max-tokens'),
            temperature,
            seed: intOption(opts.seed, '--seed'),
          },
        ]);
        const text = completion.texts[0];
        if (opts.json) {
          const { finishReasons, usage } = completion;
          const out = { text, finish_reason: finishReasons[0], usage, mode: model.mode };
          process.stdout.write(`${JSON.stringify(out)}\n`);
        } else process.stdout.write(`${text}\n`);
      } finally {
        await model.close();
      }
    });
}

export function command(): Command {
  return new Command('gguf')
    .description('export models to GGUF for llama.cpp, and run GGUF models through llama.cpp')
    .addCommand(exportCommand())
    .addCommand(sampleCommand())
    .addHelpText(
      'after',
      `
Examples:
  self-evolve gguf export runs/demo/models/round-3 -o demo.gguf
  self-evolve gguf export --run demo --stage meta
  self-evolve gguf sample demo.gguf -p "Solve for x: 3*x + 4 = 19"
  self-evolve gguf sample qwen2.5-0.5b-instruct.gguf -p "Is 17 prime?" -r "Yes." \\
      --feedback grammar

The export runs in llama.cpp, Ollama and LM Studio as a llama model with its tokenizer and a chat
template; see docs/llama-cpp.md.`,
    );
}
