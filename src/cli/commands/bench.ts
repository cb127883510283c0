// `self-evolve bench <what>`: speed measurements that print JSON. One subcommand per module;
// add a benchmark with one `.addCommand(...)` line.
import { Command } from 'commander';
import { engineBenchCommand } from './bench-engine.js';
import { kernelsBenchCommand } from './bench-kernels.js';
import { pipelineBenchCommand } from './bench-pipeline.js';
import { serveBenchCommand } from './bench-serve.js';
import { uiBenchCommand } from './bench-ui.js';

export function command(): Command {
  return new Command('bench')
    .description('Measure speed (each subcommand prints one JSON line with --json)')
    .addCommand(engineBenchCommand())
    .addCommand(kernelsBenchCommand())
    .addCommand(pipelineBenchCommand())
    .addCommand(uiBenchCommand())
    .addCommand(serveBenchCommand())
    .addHelpText(
      'after',
      `
Examples:
  self-evolve bench engine --json
  self-evolve bench engine --kernels js --tfjs /tmp/tfjs-ref
  self-evolve bench kernels --json
  self-evolve bench pipeline --json
  self-evolve bench ui --json
  self-evolve bench serve --json`,
    );
}
