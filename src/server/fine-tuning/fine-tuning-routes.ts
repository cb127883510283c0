// The OpenAI files and fine-tuning routes on a Hono app: upload, list, read and delete files;
// create, list, retrieve and cancel fine-tuning jobs and list their events, with OpenAI's cursor
// pagination (`after`, `limit`, `has_more`) and error format.
import type { Context, Hono } from 'hono';
import { HttpError } from '../openai-error.js';
import { FINE_TUNING_LIMITS, HTTP_LIMITS } from '../server-limits.js';
import type { FineTuningRunner } from './fine-tuning-runner.js';
import type { FineTuningStore, JobRecord } from './fine-tuning-store.js';

/** A job as the API shows it (without our bookkeeping fields). */
export function jobBody(job: JobRecord) {
  const { events: _events, checkpoint: _checkpoint, ...body } = job;
  return body;
}

const bad = (message: string, param: string | null, code: string | null = null) =>
  new HttpError(400, message, 'invalid_request_error', param, code);

/**
 * One page of `items` (newest first) after the item with id `after`: `limit` is an integer from
 * 1 to HTTP_LIMITS.pageSize (default 20), `after` an id in the list.
 */
function page<T extends { id: string }>(c: Context, items: readonly T[]) {
  const text = c.req.query('limit') ?? '20';
  const limit = Number(text);
  const max = HTTP_LIMITS.pageSize;
  if (!/^\d+$/.test(text) || limit < 1 || limit > max) {
    throw bad(
      `limit: must be an integer from 1 to ${max} (the server's limit), got "${text}"`,
      'limit',
    );
  }
  const after = c.req.query('after');
  const start = after ? items.findIndex((i) => i.id === after) + 1 : 0;
  if (after && start === 0) throw bad(`after: no item "${after}" in this list`, 'after');
  const data = items.slice(start, start + limit);
  return { object: 'list' as const, data, has_more: start + limit < items.length };
}

const notFound = (what: string, id: string, param: string) =>
  new HttpError(404, `no ${what} "${id}"`, 'invalid_request_error', param, `${what}_not_found`);

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  try {
    const body = await c.req.json();
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body;
  } catch {
    // answered below
  }
  throw bad('the request body is not a JSON object', null);
}

/** Adds the routes to `app` (behind its auth and body limit). */
export function mountFineTuning(app: Hono, store: FineTuningStore, runner: FineTuningRunner): void {
  const file = (id: string) =>
    store.files.get(id) ??
    (() => {
      throw notFound('file', id, 'file_id');
    })();
  const job = (id: string) =>
    store.jobs.get(id) ??
    (() => {
      throw notFound('fine_tuning_job', id, 'fine_tuning_job_id');
    })();

  app.post('/v1/files', async (c) => {
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody();
    } catch {
      throw new HttpError(400, 'expected a multipart/form-data body with "file" and "purpose"');
    }
    const upload = form.file;
    if (!(upload instanceof File)) throw bad('file is required', 'file');
    if (form.purpose !== 'fine-tune') {
      throw bad(`purpose must be "fine-tune", got ${JSON.stringify(form.purpose)}`, 'purpose');
    }
    if (upload.size === 0) throw bad('file: the file is empty', 'file');
    const name = upload.name || 'upload.jsonl';
    if (name.length > FINE_TUNING_LIMITS.filename) {
      throw bad(
        `file: the file name must be at most ${FINE_TUNING_LIMITS.filename} characters (the server's limit)`,
        'file',
      );
    }
    const full = store.noRoomFor(1, upload.size);
    if (full) throw bad(`file: ${full}; delete some first`, 'file', 'limit_exceeded');
    const content = new Uint8Array(await upload.arrayBuffer());
    return c.json(store.addFile(name, 'fine-tune', content));
  });
  app.get('/v1/files', (c) =>
    c.json({ object: 'list', data: [...store.files.values()], has_more: false }),
  );
  app.get('/v1/files/:id', (c) => c.json(file(c.req.param('id'))));
  app.get('/v1/files/:id/content', (c) => {
    const f = file(c.req.param('id'));
    return c.body(new Uint8Array(store.content(f.id)), 200, {
      'content-type': 'application/octet-stream',
    });
  });
  app.delete('/v1/files/:id', (c) => {
    const f = file(c.req.param('id'));
    store.deleteFile(f.id);
    return c.json({ id: f.id, object: 'file', deleted: true });
  });

  app.post('/v1/fine_tuning/jobs', async (c) => c.json(jobBody(runner.create(await jsonBody(c)))));
  app.get('/v1/fine_tuning/jobs', (c) => {
    const listed = page(c, store.listJobs());
    return c.json({ ...listed, data: listed.data.map(jobBody) });
  });
  app.get('/v1/fine_tuning/jobs/:id', (c) => c.json(jobBody(job(c.req.param('id')))));
  app.get('/v1/fine_tuning/jobs/:id/events', (c) =>
    c.json(page(c, [...job(c.req.param('id')).events].reverse())),
  );
  app.post('/v1/fine_tuning/jobs/:id/cancel', (c) =>
    c.json(jobBody(runner.cancel(job(c.req.param('id'))))),
  );
}
