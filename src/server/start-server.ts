// Binds the app to a port with @hono/node-server and shuts it down gracefully: stop accepting,
// let requests in flight finish (up to a grace period), then close the models.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createServerApp, type ServerAppOptions } from './server-app.js';

export interface StartOptions extends ServerAppOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. Default 8000. */
  readonly port?: number;
  /** How long shutdown waits for requests in flight before cutting connections. Default 10 s. */
  readonly graceMs?: number;
  /** Runs after the models are closed, e.g. to close models a resolver loaded. */
  readonly onClose?: () => Promise<void>;
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
  const app = createServerApp(options);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 8000 }, () =>
      resolve(s),
    );
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  // serve() makes a plain node:http server unless told to use http2 or https.
  const http = server as Server;
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
