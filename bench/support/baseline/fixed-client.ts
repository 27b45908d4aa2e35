import axios from 'axios';
import { createBasiqApi, errorResponse } from '@basiq-token/core';
import type { BasiqClient, BasiqRequestContext, FetchLike } from '@basiq-token/core';

/**
 * A stand-in for core's client with none of basiq-token's behaviour: one token fetched at start
 * and set by hand on a plain axios instance and a plain fetch (core's 30 s default timeout on
 * both). Handed to an example's own app factory, it gives "the same app with a fixed
 * `Authorization` header", so the bench compares the token layer and nothing else.
 */
export function fixedHeaderClient(baseUrl: string, token: string): BasiqClient {
  const authorization = `Bearer ${token}`;
  const http = axios.create({ baseURL: baseUrl, timeout: 30_000, headers: { authorization } });
  const fetchFixed: FetchLike = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', authorization);
    const url = typeof input === 'string' || input instanceof URL ? new URL(input, baseUrl) : input;
    return fetch(url, { ...init, headers, signal: AbortSignal.timeout(30_000) });
  };
  const notInBaseline = async (): Promise<never> => {
    throw new Error('the overhead baseline serves GET /users/:userId only');
  };
  // The examples call Basiq through `api`: the same typed client, over the fixed-header fetch.
  const api = createBasiqApi(fetchFixed, baseUrl);
  const context: BasiqRequestContext = Object.freeze({
    http,
    fetch: fetchFixed,
    api,
    getServerToken: async () => token,
    getClientToken: notInBaseline,
  });
  const stand = {
    baseUrl,
    http,
    fetch: fetchFixed,
    api,
    context: () => context,
    getServerToken: context.getServerToken,
    getClientToken: notInBaseline,
    handleClientTokenRequest: async (error: unknown) => errorResponse(error),
    errorResponse: (error: unknown) => errorResponse(error),
    close: async () => undefined,
    // Read by the examples' probes and bound by Nest's BasiqService; none is on the measured path.
    health: () => ({
      ready: true,
      closed: false,
      serverToken: { held: true, phase: 'fresh', refreshing: false },
      backoff: { open: false, remainingMs: 0 },
      store: { kind: 'memory', degraded: false },
    }),
    warmUp: async () => undefined,
    consentUrl: () => {
      throw new Error('the overhead baseline serves GET /users/:userId only');
    },
    // The Node adapters build `req.basiq.http` with core/axios's basiqAxios(client), which reads a
    // client's HTTP options under this registry symbol. The examples' measured route goes through
    // `api` (the fixed-header fetch above), so that axios instance is never on the measured path.
    [Symbol.for('@basiq-token/core:http-options')]: () => ({ baseUrl, timeoutMs: 30_000 }),
  };
  return stand as unknown as BasiqClient;
}
