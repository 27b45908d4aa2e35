import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test server received. */
export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface TestServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  received: Recorded[];
  close(): Promise<void>;
}

/** How a recording server answers; default: forward (proxy) or 200 `{"ok":true}` (capture). */
export type Responder = (req: Recorded, res: ServerResponse) => boolean;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/**
 * A server that is not Basiq: it records what it receives (headers included) and answers
 * 200 `{"ok":true}`, unless `respond` answers first. Used to prove the token never reaches it.
 */
export async function startCaptureServer(respond?: Responder): Promise<TestServer> {
  const received: Recorded[] = [];
  const server = createServer((req, res) => {
    void readAll(req).then((body) => {
      const rec = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      received.push(rec);
      if (respond?.(rec, res)) return;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, received, close: closer(server) };
}

/**
 * A recording pass-through in front of the emulator: the HTTP layer's base URL points here, so
 * a test can see each attempt's headers and body bytes while the emulator answers (and counts).
 * `respond` may answer a request itself instead of forwarding it (a redirect, for one).
 */
export async function startRecordingProxy(
  targetUrl: string,
): Promise<TestServer & { respondNext(responder: Responder): void }> {
  const received: Recorded[] = [];
  const target = new URL(targetUrl);
  const responders: Responder[] = [];
  const server = createServer((req, res) => {
    void readAll(req).then((body) => {
      const rec = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      received.push(rec);
      const responder = responders.shift();
      if (responder?.(rec, res)) return;
      const upstream = httpRequest(
        {
          hostname: target.hostname,
          port: target.port,
          method: rec.method,
          path: rec.path,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      upstream.end(body);
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: closer(server),
    respondNext: (responder) => responders.push(responder),
  };
}

/** A loopback URL where nothing listens (connection refused). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
