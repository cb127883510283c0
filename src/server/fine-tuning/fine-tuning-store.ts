// Where the fine-tuning API keeps its state, under one folder so that a restarted server still
// lists its files, jobs and models: files/<id> (content) and files/<id>.json (the File object),
// jobs/<id>.json (the job with its events), models/<name> (fine-tuned checkpoints).
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { FINE_TUNING_LIMITS, type StoreLimits } from '../server-limits.js';

/** OpenAI's File object. */
export interface FileObject {
  readonly id: string;
  readonly object: 'file';
  readonly bytes: number;
  readonly created_at: number;
  readonly filename: string;
  readonly purpose: string;
  readonly status: 'processed';
  readonly status_details: null;
}

export type JobStatus =
  | 'validating_files'
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

/** OpenAI's fine_tuning.job.event object. */
export interface JobEvent {
  readonly object: 'fine_tuning.job.event';
  readonly id: string;
  readonly created_at: number;
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly type: 'message' | 'metrics';
  readonly data?: Readonly<Record<string, unknown>>;
}

/** OpenAI's fine_tuning.job object, plus our events (not sent with the job). */
export interface JobRecord {
  id: string;
  object: 'fine_tuning.job';
  created_at: number;
  finished_at: number | null;
  model: string;
  fine_tuned_model: string | null;
  organization_id: string;
  status: JobStatus;
  hyperparameters: Record<string, number | string | boolean>;
  training_file: string;
  validation_file: string | null;
  result_files: string[];
  trained_tokens: number | null;
  error: { code: string; message: string; param: string | null } | null;
  seed: number;
  suffix: string | null;
  estimated_finish: number | null;
  integrations: [];
  metadata: Record<string, string> | null;
  method: { type: 'supervised'; supervised: { hyperparameters: Record<string, unknown> } };
  /** Where the fine-tuned checkpoint is, once it exists. */
  checkpoint?: string;
  events: JobEvent[];
}

export const now = () => Math.floor(Date.now() / 1000);
export const newId = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;

/** Finished jobs kept (with their events) before the oldest that made no model are dropped. */
const KEPT_JOBS = 1_000;

/** Files, jobs and models in `root`. Writes go to a temporary file first, then are renamed. */
export class FineTuningStore {
  readonly files = new Map<string, FileObject>();
  readonly jobs = new Map<string, JobRecord>();
  readonly limits: StoreLimits;

  constructor(
    readonly root: string,
    limits: Partial<StoreLimits> = {},
  ) {
    this.limits = { ...FINE_TUNING_LIMITS, ...limits };
    for (const sub of ['files', 'jobs', 'models']) mkdirSync(join(root, sub), { recursive: true });
    for (const name of readdirSync(join(root, 'files')).filter((f) => f.endsWith('.json'))) {
      const file = JSON.parse(readFileSync(join(root, 'files', name), 'utf8')) as FileObject;
      this.files.set(file.id, file);
    }
    for (const name of readdirSync(join(root, 'jobs')).filter((f) => f.endsWith('.json'))) {
      const job = JSON.parse(readFileSync(join(root, 'jobs', name), 'utf8')) as JobRecord;
      this.jobs.set(job.id, job);
    }
  }

  /** Folder of fine-tuned checkpoints. */
  get modelsDir(): string {
    return join(this.root, 'models');
  }

  addFile(filename: string, purpose: string, content: Uint8Array): FileObject {
    const file: FileObject = {
      id: newId('file'),
      object: 'file',
      bytes: content.length,
      created_at: now(),
      filename,
      purpose,
      status: 'processed',
      status_details: null,
    };
    atomicWrite(join(this.root, 'files', file.id), content);
    atomicWrite(join(this.root, 'files', `${file.id}.json`), JSON.stringify(file));
    this.files.set(file.id, file);
    return file;
  }

  /**
   * Why `files` more files of `bytes` in all would not fit `limits`, or undefined when they would.
   */
  noRoomFor(files: number, bytes: number): string | undefined {
    let kept = 0;
    for (const f of this.files.values()) kept += f.bytes;
    if (this.files.size + files > this.limits.files) {
      return `the server keeps at most ${this.limits.files} files and has ${this.files.size}`;
    }
    if (kept + bytes > this.limits.storedBytes) {
      return `the server keeps at most ${this.limits.storedBytes} bytes of files and has ${kept}`;
    }
    return undefined;
  }

  content(id: string): Buffer {
    return readFileSync(join(this.root, 'files', id));
  }

  deleteFile(id: string): void {
    this.files.delete(id);
    rmSync(join(this.root, 'files', `${id}.json`), { force: true });
    rmSync(join(this.root, 'files', id), { force: true });
  }

  /** Stores a job (new or changed). */
  saveJob(job: JobRecord): void {
    this.jobs.set(job.id, job);
    atomicWrite(join(this.root, 'jobs', `${job.id}.json`), JSON.stringify(job));
  }

  /** Jobs newest first. */
  listJobs(): JobRecord[] {
    return [...this.jobs.values()].sort(
      (a, b) => b.created_at - a.created_at || (b.id < a.id ? -1 : 1),
    );
  }

  /**
   * Keeps the job count bounded: past KEPT_JOBS, the oldest failed or cancelled jobs (which made
   * no model) are forgotten, their records deleted.
   */
  pruneJobs(): void {
    if (this.jobs.size < KEPT_JOBS) return;
    const dropped = this.listJobs()
      .reverse()
      .filter((j) => j.status === 'failed' || j.status === 'cancelled')
      .slice(0, this.jobs.size - KEPT_JOBS + 1);
    for (const job of dropped) {
      this.jobs.delete(job.id);
      rmSync(join(this.root, 'jobs', `${job.id}.json`), { force: true });
    }
  }

  /** Ids of the fine-tuned models whose checkpoint exists. */
  fineTunedModels(): string[] {
    const ids: string[] = [];
    for (const job of this.jobs.values()) {
      const { fine_tuned_model: id, checkpoint } = job;
      if (job.status === 'succeeded' && id && checkpoint && existsSync(checkpoint)) {
        ids.push(id);
      }
    }
    return ids;
  }

  /** The job that produced `model`, if it succeeded. */
  jobForModel(model: string): JobRecord | undefined {
    for (const job of this.jobs.values()) {
      if (job.fine_tuned_model === model && job.status === 'succeeded' && job.checkpoint) {
        if (existsSync(job.checkpoint)) return job;
      }
    }
    return undefined;
  }
}

function atomicWrite(path: string, content: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}
