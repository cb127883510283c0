// Binds the app to a port with @hono/node-server, bounds connections and slow requests, and shuts
// it down gracefully: stop accepting, let requests in flight finish (up to a grace period), then
// close the models. A port that cannot be bound is an InvalidInputError saying why.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { InvalidInputError } from '../spec/errors.js';
import { createServerApp, type ServerAppOptions } from './server-app.js';
import { HTTP_LIMITS } from './server-limits.js';

export interface StartOptions extends ServerAppOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. Default 8000. */
  readonly port?: number;
  /** How long shutdown waits for requests in flight before cutting connections. Default 10 s. */
  readonly graceMs?: number;
  /** Runs after the models are closed, e.g. to close models a resolver loaded. */
  readonly onClose?: () => Promise<void>;
  /** Time to receive a whole request, else 408 (default HTTP_LIMITS.requestTimeoutMs). */
  readonly requestTimeoutMs?: number;
  /** Open connections at once (default HTTP_LIMITS.connections). */
  readonly maxConnections?: number;
}

/** A listening server. */
export interface RunningServer {
  /** e.g. `http://127.0.0.1:8000/v1`, ready for an OpenAI client's baseURL. */
  readonly baseURL: string;
  readonly port: number;
  /** Stops accepting connections, waits for requests in flight, closes the models. */
  close(): Promise<void>;
}

/** Starts serving; resolves once the port is bound. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const wanted = options.port ?? 8000;
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65_535) {
    throw new InvalidInputError(
      `port must be an integer from 0 to 65535, got ${wanted}`,
      {},
      { hint: 'pass --port <n> in that range (0 picks a free port)' },
    );
  }
  const app = createServerApp(options);
  const requestTimeout = options.requestTimeoutMs ?? HTTP_LIMITS.requestTimeoutMs;
  const serverOptions = {
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, HTTP_LIMITS.headersTimeoutMs),
    // How often Node checks those timeouts (its default, 30 s, would let them run long).
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, requestTimeout / 4)),
  };
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: wanted, serverOptions }, () =>
      resolve(s),
    );
    s.once('error', (error) => reject(listenError(error, host, wanted)));
  });
  const { port } = server.address() as AddressInfo;
  // serve() makes a plain node:http server unless told to use http2 or https.
  const http = server as Server;
  http.maxConnections = options.maxConnections ?? HTTP_LIMITS.connections;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => {
        // Keep-alive connections become idle as their last response ends: close them as they do.
        const idle = setInterval(() => http.closeIdleConnections(), 25);
        const cut = setTimeout(() => http.closeAllConnections(), options.graceMs ?? 10_000);
        server.close(() => {
          clearInterval(idle);
          clearTimeout(cut);
          resolve();
        });
        http.closeIdleConnections();
      });
      for (const m of options.models) await m.model.close?.();
      await options.onClose?.();
    })();
    return closing;
  };
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { baseURL: `http://${urlHost}:${port}/v1`, port, close };
}

/** Why a port could not be bound, as a one-line error with what to do. */
function listenError(error: Error & { code?: string }, host: string, port: number): Error {
  const at = `${host}:${port}`;
  const reasons: Record<string, [string, string]> = {
    EADDRINUSE: [
      `cannot listen on ${at}: the port is already in use`,
      'stop the program using it, or pick another port with --port (0 picks a free one)',
    ],
    EACCES: [
      `cannot listen on ${at}: permission denied`,
      'ports below 1024 need privileges: pick a port from 1024 up with --port',
    ],
    EADDRNOTAVAIL: [
      `cannot listen on ${at}: ${host} is not an address of this machine`,
      'pass --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)',
    ],
    ENOTFOUND: [
      `cannot listen on ${at}: the host name ${host} is not known`,
      'pass --host with an address of this machine, e.g. 127.0.0.1',
    ],
  };
  const known = error.code ? reasons[error.code] : undefined;
  if (!known) return error;
  return new InvalidInputError(known[0], {}, { hint: known[1], cause: error });
}
