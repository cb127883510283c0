// The `task` section of a config, in its three forms: a registered task by name (`equations`,
// `gsm8k`, or one a library user registered), the user's own module by path, or a task declared
// in the config itself; and `resolveTask`, which turns any of them into a Task (and a teacher).
import { resolve } from 'node:path';
import { z } from 'zod';
import { dispatchSchema } from '../config/kind-registry.js';
import { type DeclarativeTaskSpec, declarativeTaskSchema, defineTask } from './declarative-task.js';
import { loadTaskModule } from './task-module.js';
import { createTask, type TaskEntry, taskNames } from './task-registry.js';

const params = z.record(z.string(), z.unknown()).default({});

const registeredTaskSchema = z
  .object({
    name: z
      .string()
      .default('equations')
      .superRefine((name, ctx) => {
        if (!taskNames().includes(name)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown task "${name}" (known: ${taskNames().join(', ')}); or declare one with "answer", or give "module"`,
          });
        }
      }),
    params,
  })
  .strict();

const moduleTaskSchema = z
  .object({
    /** A JavaScript file exporting `task` (or a default export), relative to the config. */
    module: z.string().min(1),
    params,
  })
  .strict();

export type RegisteredTaskSpec = z.output<typeof registeredTaskSchema>;
export type ModuleTaskSpec = z.output<typeof moduleTaskSchema>;
export type TaskSpec = RegisteredTaskSpec | ModuleTaskSpec | DeclarativeTaskSpec;

/** Any of the three forms, told apart by `module` or `answer`. */
export const taskSpecSchema = dispatchSchema((value) =>
  'module' in value
    ? moduleTaskSchema
    : 'answer' in value
      ? declarativeTaskSchema
      : registeredTaskSchema,
) as z.ZodType<TaskSpec>;

/** The task (and teacher, when it has one) a spec names; `baseDir` resolves a module path. */
export async function resolveTask(spec: TaskSpec, baseDir = process.cwd()): Promise<TaskEntry> {
  if ('module' in spec) return loadTaskModule(resolve(baseDir, spec.module), spec.params);
  if ('answer' in spec) return { task: defineTask(spec) };
  return createTask(spec.name, spec.params);
}

/** A short description of a task spec, for messages. */
export function describeTask(spec: TaskSpec): string {
  if ('module' in spec) return `module ${spec.module}`;
  if ('answer' in spec) return `declared task "${spec.name}"`;
  return `task "${spec.name}"`;
}
