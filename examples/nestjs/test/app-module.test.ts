import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { decodeJwt } from 'jose';
import { SEED_USER_ID } from '@basiq-token/emulator';
import { loadDemoEnv } from '@basiq-token/example-shared';
import type { BasiqClient } from '@basiq-token/core';
import { BASIQ_CLIENT } from '@basiq-token/nestjs';
import { afterEach, describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { useEmulator } from '../../../test/support/emulator-client.js';

describe('nestjs example: AppModule in a Nest testing module', () => {
  const used = useEmulator();
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function appFromEnvironment(): Promise<INestApplication> {
    const lines: string[] = [];
    const env = await loadDemoEnv(
      { BASIQ_API_KEY: used.emulator.apiKey, BASIQ_API_URL: used.emulator.url, PORT: '0' },
      (line) => lines.push(line),
    );
    // A key was given: no embedded emulator, nothing to announce.
    expect(env.emulator).toBeUndefined();
    expect(lines).toEqual([]);
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot({ ...env.basiq, logger: false })],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  it('configures BasiqModule from ConfigService and serves the demo user a client token', async () => {
    const nest = await appFromEnvironment();
    const config = nest.get(ConfigService);
    expect(config.get('basiq.baseUrl')).toBe(used.emulator.url);
    expect(nest.get<BasiqClient>(BASIQ_CLIENT).baseUrl).toBe(used.emulator.url);

    const res = await request(nest.getHttpServer())
      .post('/basiq/client-token')
      .set('x-demo-user', SEED_USER_ID)
      .expect(200);
    expect(decodeJwt(res.body.access_token as string)).toMatchObject({
      scope: 'CLIENT_ACCESS',
      userId: SEED_USER_ID,
    });
    const user = await request(nest.getHttpServer()).get(`/users/${SEED_USER_ID}`).expect(200);
    expect(user.body.id).toBe(SEED_USER_ID);
  });

  it('closes the Basiq client it created when the app closes', async () => {
    const nest = await appFromEnvironment();
    const client = nest.get<BasiqClient>(BASIQ_CLIENT);
    await client.getServerToken();
    await nest.close();
    app = undefined;
    await expect(client.getServerToken()).rejects.toMatchObject({ code: 'client_closed' });
  });
});
