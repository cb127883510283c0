// The tasks self-evolve knows by name, each with its teacher when it has a programmatic one.
// Other areas add entries here (e.g. a benchmark task with a model teacher).
import { BenchmarkTask } from '../benchmarks/benchmark-task.js';
import { InvalidInputError } from '../spec/errors.js';
import type { Task, Teacher } from '../spec/task.js';
import { ConstraintsTask, ConstraintsTeacher } from './constraints/constraints-task.js';
import { DEFAULT_EQUATION_PARAMS, type EquationParams } from './equations/equation.js';
import { type Critique, EquationsTask, EquationsTeacher } from './equations/equations-task.js';

/** A task and, when the task can check itself, a programmatic teacher. */
export interface TaskEntry {
  readonly task: Task;
  readonly teacher?: Teacher;
}

type Factory = (params: Readonly<Record<string, unknown>>) => TaskEntry;

/** `constraints`, whose one parameter `details` (default true) says whether critiques quote. */
function constraintsEntry({ details, ...rest }: Readonly<Record<string, unknown>>): TaskEntry {
  const unknown = Object.keys(rest);
  if (unknown.length > 0 || (details !== undefined && typeof details !== 'boolean'))
    throw new InvalidInputError(
      unknown.length > 0
        ? `task constraints has no parameter "${unknown[0]}"`
        : 'task constraints: "details" must be true or false',
      { field: unknown.length > 0 ? `task.params.${unknown[0]}` : 'task.params.details' },
      { hint: 'constraints takes {"details": false} (critiques without quoted words) or nothing' },
    );
  return { task: new ConstraintsTask(), teacher: new ConstraintsTeacher({ details }) };
}

const factories = new Map<string, Factory>([
  ['gsm8k', () => ({ task: new BenchmarkTask('gsm8k') })],
  ['svamp', () => ({ task: new BenchmarkTask('svamp') })],
  ['constraints', (params) => constraintsEntry(params)],
  [
    'equations',
    ({ critique, ...params }) => ({
      task: new EquationsTask({
        ...DEFAULT_EQUATION_PARAMS,
        ...(params as Partial<EquationParams>),
      }),
      teacher: new EquationsTeacher(critique as Critique | undefined),
    }),
  ],
]);

/** Registers a task under `name` (replacing one of the same name). */
export function registerTask(name: string, factory: Factory): void {
  factories.set(name, factory);
}

/** Names of the known tasks. */
export function taskNames(): string[] {
  return [...factories.keys()];
}

/** The task called `name`, built with `params`. */
export function createTask(
  name: string,
  params: Readonly<Record<string, unknown>> = {},
): TaskEntry {
  const factory = factories.get(name);
  if (!factory) {
    throw new InvalidInputError(
      `unknown task "${name}"`,
      { field: 'task' },
      {
        hint: `known tasks: ${taskNames().join(', ')}`,
      },
    );
  }
  return factory(params);
}
