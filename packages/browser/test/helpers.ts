/** The app's side for the browser package's tests: core's client-token route in front of the emulator. */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import type { BasiqEmulator } from '@basiq-token/emulator';

/** A scripted answer, instead of core's. */
export interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface TokenRoute {
  url: string;
  client: BasiqClient;
  /** Every request the route received. */
  requests: { method: string; headers: IncomingHttpHeaders }[];
  /** Answers the next requests with these, in order, before core answers again. */
  script(...answers: Scripted[]): void;
  close(): Promise<void>;
}

/**
 * `POST|GET /basiq/client-token` answered by core's route for the user named in `x-user` (none:
 * 401), as the examples' route does.
 */
export async function startTokenRoute(emulator: BasiqEmulator): Promise<TokenRoute> {
  const client = createBasiqClient({
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    logger: false,
    retry: { retries: 0 },
  });
  const requests: TokenRoute['requests'] = [];
  const scripted: Scripted[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', headers: req.headers });
    const next = scripted.shift();
    if (next) {
      setTimeout(() => {
        res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
        res.end(next.rawBody ?? (next.body === undefined ? '' : JSON.stringify(next.body)));
      }, next.delayMs ?? 0);
      return;
    }
    const user = req.headers['x-user'];
    client.handleClientTokenRequest(typeof user === 'string' ? user : undefined).then(
      (answer) => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body));
      },
      () => {
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/basiq/client-token`,
    client,
    requests,
    script: (...answers) => void scripted.push(...answers),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await client.close();
    },
  };
}
