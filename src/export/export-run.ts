// Exports a run's self-curated data for other trainers: OpenAI chat JSONL, TRL conversational
// prompt/completion JSONL, and DPO preference pairs (refinement chosen over the initial answer).
import { join } from 'node:path';
import type { RunStore, SampleRecord } from '../spec/run-store.js';
import { assertAbsent, writeFileAtomic } from './atomic-write.js';

const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });
const jsonl = (rows: readonly unknown[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

/** The curated set: samples the self-filter kept in the self-evolution rounds. */
export function curated(samples: readonly SampleRecord[]): SampleRecord[] {
  return samples.filter((s) => s.stage.startsWith('round-') && s.kept);
}

/** Pairs where the model's own feedback rejected the first answer and accepted the refinement. */
export function preferencePairs(samples: readonly SampleRecord[]) {
  return samples
    .filter(
      (s) =>
        s.stage.startsWith('round-') &&
        s.refinement !== undefined &&
        s.verdict === 'wrong' &&
        s.kept,
    )
    .map((s) => ({ prompt: s.prompt, chosen: s.refinement!, rejected: s.response }));
}

export interface ExportResult {
  readonly files: { readonly chat: string; readonly trl: string; readonly dpo: string };
  readonly counts: { readonly chat: number; readonly trl: number; readonly dpo: number };
}

/** Writes the three files into `dir`; refuses to replace existing files without `force`. */
export function exportRun(
  store: RunStore,
  run: string,
  dir: string,
  options: { force?: boolean } = {},
): ExportResult {
  const kept = curated(store.samples(run));
  const final = (s: SampleRecord) => s.refinement ?? s.response;
  const chat = kept.map((s) => ({ messages: [user(s.prompt), assistant(final(s))] }));
  const trl = kept.map((s) => ({ prompt: [user(s.prompt)], completion: [assistant(final(s))] }));
  const dpo = preferencePairs(store.samples(run));
  const files = {
    chat: join(dir, 'chat.jsonl'),
    trl: join(dir, 'trl.jsonl'),
    dpo: join(dir, 'dpo.jsonl'),
  };
  // Check every target first, so a refusal leaves nothing half-written.
  for (const path of Object.values(files)) if (!options.force) assertAbsent(path);
  writeFileAtomic(files.chat, jsonl(chat), options);
  writeFileAtomic(files.trl, jsonl(trl), options);
  writeFileAtomic(files.dpo, jsonl(dpo), options);
  return { files, counts: { chat: chat.length, trl: trl.length, dpo: dpo.length } };
}
