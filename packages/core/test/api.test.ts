import { inspect } from 'node:util';
import {
  SEED_ACCOUNT_IDS,
  SEED_JOB_ID,
  SEED_TRANSACTION_COUNT,
  SEED_USER_ID,
  startEmulator,
} from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BasiqClient } from '../src/client.js';
import { BasiqApiError, BasiqError } from '../src/errors.js';
import type { BasiqPaths } from '../src/index.js';
import { EXPIRED_BODY } from './support/http-fixtures.js';
import { startCaptureServer } from './support/http-servers.js';
import type { TestServer } from './support/http-servers.js';

type TransactionsPage =
  BasiqPaths['/users/{userId}/transactions']['get']['responses'][200]['content']['application/json'];

let emu: BasiqEmulator;
let other: TestServer;
let client: BasiqClient;
const replays: unknown[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  other = await startCaptureServer();
});

afterAll(async () => {
  await emu.stop();
  await other.close();
});

beforeEach(() => {
  emu.resetCounters();
  emu.clearFaults();
  other.received.length = 0;
  replays.length = 0;
  client = new BasiqClient({ apiKey: emu.apiKey, baseUrl: emu.url, logger: false });
  client.on('token:replay', (info) => replays.push(info));
});

afterEach(async () => {
  await client.close();
});

