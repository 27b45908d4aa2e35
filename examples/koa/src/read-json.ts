import type { Context } from 'koa';

/** Largest request body read (Basiq's user fields are small). */
const MAX_BODY_BYTES = 100 * 1024;

/** A request body the app refuses: answered as a 4xx by the app's error handling. */
export class BodyError extends Error {
  override name = 'BodyError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
  readonly expose = true;
}

/** Reads the request's JSON body (empty: `{}`), refusing non-JSON, malformed or oversized ones. */
export async function readJson(ctx: Context): Promise<unknown> {
  if (ctx.request.length === 0 || (!ctx.request.type && ctx.request.length === undefined)) return {};
  if (!ctx.is('json'))
    throw new BodyError(415, 'The request body must be JSON (Content-Type: application/json).');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError(400, 'The request body is not valid JSON.');
  }
}
