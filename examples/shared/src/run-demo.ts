import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { exitOnDemoEnvError, loadDemoEnv } from './demo-env.js';
import type { DemoEnv } from './demo-env.js';

export interface RunDemoOptions {
  /** The framework's name, for the banner. */
  name: string;
  env: DemoEnv;
  /**
   * The client the launcher made for the app (see {@link loadDemoClient}): warmed up while the
   * server starts (see `warmUp`) and closed after everything else.
   */
  client?: BasiqClient;
  /**
   * Starts a Node server listening on `host:port`, the server runDemo waits for and, at shutdown,
   * closes (requests in flight get a few seconds). Or `listen`, for a framework that listens and
   * closes its own server.
   */
  serve?(port: number, host: string): Server;
  /** Starts listening on `host:port`; resolves with the Node server once it listens. */
  listen?(port: number, host: string): Promise<Server>;
  /** Stops what else the app holds (the framework's app, a client it made), after `serve`'s server. */
  close?(): Promise<void>;
  /** Extra lines printed after the URL. */
  banner?(url: string): string[];
  /**
   * Gets the server token while the server starts (default: `client.warmUp()`), so the first
   * request does not wait for `/token`. A failure is logged in one line, never fatal: `/readyz`
   * answers 503 until a token can be had.
   */
  warmUp?(): Promise<unknown>;
}

/**
 * The demo environment (without BASIQ_API_KEY it starts the emulator and says so; a bad one ends
 * the process with one line) and a client on it that logs to the console.
 */
export async function loadDemoClient(): Promise<{ env: DemoEnv; client: BasiqClient }> {
  const env = await loadDemoEnv().catch(exitOnDemoEnvError);
  return { env, client: createBasiqClient({ ...env.basiq, logger: console }) };
}

/** The banner line of an example that serves the browser demo. */
export function browserDemoBanner(url: string): string[] {
  return [`Browser demo: open ${url}/ and press "Connect your bank"`];
}

/**
 * The lifecycle the three demo apps share: listen on 127.0.0.1:PORT, print the URL, and on
 * SIGINT/SIGTERM close the app, the client and the environment, then exit 0.
 */
export async function runDemo(opts: RunDemoOptions): Promise<void> {
  let served: Server | undefined;
  async function close(): Promise<void> {
    if (served) await closeServer(served);
    await opts.close?.();
    await opts.client?.close();
  }
  async function listen(port: number, host: string): Promise<Server> {
    if (opts.serve) return (served = await listening(opts.serve(port, host)));
    if (!opts.listen) throw new Error('runDemo needs serve() or listen()');
    return opts.listen(port, host);
  }
  let stopping = false;
  async function shutdown(signal: NodeJS.Signals): Promise<void> {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await close();
    await opts.env.close();
    // Everything is closed; should a stray handle remain, do not hang on it.
    setTimeout(() => process.exit(0), 1_000).unref();
  }
  // Handlers are in place before the URL is printed: whoever reads it may signal at once.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      shutdown(signal).catch((error: unknown) => {
        console.error('Shutdown failed:', error instanceof Error ? error.message : error);
        process.exit(1);
      });
    });
  }

  // Not awaited: a slow or refused /token must not delay or stop start-up.
  const { client } = opts;
  const warmUp = opts.warmUp ?? (client ? () => client.warmUp() : undefined);
  void warmUp?.().catch((error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    // Shutting down while it ran is not a failure worth a line.
    if (code === 'client_closed') return;
    // Library errors' messages are secret-free by contract.
    console.warn(
      `Basiq warm-up failed${typeof code === 'string' ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}; /readyz answers 503 until a server token can be had`,
    );
  });

  let server: Server;
  try {
    server = await listen(opts.env.port, '127.0.0.1');
  } catch (error) {
    console.error(
      `Cannot listen on 127.0.0.1:${opts.env.port}: ${error instanceof Error ? error.message : error}`,
    );
    await close();
    await opts.env.close();
    process.exit(1);
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The emulator's Consent page sends the user back to the demo page, as Basiq's dashboard setting would.
  opts.env.emulator?.setConsentRedirectUrl(`${url}/`);
  console.log(`basiq-token ${opts.name} example listening on ${url}`);
  for (const line of opts.banner?.(url) ?? []) console.log(line);
}

/** Resolves once `server` listens, rejects if it cannot. */
export async function listening(server: Server): Promise<Server> {
  if (!server.listening) await once(server, 'listening');
  return server;
}

/** Closes `server`, giving requests still running a few seconds before their sockets are cut. */
export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), 5_000).unref();
  await closed;
  clearTimeout(cut);
}
