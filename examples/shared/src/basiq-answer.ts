import { BasiqApiError } from '@basiq-token/core';

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
