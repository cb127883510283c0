// Opens models named in a config's `models` section for a command: external endpoints behind the
// guard, sharing one response cache and one ledger (so the budget covers them all), and embedded
// checkpoints through the engine's loader.
import { loadModelsConfig, requireModel } from '../config/models.js';
import { EmbeddedTrainer } from '../engine/index.js';
import { createConfiguredModel } from '../providers/configured-model.js';
import { ResponseCache } from '../providers/response-cache.js';
import { UsageLedger } from '../providers/usage-ledger.js';
import type { LanguageModel } from '../spec/language-model.js';

/** Configured models by role, with their shared ledger; `close` releases models and cache. */
export interface OpenedModels<R extends string> {
  readonly models: Record<R, LanguageModel>;
  readonly ledger: UsageLedger;
  close(): Promise<void>;
}

/**
 * Opens `roles` (role → model name in `configFile`, e.g. `{student: 'student'}`); usage is counted
 * by role. Paid calls are cached in `cacheFile` when given, and the config's budget counts what
 * that cache says was already spent. `flags` name the CLI flag of each role for errors.
 */
export async function openConfiguredModels<R extends string>(
  configFile: string,
  roles: Record<R, string>,
  options: { cacheFile?: string; flags?: Partial<Record<R, string>> } = {},
): Promise<OpenedModels<R>> {
  const config = loadModelsConfig(configFile);
  const specs = Object.entries(roles).map(([role, name]) => {
    const flag = options.flags?.[role as R] ?? `--${role}`;
    return [role, requireModel(config, name as string, flag)] as const;
  });
  const cache = options.cacheFile ? new ResponseCache(options.cacheFile) : undefined;
  const spent = cache?.totals();
  const ledger = new UsageLedger(config.budget, {
    tokens: spent ? spent.inputTokens + spent.outputTokens : 0,
    costUsd: spent?.costUsd ?? 0,
  });
  const loader = new EmbeddedTrainer({ outputDir: '.' });
  const models = {} as Record<R, LanguageModel>;
  for (const [role, spec] of specs) {
    models[role as R] = await createConfiguredModel(spec, {
      ledger,
      cache,
      stage: role,
      source: configFile,
      loader,
    });
  }
  return {
    models,
    ledger,
    close: async () => {
      for (const m of Object.values<LanguageModel>(models)) await m.close?.();
      cache?.close();
    },
  };
}
