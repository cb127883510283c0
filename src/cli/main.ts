// The CLI entry: finds the command, loads it, runs it, and is the only place that turns errors
// into messages and exit codes (0 ok, 1 failure, 2 bad input or usage).
import { Command, CommanderError } from 'commander';
import { SelfEvolveError } from '../spec/errors.js';
import { environmentError } from './environment-errors.js';
import { commands } from './registry.js';

const VERSION = '0.1.0';

function topLevel(): Command {
  const program = new Command('self-evolve')
    .description(
      'Make a language model improve itself with natural-language feedback (SELF).\n' +
        'Start with `self-evolve demo`; every command has --help.',
    )
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const entry of commands) program.command(entry.name).description(entry.summary);
  return program;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const name = argv.find((a) => !a.startsWith('-'));
  const entry = commands.find((c) => c.name === name);
  const program = topLevel();
  try {
    if (entry) {
      const mod = await entry.load();
      const cmd = mod.command().exitOverride();
      const root = new Command('self-evolve').exitOverride().version(VERSION);
      root.addCommand(cmd);
      await root.parseAsync([...argv], { from: 'user' });
    } else {
      await program.parseAsync([...argv], { from: 'user' });
      if (argv.length === 0) program.outputHelp();
    }
    return 0;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed help or the usage message.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (SelfEvolveError.isInstance(error)) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    return error.isUserError ? 2 : 1;
  }
  const environment = environmentError(error);
  if (environment) {
    process.stderr.write(`error: ${environment.message}\nhint: ${environment.hint}\n`);
    return environment.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`internal error: ${message}\n`);
  return 1;
}
