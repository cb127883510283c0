// Which trainer fine-tunes a run's stages, from the config's `trainer` section: a registry of
// trainer kinds (the embedded engine, an external command, an OpenAI-style fine-tuning API, and
// whatever a library user registers), each with its schema, factory and a start-up check.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { KindRegistry } from '../config/kind-registry.js';
import {
  commandTrainerSchema,
  embeddedTrainerSchema,
  openAITrainerSchema,
} from '../config/trainer-config.js';
import { resolveTemplates } from '../providers/chat-template.js';
import { InvalidInputError } from '../spec/errors.js';
import type { Trainer } from '../spec/trainer.js';
import { probeEndpoint } from './probe-endpoint.js';

/** A `trainer` section: a built-in kind or a registered one. */
export type TrainerSpec = { kind: string } & Record<string, unknown>;

/** What a trainer of a run may use. */
export interface TrainerContext {
  /** The run folder: trained models go to `<runDir>/models`, trainer files to `<runDir>/trainer`. */
  readonly runDir: string;
  /** The engine's trainer, shared with the run's embedded models (one set of kernels). */
  readonly engine: Trainer;
  readonly env?: NodeJS.ProcessEnv;
}

export interface TrainerKind<S extends TrainerSpec = TrainerSpec> {
  readonly schema: z.ZodType<S>;
  create(spec: S, context: TrainerContext): Promise<Trainer>;
  resolvePaths?(spec: S, baseDir: string): S;
  /** A cheap check that the trainer can start (the program exists, the API answers). */
  check?(spec: S, context: Pick<TrainerContext, 'env'>): Promise<void>;
}

export const trainerKinds = new KindRegistry<TrainerKind>('trainer kind');

/** Registers (or replaces) a trainer kind. */
export function registerTrainerKind<S extends TrainerSpec>(
  kind: string,
  entry: TrainerKind<S>,
): void {
  trainerKinds.register(kind, entry as unknown as TrainerKind);
}

/** The schema of a `trainer` section. */
export function trainerSpecSchema(): z.ZodType<TrainerSpec> {
  return trainerKinds.schema();
}

function kindOf(spec: TrainerSpec): TrainerKind {
  const kind = trainerKinds.get(spec.kind);
  if (!kind) {
    throw new InvalidInputError(
      `unknown trainer kind "${spec.kind}"`,
      { field: 'trainer.kind' },
      {
        hint: `known kinds: ${trainerKinds.kinds().join(', ')}`,
      },
    );
  }
  return kind;
}

export function createTrainer(spec: TrainerSpec, context: TrainerContext): Promise<Trainer> {
  return kindOf(spec).create(spec, context);
}

export function resolveTrainerPaths(spec: TrainerSpec, baseDir: string): TrainerSpec {
  return kindOf(spec).resolvePaths?.(spec, baseDir) ?? spec;
}

export async function checkTrainer(spec: TrainerSpec, env?: NodeJS.ProcessEnv): Promise<void> {
  await kindOf(spec).check?.(spec, { env });
}

/** Whether `program` can be started: a path to an executable file, or found on PATH. */
function findProgram(program: string, cwd: string, env: NodeJS.ProcessEnv): boolean {
  const runnable = (path: string) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (program.includes('/')) return runnable(resolve(cwd, program));
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && runnable(join(dir, program)));
}

registerTrainerKind<z.output<typeof embeddedTrainerSchema>>('embedded', {
  schema: embeddedTrainerSchema,
  create: async (spec, context) => atMost(context.engine, spec.parallel),
});

/** The trainer, told to run at most `parallel` trainings at once (unchanged when undefined). */
function atMost(trainer: Trainer, parallel: number | undefined): Trainer {
  if (parallel === undefined) return trainer;
  return {
    id: trainer.id,
    parallel: Math.min(parallel, trainer.parallel ?? 1),
    train: (request, options) => trainer.train(request, options),
  };
}

type CommandSpec = z.output<typeof commandTrainerSchema>;
registerTrainerKind<CommandSpec>('command', {
  schema: commandTrainerSchema,
  async create(spec, context) {
    const { CommandTrainer } = await import('../trainers/command-trainer.js');
    return new CommandTrainer({
      command: spec.command,
      cwd: spec.cwd,
      env: spec.env,
      episodes: spec.episodes,
      timeoutMinutes: spec.timeoutMinutes,
      templates: resolveTemplates(spec.templates, 'trainer.templates'),
      workDir: join(context.runDir, 'trainer'),
      outputDir: join(context.runDir, 'models'),
    });
  },
  // The command runs in `cwd`, by default the config file's folder.
  resolvePaths: (spec, baseDir) => ({
    ...spec,
    cwd:
      spec.cwd === undefined
        ? baseDir
        : isAbsolute(spec.cwd)
          ? spec.cwd
          : resolve(baseDir, spec.cwd),
  }),
  async check(spec, context) {
    const cwd = spec.cwd ?? process.cwd();
    if (!existsSync(cwd)) {
      throw new InvalidInputError(`no such folder: ${cwd}`, { field: 'trainer.cwd' });
    }
    if (!findProgram(spec.command[0], cwd, context.env ?? process.env)) {
      throw new InvalidInputError(
        `cannot start the trainer: "${spec.command[0]}" is not an executable on PATH or under ${cwd}`,
        { field: 'trainer.command' },
      );
    }
  },
});

type OpenAISpec = z.output<typeof openAITrainerSchema>;
registerTrainerKind<OpenAISpec>('openai', {
  schema: openAITrainerSchema,
  async create(spec, context) {
    const { OpenAITrainer } = await import('../trainers/openai-trainer.js');
    return new OpenAITrainer({
      ...spec,
      templates: resolveTemplates(spec.templates, 'trainer.templates'),
      workDir: join(context.runDir, 'trainer'),
      env: context.env,
    });
  },
  check: (spec, context) =>
    probeEndpoint(spec.baseURL, spec.apiKeyEnv, context.env, 'fine-tuning API'),
});
