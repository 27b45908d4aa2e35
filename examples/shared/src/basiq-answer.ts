import { BasiqApiError } from '@basiq-token/core';
import type { BasiqPaths } from '@basiq-token/core';

/** What Basiq answered, to relay as is: its status and its JSON body. */
export interface BasiqAnswer {
  status: number;
  body: unknown;
}

/**
 * Basiq's own answer inside a `BasiqApiError` (the error keeps the sanitised axios response),
 * or `undefined` for any other error (no token, timeout, …), which is the app's to handle.
 */
export function basiqAnswerOf(error: unknown): BasiqAnswer | undefined {
  if (!(error instanceof BasiqApiError)) return undefined;
  const data = (error as BasiqApiError & { response?: { data?: unknown } }).response?.data;
  return {
    status: error.status,
    body: data === undefined || data === '' ? rebuiltBody(error) : parsed(data),
  };
}

function parsed(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return { raw: data };
  }
}

// Basiq's error shape, from the fields the error parsed out of it.
function rebuiltBody(error: BasiqApiError): unknown {
  return {
    type: 'list',
    correlationId: error.correlationId,
    data: error.errors.map((e) => ({ type: 'error', ...e })),
  };
}

/** What a `client.api` call resolves with: Basiq's JSON as `data` (2xx) or `error` (4xx, 5xx). */
export interface ApiResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * Basiq's status and JSON body from a `client.api` call, to relay as is. `api` resolves with
 * Basiq's error answers too (`{ error, response }`), so both come back here; it rejects only
 * when no answer came (no token to be had, timeout), which stays the app's to handle.
 */
export async function apiAnswer(call: Promise<ApiResult>): Promise<{ status: number; data: unknown }> {
  const { data, error, response } = await call;
  return { status: response.status, data: response.ok ? data : error };
}

/** The JSON body of Basiq's `POST /users` (email or mobile, names), as core's generated types have it. */
export type NewBasiqUser = NonNullable<
  BasiqPaths['/users']['post']['requestBody']
>['content']['application/json'];
