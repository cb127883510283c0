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
    name: 'score',
    summary: 'score GSM8K/SVAMP completions (strict and flexible accuracy)',
    load: () => import('./commands/score.js'),
  },
];
