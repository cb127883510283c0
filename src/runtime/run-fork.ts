// A run that starts where another run's meta-skill stage ended: the same base and meta models,
// their stage records, D_meta and their evaluations, shared, and rounds of its own. This is how a
// control (another round filter) is compared with SELF on the same M_meta, without training it
// again (the models stay in the parent's folder: delete the parent and the fork cannot resume).

import type { RunConfig } from '../config/run-config.js';
import { InvalidInputError } from '../spec/errors.js';
import type { RunRecord, RunStore, SampleRecord } from '../spec/run-store.js';
import { requireRun, runConfig, startRun } from './run-session.js';

/** What decides base and meta: a fork must agree with its parent on all of it. */
const SHARED = ['seed', 'task', 'data', 'base', 'meta', 'generation'] as const;

/** What of `evolve.propose` builds D_meta (its proposing examples); null when it adds none. */
function proposingMeta(config: RunConfig) {
  const p = config.evolve.propose;
  return p && p.metaExamples > 0 ? { metaExamples: p.metaExamples, examples: p.examples } : null;
}

/** The stages a fork takes over, with their samples and evaluations. */
const TAKEN = ['base', 'meta', 'sft-meta'];

/** Canonical JSON: objects with sorted keys, so equal settings compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

/**
 * Creates run `name` as a fork of run `parent` after its meta stage, with `config` (which must
 * agree with the parent's on seed, task, data, base, meta and generation, and name the same
 * student). Returns the new run, ready for `executeRun`.
 */
export function forkRun(
  store: RunStore,
  runsDir: string,
  name: string,
  parent: string,
  config: RunConfig,
  force: boolean,
): RunRecord {
  const from = requireRun(store, parent);
  const fromConfig = runConfig(from);
  if (!store.getStage(parent, 'meta')) {
    throw new InvalidInputError(
      `run "${parent}" has no finished meta stage to fork from`,
      { field: '--fork' },
      { hint: `resume it first: self-evolve resume ${parent}` },
    );
  }
  const differ: string[] = SHARED.filter((k) => canonical(config[k]) !== canonical(fromConfig[k]));
  if (canonical(config.models.student) !== canonical(fromConfig.models.student))
    differ.push('models.student');
  if (canonical(proposingMeta(config)) !== canonical(proposingMeta(fromConfig)))
    differ.push('evolve.propose (metaExamples and examples build D_meta)');
  if (differ.length) {
    throw new InvalidInputError(
      `the config differs from run "${parent}"'s in ${differ.join(', ')}: a fork shares its base and meta models`,
      { field: '--fork' },
      { hint: 'change only evolve, eval, controls, trainer or budget in a fork' },
    );
  }
  const run = startRun(store, runsDir, name, config, force);
  for (const stage of TAKEN) {
    const model = store.getModel(parent, stage);
    if (model) store.putModel(name, model);
    for (const s of [stage, `eval:${stage}`]) copySamples(store, parent, name, s);
    const record = store.getStage(parent, stage);
    if (record)
      store.putStage(name, { ...record, metrics: { ...record.metrics, forked_from: parent } });
  }
  return run;
}

function copySamples(store: RunStore, from: string, to: string, stage: string): void {
  const byChunk = new Map<number, SampleRecord[]>();
  for (const s of store.samples(from, stage)) {
    const list = byChunk.get(s.chunk) ?? [];
    list.push(s);
    byChunk.set(s.chunk, list);
  }
  for (const [chunk, samples] of byChunk) store.putChunk(to, stage, chunk, samples);
}
