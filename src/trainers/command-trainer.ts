// The `command` trainer: any external training program (TRL, Unsloth, axolotl, a script) behind
// one documented contract (docs/trainers.md). self-evolve writes the curated data and a request
// file, runs the command with the data path, base model and output folder, reads JSON-line events
// from its stdout, and returns the model reference the command reports.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ChatTemplates } from '../providers/chat-template.js';
import { InvalidInputError, TrainerError } from '../spec/errors.js';
import type { ModelRef, Trainer, TrainOptions, TrainRequest } from '../spec/trainer.js';
import { runTrainerProcess } from './trainer-process.js';
import { dpoJsonl, sftRows, trlSftJsonl } from './training-rows.js';

export interface CommandTrainerOptions {
  /** The program and its arguments; placeholders like `{data}` are filled in (see COMMAND_PLACEHOLDERS). */
  readonly command: readonly string[];
  /** Each training gets `<workDir>/<name>/` for its data, request and log. */
  readonly workDir: string;
  /** The command is asked to write the model to `<outputDir>/<name>`. */
  readonly outputDir: string;
  readonly cwd?: string;
  /** Extra environment variables (not secrets: those stay in your environment). */
  readonly env?: Readonly<Record<string, string>>;
  /** How sections become chat rows (default: the provider templates). */
  readonly templates?: ChatTemplates;
  /** Add each row's SELF episode as `self_episode` (default true). */
  readonly episodes?: boolean;
  readonly timeoutMinutes?: number;
}

/** What `{name}` stands for in the command. */
export const COMMAND_PLACEHOLDERS = [
  'data',
  'dpo',
  'base',
  'output',
  'request',
  'name',
  'seed',
] as const;

/** The request file the command can read: everything the arguments carry, and more. */
export interface CommandTrainRequest {
  readonly format: 'self-evolve-train-request';
  readonly version: 1;
  readonly name: string;
  readonly seed: number;
  readonly base: ModelRef;
  readonly hyperparameters: Readonly<Record<string, number | string | boolean>>;
  readonly data: { readonly sft: string; readonly dpo?: string };
  readonly rows: { readonly sft: number; readonly dpo: number };
  readonly output: string;
}

const LOCAL_KINDS = new Set(['embedded', 'gguf']);

export class CommandTrainer implements Trainer {
  readonly id: string;

  constructor(private readonly options: CommandTrainerOptions) {
    if (options.command.length === 0 || !options.command[0]) {
      throw new InvalidInputError('must name a program to run', { field: 'trainer.command' });
    }
    this.id = `command:${options.command.join(' ')}`;
  }

  async train(request: TrainRequest, options: TrainOptions = {}): Promise<ModelRef> {
    const work = resolve(this.options.workDir, request.name);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const output = resolve(this.options.outputDir, request.name);
    // A folder left by a failed attempt is not a model: the command starts from nothing.
    rmSync(output, { recursive: true, force: true });
    const filled = this.writeFiles(request, work, output);
    let model: ModelRef | undefined;
    const logFile = join(work, 'trainer.log');
    const { lastLines } = await runTrainerProcess(this.id, {
      argv: this.argv(filled),
      cwd: this.options.cwd,
      env: this.options.env,
      logFile,
      timeoutMs: this.options.timeoutMinutes ? this.options.timeoutMinutes * 60_000 : undefined,
      signal: options.signal,
      onEvent: (event) => {
        if (event.event === 'progress') options.onProgress?.(progressOf(event));
        else if (event.event === 'model') model = this.modelOf(event.model);
        else if (event.event !== 'log') {
          throw new Error(
            `printed an unknown event ${JSON.stringify(event.event)} (progress, model or log)`,
          );
        }
      },
    });
    if (!model) {
      throw new TrainerError(
        this.id,
        `exited 0 without printing a model event (log: ${logFile})`,
        lastLines,
      );
    }
    return { ...model, parent: model.parent ?? request.base.id };
  }

  /** Writes sft.jsonl, dpo.jsonl (when there are pairs) and request.json; returns the placeholders. */
  private writeFiles(request: TrainRequest, work: string, output: string): Record<string, string> {
    const rows = sftRows(request.examples, this.options.templates);
    const sft = join(work, 'sft.jsonl');
    writeFileSync(sft, trlSftJsonl(rows, this.options.episodes ?? true));
    const pairs = request.preferences ?? [];
    const dpo = pairs.length ? join(work, 'dpo.jsonl') : undefined;
    if (dpo) writeFileSync(dpo, dpoJsonl(pairs, this.options.templates));
    const body: CommandTrainRequest = {
      format: 'self-evolve-train-request',
      version: 1,
      name: request.name,
      seed: request.seed,
      base: request.base,
      hyperparameters: request.hyperparameters ?? {},
      data: { sft, ...(dpo ? { dpo } : {}) },
      rows: { sft: rows.length, dpo: pairs.length },
      output,
    };
    const file = join(work, 'request.json');
    writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
    return {
      data: sft,
      dpo: dpo ?? '',
      base: request.base.id,
      output,
      request: file,
      name: request.name,
      seed: String(request.seed),
    };
  }

  /** The command with placeholders filled; without any, the standard flags are appended. */
  private argv(values: Record<string, string>): string[] {
    const pattern = new RegExp(`\\{(${COMMAND_PLACEHOLDERS.join('|')})\\}`, 'g');
    const uses = this.options.command.some((a) => a.match(pattern) !== null);
    const fill = (arg: string) => arg.replace(pattern, (_, key: string) => values[key]);
    const argv = this.options.command.map(fill);
    if (uses) return argv;
    return [
      ...argv,
      '--data',
      values.data,
      '--base',
      values.base,
      '--output',
      values.output,
      '--request',
      values.request,
    ];
  }

  private modelOf(raw: unknown): ModelRef {
    const m = raw as Partial<ModelRef> | undefined;
    if (typeof m?.kind !== 'string' || !m.kind || typeof m.id !== 'string' || !m.id) {
      throw new Error('printed a model event without {"model": {"kind", "id"}}');
    }
    const id =
      LOCAL_KINDS.has(m.kind) && !isAbsolute(m.id) ? resolve(this.options.cwd ?? '.', m.id) : m.id;
    if (LOCAL_KINDS.has(m.kind) && !existsSync(id)) {
      throw new Error(`reported model ${id} (${m.kind}), which does not exist`);
    }
    return {
      kind: m.kind,
      id,
      ...(m.parent ? { parent: m.parent } : {}),
      ...(m.meta ? { meta: m.meta } : {}),
    };
  }
}

function progressOf(event: Record<string, unknown>) {
  const step = event.step;
  const total = event.total_steps;
  if (typeof step !== 'number' || typeof total !== 'number') {
    throw new Error('printed a progress event without numeric "step" and "total_steps"');
  }
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  return {
    step,
    totalSteps: total,
    loss: num(event.loss),
    tokensPerSecond: num(event.tokens_per_second),
  };
}
