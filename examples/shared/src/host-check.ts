import type { IncomingMessage, ServerResponse } from 'node:http';

/*
 * DNS rebinding: the demo listens on 127.0.0.1 only, but any page the developer visits can make
 * its own host name resolve to 127.0.0.1 and then call the demo from the browser, same-origin as
 * far as the browser knows, with a server token (possibly a real key's) behind every route. Such
 * requests still carry the page's name in `Host`, so the demo answers only its own address.
 */

/** The names the demo answers to (with the listening port): loopback as typed in a browser or curl. */
const LOCAL_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** The answer to a request addressed to another host: status, headers and JSON body. */
export interface MisdirectedAnswer {
  status: 421;
  headers: Record<string, string>;
  body: { error: { code: 'misdirected_request'; message: string } };
}

/**
 * `undefined` when the request's `Host` is this server's own loopback address (`127.0.0.1`,
 * `localhost` or `[::1]` with the port the request came in on), else the 421 to answer with.
 * The foreign name is not echoed back.
 */
export function misdirectedAnswer(
  req: Pick<IncomingMessage, 'headers' | 'socket'>,
): MisdirectedAnswer | undefined {
  const port = req.socket.localPort;
  const host = req.headers.host?.toLowerCase();
  if (host !== undefined && port !== undefined) {
    for (const name of LOCAL_NAMES) {
      // A browser leaves the default port out of Host.
      if (host === `${name}:${port}` || (port === 80 && host === name)) return undefined;
    }
  }
  const where = port === undefined ? 'its loopback address' : `127.0.0.1:${port} or localhost:${port}`;
  return {
    status: 421,
    headers: { 'cache-control': 'no-store' },
    body: {
      error: {
        code: 'misdirected_request',
        message: `This demo answers only requests addressed to ${where} (the Host header names another host).`,
      },
    },
  };
}

/** {@link misdirectedAnswer} as Connect/Express middleware (Express, and Nest on Express). */
export function localHostOnly(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const refused = misdirectedAnswer(req);
  if (!refused) {
    next();
    return;
  }
  const body = JSON.stringify(refused.body);
  res.writeHead(refused.status, {
    ...refused.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** What {@link localHostOnlyKoa} uses of a Koa context (so this package needs no Koa). */
export interface KoaLikeContext {
  req: IncomingMessage;
  status: number;
  body: unknown;
  set(fields: Record<string, string>): void;
}

/** {@link misdirectedAnswer} as Koa middleware. */
export async function localHostOnlyKoa(ctx: KoaLikeContext, next: () => Promise<unknown>): Promise<void> {
  const refused = misdirectedAnswer(ctx.req);
  if (!refused) {
    await next();
    return;
  }
  ctx.status = refused.status;
  ctx.set(refused.headers);
  ctx.body = refused.body;
}
