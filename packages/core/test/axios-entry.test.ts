import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BasiqConfigError, createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { attachToAxios, basiqAxios, basiqRequestContext } from '@basiq-token/core/axios';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';

let emulator: BasiqEmulator;
let client: BasiqClient;

beforeAll(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
  client = createBasiqClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false });
});

afterAll(async () => {
  await client.close();
  await emulator.stop();
});

describe('@basiq-token/core/axios', () => {
  it('basiqAxios(client) is one instance per client that sends the server token to Basiq', async () => {
    const other = createBasiqClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false });
    try {
      expect(basiqAxios(client)).toBe(basiqAxios(client));
      expect(basiqAxios(other)).not.toBe(basiqAxios(client));
      const { data } = await basiqAxios(client).get<{ id: string }>(`/users/${SEED_USER_ID}`);
      expect(data.id).toBe(SEED_USER_ID);
    } finally {
      await other.close();
    }
  });

  it('basiqRequestContext(client) is the client context plus http, one frozen object per client', () => {
    const context = basiqRequestContext(client);
    expect(basiqRequestContext(client)).toBe(context);
    expect(Object.isFrozen(context)).toBe(true);
    expect(context.http).toBe(basiqAxios(client));
    expect(context.fetch).toBe(client.fetch);
    expect(context.api).toBe(client.api);
    expect('http' in client.context()).toBe(false);
  });

  it('attachToAxios(instance, client) adds the token to an app’s own instance until ejected', async () => {
    const own = axios.create({ baseURL: emulator.url, validateStatus: () => true });
    const eject = attachToAxios(own, client);
    expect((await own.get(`/users/${SEED_USER_ID}`)).status).toBe(200);
    eject();
    expect((await own.get(`/users/${SEED_USER_ID}`)).status).toBe(403);
  });

  it('says what is wrong when handed something that is not a client', () => {
    const source = { getServerToken: async () => 'x', invalidateServerToken: async () => undefined };
    expect(() => attachToAxios(axios.create(), source as unknown as BasiqClient)).toThrow(BasiqConfigError);
    expect(() => basiqAxios({} as BasiqClient)).toThrow(/createBasiqClient/);
  });
});
