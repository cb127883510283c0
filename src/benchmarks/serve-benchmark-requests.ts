// The requests of `bench serve`: good chat completions (plain and streamed) that must succeed, and
// hostile ones (oversized, malformed, bad auth, unknown or escaping model names, huge sizes, a
// stalled body) that must each get a 4xx. Each send resolves to a status; it never throws.
import { connect } from 'node:net';

/** Where the benchmark server is and what it accepts. */
export interface Target {
  /** e.g. `http://127.0.0.1:8000/v1`. */
  readonly baseURL: string;
  readonly key: string;
  readonly maxBodyBytes: number;
  /** Models that exist; the first gets most of the load. */
  readonly models: readonly string[];
  /** A name under the checkpoints root that links to a checkpoint outside it. */
  readonly symlinked: string;
  /** An uploaded training file, so a job request gets as far as its hyperparameters. */
  readonly trainingFile: string;
}

/** A finished request: its status (0 for a network error) and, for a good one, what was wrong. */
export interface Outcome {
  readonly status: number;
  readonly problem?: string;
}

const user = (content: string) => [{ role: 'user', content }];

async function post(target: Target, path: string, body: string, auth?: string): Promise<Response> {
  return fetch(`${target.baseURL}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: auth ?? `Bearer ${target.key}`,
    },
    body,
  });
}

/** A good chat completion, streamed or not, checked for a well-formed answer. */
export async function goodRequest(target: Target, i: number, stream: boolean): Promise<Outcome> {
  // Nine in ten go to the first model; the rest to the others, so the LRU of loaded models churns.
  const model =
    i % 10 === 9 ? target.models[1 + (i % (target.models.length - 1))] : target.models[0];
  const body = JSON.stringify({
    model,
    messages: user(`question ${i % 100}: what is ${i % 7} + ${i % 5}?`),
    max_tokens: 12,
    seed: i,
    stream,
  });
  try {
    const r = await post(target, '/chat/completions', body);
    const text = await r.text();
    if (r.status !== 200) return { status: r.status, problem: text.slice(0, 200) };
    if (stream) {
      const ok =
        text.includes('"chat.completion.chunk"') && text.trimEnd().endsWith('data: [DONE]');
      return ok ? { status: 200 } : { status: 200, problem: `bad stream: ${text.slice(-200)}` };
    }
    const content = (JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] })
      .choices?.[0]?.message?.content;
    return typeof content === 'string'
      ? { status: 200 }
      : { status: 200, problem: `no content: ${text.slice(0, 200)}` };
  } catch (error) {
    return { status: 0, problem: (error as Error).message };
  }
}

type Hostile = (target: Target, i: number) => Promise<number>;

const chatStatus = async (target: Target, body: object | string, auth?: string) => {
  const r = await post(
    target,
    '/chat/completions',
    typeof body === 'string' ? body : JSON.stringify(body),
    auth,
  );
  await r.arrayBuffer();
  return r.status;
};

/** Every hostile kind, each answered with a 4xx by a sound server. */
export const HOSTILE: Readonly<Record<string, Hostile>> = {
  oversized_body: (t) =>
    chatStatus(t, { model: t.models[0], messages: user('x'.repeat(t.maxBodyBytes + 1024)) }),
  malformed_json: (t) => chatStatus(t, `{"model": "${t.models[0]}", "messages": [`),
  key_without_bearer: (t) => chatStatus(t, { model: t.models[0], messages: user('hi') }, t.key),
  wrong_key: (t) =>
    chatStatus(t, { model: t.models[0], messages: user('hi') }, `Bearer ${t.key.slice(1)}x`),
  random_model: (t, i) =>
    chatStatus(t, {
      model: `random-${i}-${Math.random().toString(36).slice(2)}`,
      messages: user('hi'),
    }),
  path_traversal: (t) => chatStatus(t, { model: '../../../../etc/passwd', messages: user('hi') }),
  symlinked_model: (t) => chatStatus(t, { model: t.symlinked, messages: user('hi') }),
  huge_n: (t) => chatStatus(t, { model: t.models[0], messages: user('hi'), n: 1e9 }),
  huge_max_tokens: (t) =>
    chatStatus(t, { model: t.models[0], messages: user('hi'), max_tokens: 1e9 }),
  too_many_messages: (t) =>
    chatStatus(t, {
      model: t.models[0],
      messages: Array.from({ length: 300 }, () => user('a')[0]),
    }),
  huge_steps: async (t) => {
    const body = {
      model: t.models[0],
      training_file: t.trainingFile,
      hyperparameters: { steps: 1e9 },
    };
    const r = await post(t, '/fine_tuning/jobs', JSON.stringify(body));
    await r.arrayBuffer();
    return r.status;
  },
  stalled_body: (t) => stalledBody(t),
};

/**
 * Slowloris-like: headers announcing 4 KiB of body, a few bytes of it, then nothing. The server
 * must answer 408 once its request timeout passes. Resolves to the status it sent (0 if none).
 */
function stalledBody(target: Target): Promise<number> {
  const url = new URL(target.baseURL);
  return new Promise((resolve) => {
    let seen = '';
    const socket = connect(Number(url.port), url.hostname);
    const done = (status: number) => {
      clearTimeout(guard);
      socket.destroy();
      resolve(status);
    };
    const guard = setTimeout(() => done(0), 120_000);
    socket.on('connect', () => {
      socket.write(
        `POST ${url.pathname}/chat/completions HTTP/1.1\r\nHost: ${url.host}\r\n` +
          `Authorization: Bearer ${target.key}\r\nContent-Type: application/json\r\n` +
          'Content-Length: 4096\r\n\r\n{"model": ',
      );
    });
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(seen);
      if (status) done(Number(status[1]));
    });
    socket.on('error', () => done(0));
    socket.on('close', () => done(0));
  });
}

/** Sends hostile request `kind`; a network error is status 0. */
export async function hostileRequest(target: Target, kind: string, i: number): Promise<number> {
  try {
    return await HOSTILE[kind](target, i);
  } catch {
    return 0;
  }
}
