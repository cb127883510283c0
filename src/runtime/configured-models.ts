// Opens models named in a config's `models` section for a command that is not a whole run
// (`meta build`, `eval --model`): through the one model factory, sharing one response cache and
// one ledger, so the config's budget covers them all.
import type { RunConfig } from '../config/run-config.js';
import { EmbeddedTrainer } from '../engine/index.js';
import { ResponseCache } from '../providers/response-cache.js';
import { UsageLedger } from '../providers/usage-ledger.js';
import { InvalidInputError } from '../spec/errors.js';
import type { LanguageModel } from '../spec/language-model.js';
import type { TaskEntry } from '../tasks/task-registry.js';
import { createModel } from './model-factory.js';

/** Configured models by role, with their shared ledger; `close` releases models and cache. */
export interface OpenedModels<R extends string> {
  readonly models: Record<R, LanguageModel>;
  readonly ledger: UsageLedger;
  close(): Promise<void>;
}

/** The entry called `name` in the config, or an error listing the names it has. */
export function requireModelEntry(config: RunConfig, name: string, flag: string) {
  const spec = config.models[name];
  if (!spec) {
    const known = Object.keys(config.models);
    throw new InvalidInputError(
      `no model named "${name}" in the config`,
      { field: flag },
      {
        hint: known.length ? `models in the config: ${known.join(', ')}` : 'add a "models" section',
      },
    );
  }
  return spec;
}

/**
 * Opens `roles` (role → model name in the config, e.g. `{student: 'student'}`); usage is counted
 * by role. Paid calls are cached in `cacheFile` when given, and the budget counts what that cache
 * says was already spent. `flags` name the CLI flag of each role for errors.
 */
export async function openConfiguredModels<R extends string>(
  config: RunConfig,
  roles: Record<R, string>,
  options: {
    cacheFile?: string;
    flags?: Partial<Record<R, string>>;
    source?: string;
    task?: TaskEntry;
  } = {},
): Promise<OpenedModels<R>> {
  const specs = Object.entries(roles).map(([role, name]) => {
    const flag = options.flags?.[role as R] ?? `--${role}`;
    return [role, requireModelEntry(config, name as string, flag)] as const;
  });
  const cache = options.cacheFile ? new ResponseCache(options.cacheFile) : undefined;
  const spent = cache?.totals();
  const ledger = new UsageLedger(config.budget, {
    tokens: spent ? spent.inputTokens + spent.outputTokens : 0,
    costUsd: spent?.costUsd ?? 0,
  });
  const engine = new EmbeddedTrainer({ outputDir: '.' });
  const models = {} as Record<R, LanguageModel>;
  const close = async () => {
    for (const m of Object.values<LanguageModel>(models)) await m.close?.();
    await engine.close();
    cache?.close();
  };
  try {
    for (const [role, spec] of specs) {
      models[role as R] = await createModel(spec, {
        engine,
        ledger,
        cache,
        stage: role,
        source: options.source,
        teacher: options.task?.teacher,
        llamaCpp: config.llamaCpp,
      });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { models, ledger, close };
}
