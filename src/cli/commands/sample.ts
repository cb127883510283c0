// `self-evolve sample`: generates from an embedded checkpoint. By default the text is a `prompt`
// section and the model writes the next section (a response); --raw continues plain text.
import { Command } from 'commander';
import { Engine, encodePrompt, type GeneratedSample } from '../../engine/index.js';
import { releaseKernels } from '../../engine/release-kernels.js';
import { InvalidInputError } from '../../spec/errors.js';
import type { Section } from '../../spec/language-model.js';
import { openKernels, parseInteger, parseNumber, withKernelsOptions } from '../engine-cli.js';
import { ProgressBar } from '../progress.js';

interface SampleOptions {
  next: string;
  raw?: boolean;
  maxTokens?: string;
  temperature: string;
  topK?: string;
  topP?: string;
  stop: string[];
  seed: string;
  n: string;
  json?: boolean;
  kernels?: string;
  threads?: string;
}

const SECTIONS = ['prompt', 'response', 'feedback', 'refinement'];

export function command(): Command {
  const cmd = new Command('sample')
    .description('Generate text from an embedded checkpoint')
    .argument('<checkpoint>', 'checkpoint directory (written by `self-evolve train`)')
    .argument('<prompts...>', 'one or more prompts, sampled together in one batch')
    .option('--next <section>', 'section the model writes after the prompt', 'response')
    .option('--raw', 'continue the text itself, without section tokens')
    .option('--max-tokens <n>', 'new tokens per sample at most (default: until the section ends)')
    .option('--temperature <x>', '0 is greedy', '0')
    .option('--top-k <n>', 'sample among the k most likely tokens')
    .option('--top-p <x>', 'sample among the most likely tokens up to this probability')
    .option(
      '--stop <text>',
      'end a sample before this text (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--seed <n>', 'sample i of a prompt uses stream (seed, i)', '0')
    .option('-n, --n <n>', 'samples per prompt', '1')
    .option('--json', 'print one JSON object with every sample');
  return withKernelsOptions(cmd)
    .addHelpText(
      'after',
      `
Examples:
  self-evolve sample models/qa "2+3="
  self-evolve sample models/qa "2+3=" "7-4=" --temperature 0.8 -n 4 --seed 1
  self-evolve sample models/qa "Solve x+2=5" --next feedback --json`,
    )
    .action(runSample);
}

async function runSample(
  checkpoint: string,
  prompts: string[],
  opts: SampleOptions,
): Promise<void> {
  if (!SECTIONS.includes(opts.next)) {
    throw new InvalidInputError(`must be one of ${SECTIONS.join(', ')}`, { field: '--next' });
  }
  const settings = {
    maxTokens:
      opts.maxTokens === undefined ? undefined : parseInteger(opts.maxTokens, '--max-tokens', 1),
    temperature: parseNumber(opts.temperature, '--temperature', 0, 100),
    topK: opts.topK === undefined ? undefined : parseInteger(opts.topK, '--top-k', 0),
    topP: opts.topP === undefined ? undefined : parseNumber(opts.topP, '--top-p', 0, 1, true),
    stop: opts.stop,
    seed: parseInteger(opts.seed, '--seed'),
    n: parseInteger(opts.n, '--n', 1),
  };
  const kernels = await openKernels(opts);
  try {
    const engine = await Engine.load(checkpoint, { kernels });
    const bar = new ProgressBar({
      label: 'sample',
      total: prompts.length,
      enabled: !opts.json,
    });
    const requests = prompts.map((text) => ({
      ...settings,
      prompt: opts.raw
        ? text
        : encodePrompt(engine.tokenizer, [{ section: 'prompt', text }], opts.next as Section),
    }));
    const out = await engine.generate(requests, {
      onRequestDone: (done) => done < prompts.length && bar.update(done),
    });
    bar.finish();
    print(prompts, out, Boolean(opts.json));
    engine.dispose();
  } finally {
    await releaseKernels(kernels);
  }
}

function print(prompts: string[], out: GeneratedSample[][], json: boolean): void {
  if (json) {
    const results = prompts.map((prompt, i) => ({
      prompt,
      samples: out[i].map((s) => ({
        text: s.text,
        finish_reason: s.finishReason,
        tokens: s.tokens.length,
      })),
    }));
    process.stdout.write(`${JSON.stringify({ results })}\n`);
    return;
  }
  prompts.forEach((prompt, i) => {
    for (const s of out[i])
      process.stdout.write(`${prompt} → ${s.text}${s.finishReason === 'length' ? ' …' : ''}\n`);
  });
}
