// A task from the user's own file: a JavaScript module (or TypeScript, where Node can import it)
// exporting a Task, or a factory `(params) => Task | {task, teacher}`, as `task` or as its default
// export, and optionally a `teacher`.
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidInputError } from '../spec/errors.js';
import type { Task, Teacher } from '../spec/task.js';
import type { TaskEntry } from './task-registry.js';

const TASK_MEMBERS = ['extractAnswer', 'isCorrect', 'parseVerdict'] as const;

/** Checks that `value` is a Task; the error names what is missing and the file. */
export function checkTask(value: unknown, where: string): Task {
  const t = value as Partial<Task> | null;
  if (typeof t !== 'object' || t === null) {
    throw new InvalidInputError(`must export a task object, got ${typeof value}`, { file: where });
  }
  if (typeof t.name !== 'string' || !t.name)
    throw new InvalidInputError('the task has no "name"', { file: where, field: 'name' });
  for (const member of TASK_MEMBERS) {
    if (typeof t[member] !== 'function') {
      throw new InvalidInputError(
        `the task has no ${member}() method`,
        { file: where, field: member },
        { hint: 'build it with defineTask() from self-evolve, which fills in the defaults' },
      );
    }
  }
  return t as Task;
}

function checkTeacher(value: unknown, where: string): Teacher {
  const t = value as Partial<Teacher> | null;
  if (typeof t?.review !== 'function' || typeof t.id !== 'string') {
    throw new InvalidInputError('the exported teacher needs an "id" and a review() method', {
      file: where,
      field: 'teacher',
    });
  }
  return t as Teacher;
}

/** Imports the module at `path` (absolute) and builds its task with `params`. */
export async function loadTaskModule(
  path: string,
  params: Readonly<Record<string, unknown>> = {},
): Promise<TaskEntry> {
  if (!existsSync(path)) {
    throw new InvalidInputError(`no such file: ${path}`, { field: 'task.module' });
  }
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(path).href);
  } catch (error) {
    const ts = ['.ts', '.mts', '.cts'].includes(extname(path));
    throw new InvalidInputError(
      `cannot import the task module: ${(error as Error).message}`,
      { file: path, field: 'task.module' },
      {
        hint: ts
          ? 'Node.js 20 cannot import TypeScript by itself: compile it to .js (tsc), or run self-evolve under tsx, or use Node.js >= 23.6'
          : 'check that the file is an ES module (or CommonJS) that runs with `node`',
      },
    );
  }
  const exported = mod.task ?? mod.default;
  if (exported === undefined) {
    throw new InvalidInputError('exports neither "task" nor a default export', {
      file: path,
      field: 'task.module',
    });
  }
  const built = typeof exported === 'function' ? await exported(params) : exported;
  const entry: TaskEntry =
    (built as TaskEntry)?.task !== undefined ? (built as TaskEntry) : { task: built as Task };
  const task = checkTask(entry.task, path);
  const teacherExport = entry.teacher ?? mod.teacher;
  const teacher =
    teacherExport === undefined
      ? undefined
      : checkTeacher(
          typeof teacherExport === 'function' ? await teacherExport(params, task) : teacherExport,
          path,
        );
  return { task, teacher };
}
