// Binds the UI to a port (127.0.0.1 by default) with @hono/node-server, and closes it: stop
// accepting, end the live-refresh connections, close the read-only store.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createUiApp } from './ui-app.js';
import { UiStore } from './ui-store.js';

export interface StartUiOptions {
  /** Folder holding runs.db (it may not exist yet). */
  readonly runsDir: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. Default 8100. */
  readonly port?: number;
  readonly apiKey?: string;
  /** How long a read waits for another process's lock before a 503, in ms (default 2,000). */
  readonly busyTimeoutMs?: number;
  readonly onInternalError?: (error: unknown) => void;
}

export interface RunningUi {
  /** e.g. `http://127.0.0.1:8100/`. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The store file the UI reads. */
  readonly storePath: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Whether `host` only accepts connections from this machine. */
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || host.startsWith('127.');

/** Starts the UI; resolves once the port is bound. */
export async function startUi(options: StartUiOptions): Promise<RunningUi> {
  const host = options.host ?? '127.0.0.1';
  const store = new UiStore(options.runsDir, { busyTimeoutMs: options.busyTimeoutMs });
  const app = createUiApp({
    store,
    apiKey: options.apiKey,
    allowedHosts: isLoopback(host) ? [...LOOPBACK, host] : undefined,
    onInternalError: options.onInternalError,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 8100 }, () =>
      resolve(s),
    );
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const http = server as Server;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => {
        store.close();
        resolve();
      });
      http.closeAllConnections();
    });
    return closing;
  };
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${urlHost}:${port}/`, port, host, storePath: store.path, close };
}
