// The list of CLI commands. Each command lives in its own module, loaded only when it runs, so
// `self-evolve --help` and quick commands start fast. Add one line here per command.
import type { Command } from 'commander';

export interface CommandEntry {
  /** The word typed after `self-evolve`. */
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** Loads the module; its `command()` returns the fully defined commander Command. */
  readonly load: () => Promise<{ command: () => Command }>;
}

export const commands: readonly CommandEntry[] = [
  {
    name: 'demo',
    summary: 'run SELF end to end on the built-in equations task (npm start)',
    load: () => import('./commands/demo.js'),
  },
  {
    name: 'run',
    summary: 'run the SELF pipeline from a config file',
    load: () => import('./commands/run.js'),
  },
  {
    name: 'ablate',
    summary: 'run SELF and its controls over seeds and compare them',
    load: () => import('./commands/ablate.js'),
  },
  {
    name: 'resume',
    summary: 'finish a stopped or killed run',
    load: () => import('./commands/resume.js'),
  },
  {
    name: 'runs',
    summary: 'list runs, or show one (runs show <run>)',
    load: () => import('./commands/runs.js'),
  },
  {
    name: 'ui',
    summary: 'a local web app over the runs: live progress, plots, episodes, compare (read-only)',
    load: () => import('./commands/ui.js'),
  },
  {
    name: 'ask',
    summary: "answer a prompt with a run's model and online self-refinement",
    load: () => import('./commands/ask.js'),
  },
  {
    name: 'eval',
    summary: 'score a model on labelled problems, directly and with online refinement',
    load: () => import('./commands/eval.js'),
  },
  {
    name: 'data',
    summary: 'generate task problems as JSONL (data gen)',
    load: () => import('./commands/data.js'),
  },
  {
    name: 'export',
    summary: "write a run's curated data as OpenAI chat, TRL and DPO JSONL",
    load: () => import('./commands/export.js'),
  },
  {
    name: 'serve',
    summary: 'serve models over an OpenAI-compatible HTTP API, with online self-refinement',
    load: () => import('./commands/serve.js'),
  },
  {
    name: 'train',
    summary: 'train an embedded model on JSONL examples and save a checkpoint',
    load: () => import('./commands/train.js'),
  },
  {
    name: 'model',
    summary: 'write a fresh embedded checkpoint, e.g. the student a run starts from (model new)',
    load: () => import('./commands/model.js'),
  },
  {
    name: 'sample',
    summary: 'generate text from an embedded checkpoint',
    load: () => import('./commands/sample.js'),
  },
  {
    name: 'bench',
    summary: 'measure speed (bench engine --json)',
    load: () => import('./commands/bench.js'),
  },
  {
    name: 'meta',
    summary: 'teacher-built meta-skill data for external models (meta build)',
    load: () => import('./commands/meta.js'),
  },
  {
    name: 'gguf',
    summary: 'export a model to GGUF for llama.cpp, or sample any GGUF model (gguf export|sample)',
    load: () => import('./commands/gguf.js'),
  },
  {
    name: 'score',
    summary: 'score GSM8K/SVAMP completions (strict and flexible accuracy)',
    load: () => import('./commands/score.js'),
  },
];
