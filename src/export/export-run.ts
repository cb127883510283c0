// Exports a run's curated data for other trainers and tools: the self-curated answers as OpenAI
// chat and TRL prompt/completion JSONL, the preference pairs as TRL conversational DPO JSONL, the
// meta-skill corpus (critique and refinement rows) as chat JSONL, and every episode with its
// verdict, kept flag and reason.
import { join } from 'node:path';
import { metaCorpus } from '../self/meta-skills.js';
import { roundPreferences } from '../self/preference-pairs.js';
import type { RunStore, SampleRecord } from '../spec/run-store.js';
import { dpoJsonl, openAIChatJsonl, sftRows } from '../trainers/training-rows.js';
import { assertAbsent, writeFileAtomic } from './atomic-write.js';

const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });
const jsonl = (rows: readonly unknown[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

const isRound = (s: SampleRecord) => s.stage.startsWith('round-');

/** The curated set: samples the self-filter kept in the self-evolution rounds. */
export function curated(samples: readonly SampleRecord[]): SampleRecord[] {
  return samples.filter((s) => isRound(s) && s.kept);
}

/** One line of episodes.jsonl: a sample of the meta stage or of a round, as stored. */
export function episodeRow(s: SampleRecord) {
  return {
    stage: s.stage,
    id: s.problemId,
    prompt: s.prompt,
    response: s.response,
    feedback: s.feedback ?? null,
    verdict: s.verdict ?? null,
    refinement: s.refinement ?? null,
    attempts: s.attempts,
    kept: s.kept,
    reason: s.reason,
  };
}

export const EXPORT_FILES = ['chat', 'trl', 'dpo', 'meta', 'episodes'] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];

export interface ExportResult {
  readonly files: Readonly<Record<ExportFile, string>>;
  readonly counts: Readonly<Record<ExportFile, number>>;
}

/** Writes the files into `dir`; refuses to replace existing files without `force`. */
export function exportRun(
  store: RunStore,
  run: string,
  dir: string,
  options: { force?: boolean } = {},
): ExportResult {
  const all = store.samples(run);
  const kept = curated(all);
  const final = (s: SampleRecord) => s.refinement ?? s.response;
  const rows = {
    chat: kept.map((s) => ({ messages: [user(s.prompt), assistant(final(s))] })),
    trl: kept.map((s) => ({ prompt: [user(s.prompt)], completion: [assistant(final(s))] })),
    dpo: roundPreferences(all.filter(isRound)),
    meta: sftRows(metaCorpus(all.filter((s) => s.stage === 'meta'))),
    episodes: all.filter((s) => s.stage === 'meta' || isRound(s)).map(episodeRow),
  };
  const text: Record<ExportFile, string> = {
    chat: jsonl(rows.chat),
    trl: jsonl(rows.trl),
    dpo: dpoJsonl(rows.dpo),
    meta: openAIChatJsonl(rows.meta),
    episodes: jsonl(rows.episodes),
  };
  const files = Object.fromEntries(EXPORT_FILES.map((k) => [k, join(dir, `${k}.jsonl`)])) as Record<
    ExportFile,
    string
  >;
  // Check every target first, so a refusal leaves nothing half-written.
  for (const path of Object.values(files)) if (!options.force) assertAbsent(path);
  for (const k of EXPORT_FILES) writeFileAtomic(files[k], text[k], { force: true });
  const counts = Object.fromEntries(EXPORT_FILES.map((k) => [k, rows[k].length])) as Record<
    ExportFile,
    number
  >;
  return { files, counts };
}
