/**
 * What every server factory in this folder takes and answers. One factory per integration
 * (Express, Koa, Nest, Hono, Fastify, core's Fetch handler) builds the one test app on it, and
 * every suite that needs an app on that integration (conformance, fault matrix, hostile input,
 * load, secret scan) starts it from here, so a change to how an app mounts an adapter is one edit.
 *
 * The app: the adapter given `client` (a client, or options the adapter makes its own from),
 * mounted under `prefix` the framework's own way, with
 * - `POST {prefix}/client-token`: the adapter's client-token route, calling `resolveUserId` with
 *   the framework's request (the callers read only `.headers`);
 * - `GET {prefix}/users/:userId`: `<context>.http.get('/users/…')`, answering its `data`;
 * - `GET {prefix}/fetch/users/:userId`: `<context>.fetch('/users/…')`, answering Basiq's status
 *   and JSON body;
 * - the framework's error handling: `onError` with every error exactly as thrown, Basiq errors
 *   answered by the adapter's own handling, the rest by the app's (its own status, else 500).
 * The contract the conformance suite checks is written at the top of test/conformance/suite.ts.
 */
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';

/** How to build one app. */
export interface ServerOptions {
  /** The client the adapter uses (left open by `close()`), or options it makes its own client from (closed). */
  client: BasiqClient | BasiqOptions;
  /** The app's user resolution, given to the client-token route as is. */
  resolveUserId: (request: { headers: IncomingHttpHeaders }) => unknown;
  /** Where the adapter is mounted: `''`/absent for the whole app, or a path like `/api/basiq`. */
  prefix?: string;
  /** Called by the framework's error handling with each error that reached it. */
  onError?: (error: unknown) => void;
  /**
   * Parse JSON and form bodies before any route, as real apps do, refusing more than this many
   * bytes with 413 (the hostile-input suite, so hostile bodies meet a parser). Absent: no parser.
   */
  bodyLimit?: number;
}

/** An app a factory started. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:54321` (no trailing slash). */
  url: string;
  /** Stops the server, then closes the client if the adapter made it from options. */
  close(): Promise<void>;
}

/** One integration's app. */
export interface ServerFactory {
  start(options: ServerOptions): Promise<RunningServer>;
}

/**
 * Waits for `server` to listen on loopback, then describes it; `close()` stops it (open
 * connections cut) and then runs `closeClient`.
 */
export async function running(
  server: Server,
  closeClient: () => Promise<void> = async () => {},
): Promise<RunningServer> {
  if (!server.listening) {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await closeClient();
    },
  };
}

/** The HTTP status an error asks for, if it carries one (as http-errors and BasiqApiError do). */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

/** The answer the apps give an error that is not Basiq's. */
export const APP_ERROR = { error: { code: 'app_error', message: 'The app failed' } } as const;

/** The path of a user in Basiq's API. */
export function userPath(userId: string): string {
  return `/users/${encodeURIComponent(userId)}`;
}

/** A request body's JSON (`undefined` when empty); `malformed()` refuses a body that is not JSON. */
export function parseJsonBody(text: string, malformed: () => never): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return malformed();
  }
}