describe('client.api: typed calls through the fetch wrapper, against the emulator', () => {
  it('GET /users/{userId}: the seeded user, with the server token', async () => {
    const { data, error, response } = await client.api.GET('/users/{userId}', {
      params: { path: { userId: SEED_USER_ID } },
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data?.id).toBe(SEED_USER_ID);
    expect(emu.counters.serverTokens).toBe(1);
    expect(emu.counters.requests['GET /users/{userId}']).toBe(1);
  });

  it('POST /users: sends the JSON body and answers the created user', async () => {
    const { data, response } = await client.api.POST('/users', {
      body: { email: 'api@example.com', firstName: 'Api' },
    });
    expect(response.status).toBe(201);
    expect(data?.email).toBe('api@example.com');
    const again = await client.api.GET('/users/{userId}', { params: { path: { userId: data!.id } } });
    expect(again.data?.firstName).toBe('Api');
  });

  it("GET /users/{userId}/accounts: the seeded user's accounts", async () => {
    const { data } = await client.api.GET('/users/{userId}/accounts', {
      params: { path: { userId: SEED_USER_ID } },
    });
    expect(data?.type).toBe('list');
    expect(data?.data.map((account) => account.id)).toEqual([...SEED_ACCOUNT_IDS]);
  });

  it('GET /users/{userId}/accounts with a filter query', async () => {
    const accountId = SEED_ACCOUNT_IDS[1]!;
    const { data } = await client.api.GET('/users/{userId}/accounts', {
      params: { path: { userId: SEED_USER_ID }, query: { filter: `account.id.eq('${accountId}')` } },
    });
    expect(data?.data.map((account) => account.id)).toEqual([accountId]);
  });

  it('GET /users/{userId}/transactions: limit, then links.next (a Basiq URL) through client.fetch', async () => {
    const first = await client.api.GET('/users/{userId}/transactions', {
      params: { path: { userId: SEED_USER_ID }, query: { limit: 20 } },
    });
    expect(first.data?.count).toBe(20);
    const ids = first.data!.data.map((t) => t.id);
    let next = first.data?.links?.next;
    let pages = 1;
    while (next) {
      const res = await client.fetch(next);
      expect(res.status).toBe(200);
      const page = (await res.json()) as TransactionsPage;
      ids.push(...page.data.map((t) => t.id));
      next = page.links?.next;
      pages++;
    }
    expect(pages).toBe(Math.ceil(SEED_TRANSACTION_COUNT / 20));
    expect(new Set(ids).size).toBe(SEED_TRANSACTION_COUNT);
    const all = await client.api.GET('/users/{userId}/transactions', {
      params: { path: { userId: SEED_USER_ID } },
    });
    expect(all.data?.data.map((t) => t.id)).toEqual(ids);
    expect(emu.counters.serverTokens).toBe(1);
  });

  it('GET /jobs/{jobId}: the seeded job', async () => {
    const { data, response } = await client.api.GET('/jobs/{jobId}', {
      params: { path: { jobId: SEED_JOB_ID } },
    });
    expect(response.status).toBe(200);
    expect(data?.id).toBe(SEED_JOB_ID);
  });
});

describe("client.api: Basiq's errors and refused tokens", () => {
  it("answers Basiq's error as { error, response } (no throw); BasiqApiError from it on demand", async () => {
    const result = await client.api.GET('/users/{userId}', {
      params: { path: { userId: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(result.data).toBeUndefined();
    expect(result.response.status).toBe(404);
    const error = new BasiqApiError(result.response.status, result.error);
    expect(error.basiqCode).toBe('resource-not-found');
    expect(error.detail).toMatch(/user/i);
  });

  it('replays a GET once with a fresh token when Basiq says the token has expired', async () => {
    await client.api.GET('/users/{userId}', { params: { path: { userId: SEED_USER_ID } } });
    emu.revokeAll('expired');
    const { data, response } = await client.api.GET('/users/{userId}/accounts', {
      params: { path: { userId: SEED_USER_ID } },
    });
    expect(response.status).toBe(200);
    expect(data?.data).toHaveLength(SEED_ACCOUNT_IDS.length);
    expect(emu.counters.serverTokens).toBe(2);
    expect(emu.counters.requests['GET /users/{userId}/accounts']).toBe(2);
    expect(replays).toEqual([{ status: 403, basiqCode: 'access-denied' }]);
  });

  it('replays a POST with its body once on an invalid token (401), creating one user', async () => {
    await client.getServerToken();
    emu.revokeAll('invalid');
    const { data, response } = await client.api.POST('/users', { body: { email: 'replayed@example.com' } });
    expect(response.status).toBe(201);
    expect(data?.email).toBe('replayed@example.com');
    expect(emu.counters.requests['POST /users']).toBe(2);
    expect(replays).toEqual([{ status: 401, basiqCode: 'invalid-authorization-token' }]);
    expect(emu.counters.serverTokens).toBe(2);
  });

  it('replays only once: a second refusal is answered as the error', async () => {
    emu.injectFault({ path: '/users', status: 403, body: EXPIRED_BODY, times: 2 });
    const { error, response } = await client.api.GET('/users/{userId}', {
      params: { path: { userId: SEED_USER_ID } },
    });
    expect(response.status).toBe(403);
    expect(new BasiqApiError(403, error).basiqCode).toBe('access-denied');
    expect(emu.counters.requests['GET /users/{userId}']).toBe(2);
    expect(replays).toHaveLength(1);
  });

  it('rejects with the BasiqError of the token when none can be had, without the key', async () => {
    const wrongKey = `${emu.apiKey.slice(0, -4)}AAA=`;
    const wrong = new BasiqClient({
      apiKey: wrongKey,
      baseUrl: emu.url,
      logger: false,
      retry: { retries: 0 },
    });
    try {
      const error = await wrong.api
        .GET('/users/{userId}', { params: { path: { userId: SEED_USER_ID } } })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(BasiqError);
      const shown = `${String(error)} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })}`;
      expect(shown).not.toContain(wrongKey);
      expect(emu.counters.requests['GET /users/{userId}']).toBeUndefined();
    } finally {
      await wrong.close();
    }
  });
});

describe('client.api: where the token goes', () => {
  it('never sends the token to another origin (a per-call baseUrl elsewhere)', async () => {
    const { data } = await client.api.GET('/users/{userId}', {
      baseUrl: other.url,
      params: { path: { userId: SEED_USER_ID } },
    });
    expect(data).toEqual({ ok: true });
    expect(other.received).toHaveLength(1);
    expect(other.received[0]!.path).toBe(`/users/${SEED_USER_ID}`);
    expect(other.received[0]!.headers.authorization).toBeUndefined();
    expect(emu.counters.tokenCalls).toBe(0);
  });

  it("keeps an Authorization the caller set (a user's client token), sending no server token", async () => {
    const clientToken = await client.getClientToken(SEED_USER_ID);
    const { response } = await client.api.GET('/jobs/{jobId}', {
      params: { path: { jobId: SEED_JOB_ID } },
      headers: { Authorization: `Bearer ${clientToken.accessToken}` },
    });
    expect(response.status).toBe(200);
    expect(emu.counters.serverTokens).toBe(0);
  });

  it('shows no token in the answer it returns', async () => {
    const result = await client.api.GET('/users/{userId}', { params: { path: { userId: SEED_USER_ID } } });
    const token = await client.getServerToken();
    expect(inspect(result, { depth: 6 })).not.toContain(token);
  });

  it('times each attempt out at requestTimeoutMs', async () => {
    const quick = new BasiqClient({
      apiKey: emu.apiKey,
      baseUrl: emu.url,
      logger: false,
      requestTimeoutMs: 200,
    });
    try {
      await quick.getServerToken();
      emu.injectFault({ path: '/users', delayMs: 2_000 });
      // Without the timeout the slow answer would come, a 200, after 2 s.
      await expect(
        quick.api.GET('/users/{userId}', { params: { path: { userId: SEED_USER_ID } } }),
      ).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      emu.clearFaults();
      await quick.close();
    }
  });

  it("goes through the client's injected fetch, as every other request does", async () => {
    const seen: string[] = [];
    const injected = new BasiqClient({
      apiKey: emu.apiKey,
      baseUrl: emu.url,
      logger: false,
      fetch: (input, init) => {
        seen.push(input instanceof Request ? input.url : String(input));
        return fetch(input, init);
      },
    });
    try {
      const { response } = await injected.api.GET('/users/{userId}/accounts', {
        params: { path: { userId: SEED_USER_ID } },
      });
      expect(response.status).toBe(200);
      expect(seen).toEqual([`${emu.url}/token`, `${emu.url}/users/${SEED_USER_ID}/accounts`]);
    } finally {
      await injected.close();
    }
  });

  it("passes a caller's signal on (an abort ends the call), and none when the caller gave none", async () => {
    const signals: (AbortSignal | null | undefined)[] = [];
    const spied = new BasiqClient({
      apiKey: emu.apiKey,
      baseUrl: emu.url,
      logger: false,
      fetch: (input, init) => {
        signals.push(init?.signal);
        return fetch(input, init);
      },
    });
    try {
      await spied.getServerToken();
      signals.length = 0;
      await spied.api.GET('/users/{userId}', { params: { path: { userId: SEED_USER_ID } } });
      // No signal of its own: the wrapper's plain timer bounds the attempt, no AbortSignal.any.
      expect(signals).toEqual([undefined]);

      emu.injectFault({ path: '/users', delayMs: 2_000 });
      const controller = new AbortController();
      const call = spied.api.GET('/users/{userId}', {
        params: { path: { userId: SEED_USER_ID } },
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 100);
      await expect(call).rejects.toMatchObject({ name: 'AbortError' });
      expect(signals[1]).toBeInstanceOf(AbortSignal);
    } finally {
      emu.clearFaults();
      await spied.close();
    }
  });

  it('rejects with client_closed once the client is closed, sending nothing', async () => {
    const api = client.api;
    await client.close();
    await expect(
      api.GET('/users/{userId}', { params: { path: { userId: SEED_USER_ID } } }),
    ).rejects.toMatchObject({ code: 'client_closed' });
    expect(emu.counters.requests['GET /users/{userId}']).toBeUndefined();
  });

  it('is made once per client and is what context() carries', () => {
    expect(client.api).toBe(client.api);
    expect(client.context().api).toBe(client.api);
    const another = new BasiqClient({ apiKey: emu.apiKey, baseUrl: emu.url, logger: false });
    expect(another.api).not.toBe(client.api);
    void another.close();
  });
});
