import type { BasiqClient } from '@basiq-token/core';
import { basiqAnswerOf } from '@basiq-token/example-shared';
import { demoClient } from './demo.js';

/** A JSON answer that no cache keeps. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });
}

/**
 * Calls Basiq through the injected client and answers with Basiq's status and JSON body, errors
 * included; any other failure (no token to be had, timeout) is core's `errorResponse`.
 */
export async function relay(call: (client: BasiqClient) => Promise<{ status: number; data: unknown }>) {
  const client = demoClient();
  try {
    const answer = await call(client);
    return json(answer.status, answer.data);
  } catch (error) {
    const answer = basiqAnswerOf(error);
    if (answer) return json(answer.status, answer.body);
    const route = client.errorResponse(error);
    return json(route.status, route.body, route.headers);
  }
}

const MAX_BODY_BYTES = 100_000;

/**
 * The request's JSON body as the other examples read it (express.json()): `{}` when it is not
 * JSON or empty, a 400/413 answer when it is malformed or too large.
 */
export async function jsonBody(request: Request): Promise<{ body: unknown } | { refused: Response }> {
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(request.headers.get('content-type') ?? ''))
    return { body: {} };
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) {
    return {
      refused: json(413, { error: { code: 'invalid_body', message: 'The request body is too large.' } }),
    };
  }
  if (text.trim() === '') return { body: {} };
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return {
      refused: json(400, { error: { code: 'invalid_body', message: 'The request body must be JSON.' } }),
    };
  }
}
