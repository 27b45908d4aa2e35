import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request bodies over this many bytes answer 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What a handler answers: JSON `body`, or an `html` page. */
export interface Reply {
  status: number;
  body?: unknown;
  html?: string;
  headers?: Record<string, string>;
}

export interface ReadBody {
  buffer: Buffer;
  tooLarge: boolean;
}

/** Reads the whole body; past `limit` bytes it keeps draining but stops buffering. */
export function readBody(req: IncomingMessage, limit: number): Promise<ReadBody | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve({ buffer: Buffer.concat(chunks), tooLarge }));
    req.on('error', () => resolve(undefined));
    req.on('close', () => resolve(undefined));
  });
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

export function html(status: number, page: string): Reply {
  return { status, html: page };
}

/** Writes a reply unless the response is already answered or gone (a fault may have got there first). */
export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed || res.writableEnded) return;
  const isHtml = reply.html !== undefined;
  const text = isHtml ? (reply.html ?? '') : JSON.stringify(reply.body);
  const headers = isHtml
    ? { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }
    : { 'content-type': 'application/json', ...reply.headers };
  res.writeHead(reply.status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return header.split(';')[0]?.trim().toLowerCase() || undefined;
}

export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}
