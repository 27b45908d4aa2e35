// A TypeScript ESM app (module: nodenext, strict, libraries type-checked) calling Basiq through the
// typed `client.api` of the published core: typed calls compile, a wrong path or parameter does not
// (each `@ts-expect-error` below must meet an error, or tsc fails), and the calls reach the emulator.
import assert from 'node:assert/strict';
import { BasiqApiError, createBasiqClient } from '@basiq-token/core';
import type { BasiqApi, BasiqPaths, BasiqRequestContext } from '@basiq-token/core';
import { startEmulator } from '@basiq-token/emulator';

const USER_ID = '8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Account =
  BasiqPaths['/users/{userId}/accounts']['get']['responses'][200]['content']['application/json']['data'][number];

// What adapters put on each request carries the same typed client.
const contextApiIsTyped: Equals<BasiqRequestContext['api'], BasiqApi> = true;

/** Never called: the lines tsc must refuse. */
export async function compileErrors(api: BasiqApi, userId: string): Promise<void> {
  // @ts-expect-error no such path
  await api.GET('/users/{userId}/acounts', { params: { path: { userId } } });
  // @ts-expect-error the path parameter is missing
  await api.GET('/users/{userId}/accounts', { params: { path: {} } });
  // @ts-expect-error limit is a number
  await api.GET('/users/{userId}/transactions', { params: { path: { userId }, query: { limit: 'ten' } } });
  // @ts-expect-error email is a string
  await api.POST('/users', { body: { email: 42 } });
}

const emulator = await startEmulator();
const client = createBasiqClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false });
try {
  const api = client.api;
  const userId = USER_ID;
  const { data, error } = await api.GET('/users/{userId}/accounts', { params: { path: { userId } } });
  assert.equal(error, undefined);
  const accounts: Account[] = data?.data ?? [];

  const created = await api.POST('/users', { body: { email: 'consumer@example.com' } });
  assert.equal(created.response.status, 201);

  const missing = await api.GET('/users/{userId}/accounts', {
    params: { path: { userId: '00000000-0000-4000-8000-000000000000' } },
  });
  const notFound = new BasiqApiError(missing.response.status, missing.error);

  console.log(
    'RESULT ' +
      JSON.stringify({
        kind: 'ts-api',
        contextApiIsTyped,
        accounts: accounts.length,
        createdEmail: created.data?.email,
        notFound: { status: notFound.status, code: notFound.basiqCode },
      }),
  );
} finally {
  await client.close();
  await emulator.stop();
}
