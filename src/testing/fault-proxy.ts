// An HTTP proxy that makes an upstream unreliable on purpose: it answers some requests with 429,
// 500, a long delay or a truncated body, at seeded random. For testing retries end to end.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { random as seededRandom } from '../self/seeds.js';

/** Probability of each fault per request; the rest pass through unchanged. */
export interface FaultRates {
  readonly rateLimited?: number;
  readonly serverError?: number;
  /** Holds the request for `slowMs` before forwarding it: past a client's timeout. */
  readonly slow?: number;
  /** Forwards, then sends only the first half of the upstream body and ends. */
  readonly truncated?: number;
}

export interface FaultProxyOptions {
  /** Origin of the upstream, e.g. `http://127.0.0.1:8000`. */
  readonly upstream: string;
  readonly rates: FaultRates;
  readonly seed?: number;
  readonly slowMs?: number;
  /** Sent with 429s; default `0` (seconds). */
  readonly retryAfter?: string;
}

export interface FaultProxy {
  /** Origin of the proxy; append `/v1` for a client. */
  readonly origin: string;
  /** How many of each fault were injected, and requests passed through. */
  readonly counts: Record<'rateLimited' | 'serverError' | 'slow' | 'truncated' | 'passed', number>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the proxy on a free port of 127.0.0.1. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed ?? 1);
  const counts = { rateLimited: 0, serverError: 0, slow: 0, truncated: 0, passed: 0 };
  const r = options.rates;
  const pick = (): keyof typeof counts => {
    let x = random();
    for (const kind of ['rateLimited', 'serverError', 'slow', 'truncated'] as const) {
      x -= r[kind] ?? 0;
      if (x < 0) return kind;
    }
    return 'passed';
  };
  const forward = async (req: IncomingMessage, body: Buffer) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    }
    return fetch(`${options.upstream}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const fault = pick();
    counts[fault]++;
    if (fault === 'rateLimited' || fault === 'serverError') {
      const status = fault === 'rateLimited' ? 429 : 500;
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(status === 429 ? { 'retry-after': options.retryAfter ?? '0' } : {}),
      });
      res.end(JSON.stringify({ error: { message: `injected ${status}`, type: 'fault' } }));
      return;
    }
    if (fault === 'slow')
      await new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 5000));
    const upstream = await forward(req, body);
    const text = Buffer.from(await upstream.arrayBuffer());
    const out = fault === 'truncated' ? text.subarray(0, Math.floor(text.length / 2)) : text;
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
      'content-length': String(out.length),
    });
    res.end(out);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
