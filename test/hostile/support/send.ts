import { Agent, request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

/** One request as it goes on the wire. Header values are byte strings (one char per byte, latin1). */
export interface WireRequest {
  method: string;
  /** Path and query, e.g. `/basiq/client-token?userId=x`. */
  path: string;
  /** In order; a name may repeat, and an array value sends one header line per element. */
  headers: Array<[string, string | string[]]>;
  body?: Buffer;
}

/** What came back: an answer, or the connection failing (`code` as Node names it). */
export type Outcome =
  | { kind: 'reply'; status: number; headers: IncomingHttpHeaders; text: string }
  | { kind: 'error'; code: string };

/**
 * Sends well-formed HTTP/1.1 requests over a pool of keep-alive connections, so thousands of
 * them cost no handshake each. Node's client refuses control characters in headers; those go
 * through {@link sendRaw}.
 */
export class KeepAliveSender {
  readonly #agent: Agent;
  readonly #origin: URL;

  constructor(baseUrl: string, maxSockets: number) {
    this.#origin = new URL(baseUrl);
    this.#agent = new Agent({ keepAlive: true, maxSockets });
  }

  /**
   * Sends `wire` and reads the whole answer. A request that failed with ECONNRESET is sent again,
   * a few times at most: on a reused connection, as Node's documentation advises (the server closed
   * that idle connection without saying so, as Fastify does after refusing a malformed request, so
   * the request never reached it); on a fresh one too, because @hono/node-server resets a few fresh
   * connections per 10,000 requests here without an error on its side. A reset carries no answer, so
   * it can hide no leak; a target that resets every try still fails the suite.
   */
  async send(wire: WireRequest, timeoutMs: number): Promise<Outcome> {
    for (let tries = 1; ; tries++) {
      const outcome = await this.#attempt(wire, timeoutMs);
      if (outcome.kind === 'reply' || outcome.code !== 'ECONNRESET' || tries === 4) return outcome;
    }
  }

  #attempt(wire: WireRequest, timeoutMs: number): Promise<Outcome> {
    return new Promise((resolve) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of wire.headers) {
        const previous = headers[name];
        headers[name] = previous === undefined ? value : [previous, value].flat();
      }
      if (wire.body) headers['content-length'] = String(wire.body.length);
      let req;
      try {
        req = request({
          agent: this.#agent,
          host: this.#origin.hostname,
          port: this.#origin.port,
          method: wire.method,
          path: wire.path,
          headers,
          timeout: timeoutMs,
        });
      } catch (error) {
        resolve({ kind: 'error', code: `client refused: ${(error as { code?: string }).code ?? 'unknown'}` });
        return;
      }
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ kind: 'error', code: error.code ?? error.message }),
      );
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ kind: 'error', code: error.code ?? 'EPIPE' }),
        );
        res.on('end', () =>
          resolve({
            kind: 'reply',
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.end(wire.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/**
 * Writes a request byte for byte on a fresh connection (`Connection: close`), for what no HTTP
 * client would send: control characters, bare CR or LF, NUL in header values.
 */
export function sendRaw(baseUrl: string, wire: WireRequest, timeoutMs: number): Promise<Outcome> {
  const origin = new URL(baseUrl);
  const lines = [`${wire.method} ${wire.path} HTTP/1.1`, `host: ${origin.host}`, 'connection: close'];
  for (const [name, value] of wire.headers) {
    for (const one of [value].flat()) lines.push(`${name}: ${one}`);
  }
  if (wire.body) lines.push(`content-length: ${wire.body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return new Promise((resolve) => {
    const socket = connect(Number(origin.port), origin.hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => settle({ kind: 'error', code: 'TIMEOUT' }));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A server may answer and reset at once: keep the answer when one fully arrived.
      const parsed = chunks.length ? parseResponse(Buffer.concat(chunks)) : undefined;
      settle(parsed ?? { kind: 'error', code: error.code ?? error.message });
    });
    socket.on('end', () => settle(parseResponse(Buffer.concat(chunks)) ?? { kind: 'error', code: 'EMPTY' }));
    socket.write(wire.body ? Buffer.concat([head, wire.body]) : head);
  });
}

/** Parses one complete HTTP/1.1 response (Content-Length, chunked or read-to-close body). */
export function parseResponse(bytes: Buffer): Outcome | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...headerLines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) return undefined;
  const headers: IncomingHttpHeaders = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = bytes.subarray(end + 4);
  if (/chunked/i.test(String(headers['transfer-encoding'] ?? ''))) body = unchunk(body);
  else if (headers['content-length'] !== undefined)
    body = body.subarray(0, Number(headers['content-length']));
  return { kind: 'reply', status: Number(match[1]), headers, text: body.toString('utf8') };
}

function unchunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
