// Named registrations and the Terminus indicator on each NestJS major: Nest 12 with Terminus 12
// from the root, Nest 11 with Terminus 11 (CommonJS) and our CommonJS build from
// test/fixtures/nest11. The app is decorated with plain calls (see nest-driver.ts), so a Nest 11
// app is Nest 11 through and through and nothing leans on decorator metadata.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import * as common from '@nestjs/common';
import * as core from '@nestjs/core';
import * as terminus from '@nestjs/terminus';
import { ExpressAdapter } from '@nestjs/platform-express';
import type * as NestCommon from '@nestjs/common';
import type * as NestTerminus from '@nestjs/terminus';
import type { BasiqClient } from '@basiq-token/core';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import * as basiq from '@basiq-token/nestjs';
import type * as BasiqNest from '@basiq-token/nestjs';
import * as basiqTerminus from '@basiq-token/nestjs/terminus';
import type * as BasiqNestTerminus from '@basiq-token/nestjs/terminus';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decorate } from './nest-driver.js';
import type { NestKit } from './nest-driver.js';
import { loadNest11Kit, prepareNest11, requireFromNest11 } from './nest-11.js';

interface Kit extends Omit<NestKit, 'configure'> {
  terminus: typeof NestTerminus;
  indicator: typeof BasiqNestTerminus;
}

const kits: Array<[string, () => Promise<Kit>]> = [
  [
    'nestjs12 + terminus 12',
    async () => ({
      common,
      core,
      basiq,
      terminus,
      indicator: basiqTerminus,
      createHttpAdapter: () => new ExpressAdapter(),
    }),
  ],
  [
    'nestjs11 + terminus 11',
    async () => {
      const kit = await loadNest11Kit();
      const version = requireFromNest11<{ version: string }>('@nestjs/terminus/package.json').version;
      if (!version.startsWith('11.'))
        throw new Error(`expected Terminus 11 in the fixture, found ${version}`);
      return {
        ...kit,
        terminus: requireFromNest11<typeof NestTerminus>('@nestjs/terminus'),
        indicator: requireFromNest11<typeof BasiqNestTerminus>('@basiq-token/nestjs/terminus'),
      };
    },
  ],
];

let production: BasiqEmulator;
let sandbox: BasiqEmulator;

beforeAll(async () => {
  await prepareNest11();
  [production, sandbox] = await Promise.all([
    startEmulator({ tokenLifetimeSec: 3600 }),
    startEmulator({ tokenLifetimeSec: 3600 }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([production?.stop(), sandbox?.stop()]);
});

/** The default registration on `production`, `sandbox` (forRootAsync) on the other emulator. */
function appModule(kit: Kit, sandboxKey: string): NestCommon.Type {
  const { Controller, Get, Inject, Module, Param } = kit.common;

  class AppController {
    constructor(
      private readonly main: BasiqNest.BasiqService,
      private readonly sandbox: BasiqNest.BasiqService,
      private readonly health: NestTerminus.HealthCheckService,
      private readonly indicator: BasiqNestTerminus.BasiqHealthIndicator,
    ) {}

    async user(registration: string, userId: string): Promise<unknown> {
      const service = registration === 'sandbox' ? this.sandbox : this.main;
      const { data, response } = await service.api.GET('/users/{userId}', {
        params: { path: { userId } },
      });
      return { status: response.status, id: data?.id };
    }

    readiness(): Promise<unknown> {
      return this.health.check([
        () => this.indicator.isHealthy('basiq'),
        () => this.indicator.isHealthy('sandbox', { name: 'sandbox' }),
      ]);
    }
  }
  decorate(
    AppController,
    [Controller()],
    [
      kit.basiq.InjectBasiq(),
      kit.basiq.InjectBasiq('sandbox'),
      Inject(kit.terminus.HealthCheckService),
      Inject(kit.indicator.BasiqHealthIndicator),
    ],
  );
  decorate(
    AppController,
    'user',
    [Get(':registration/users/:userId')],
    [Param('registration'), Param('userId')],
  );
  decorate(AppController, 'readiness', [Get('readyz')]);

  class AppModule {}
  decorate(AppModule, [
    Module({
      imports: [
        kit.terminus.TerminusModule,
        kit.basiq.BasiqModule.forRoot({ apiKey: production.apiKey, baseUrl: production.url, logger: false }),
        kit.basiq.BasiqModule.forRootAsync({
          name: 'sandbox',
          useFactory: async () => ({ apiKey: sandboxKey, baseUrl: sandbox.url, logger: false }),
        }),
      ],
      controllers: [AppController],
      providers: [kit.indicator.BasiqHealthIndicator],
    }),
  ]);
  return AppModule;
}

async function listen(kit: Kit, sandboxKey: string) {
  const app = await kit.core.NestFactory.create(appModule(kit, sandboxKey), kit.createHttpAdapter(), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

describe.each(kits)('named registrations and Terminus on %s', (_label, loadKit) => {
  it('keeps each registration to its own Basiq, and Terminus reports each', async () => {
    const kit = await loadKit();
    const { app, url } = await listen(kit, sandbox.apiKey);
    try {
      const cold = await fetch(`${url}/readyz`);
      expect(cold.status).toBe(503);

      const registrations = ['default', 'sandbox'] as const;
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => registrations[i % 2]!).map(async (registration) => {
          const res = await fetch(`${url}/${registration}/users/${SEED_USER_ID}`);
          return {
            registration,
            status: res.status,
            body: (await res.json()) as { status: number; id: string },
          };
        }),
      );
      for (const answer of answers) expect(answer.body).toEqual({ status: 200, id: SEED_USER_ID });

      const emulatorOf = { default: production, sandbox };
      const otherOf = { default: sandbox, sandbox: production };
      for (const registration of registrations) {
        const client = app.get<BasiqClient>(
          kit.basiq.getBasiqClientToken(registration === 'default' ? undefined : registration),
        );
        const token = await client.getServerToken();
        expect(emulatorOf[registration].issuedTokens()).toContain(token);
        expect(otherOf[registration].issuedTokens()).not.toContain(token);
        expect(decodeJwt(token).applicationid).toBe(emulatorOf[registration].applicationId);
      }

      const warm = await fetch(`${url}/readyz`);
      expect(warm.status).toBe(200);
      expect(await warm.json()).toMatchObject({
        status: 'ok',
        info: { basiq: { status: 'up', ready: true }, sandbox: { status: 'up', ready: true } },
      });
    } finally {
      await app.close();
    }
  });

  it('reports a registration with a wrong key down, and the other up', async () => {
    const kit = await loadKit();
    const wrongKey = `${sandbox.apiKey.slice(0, -4)}AAAA`;
    const { app, url } = await listen(kit, wrongKey);
    try {
      await app.get<BasiqNest.BasiqService>(kit.basiq.getBasiqToken()).warmUp();
      await expect(
        app.get<BasiqNest.BasiqService>(kit.basiq.getBasiqToken('sandbox')).warmUp(),
      ).rejects.toMatchObject({ code: 'basiq_configuration' });
      const answer = await fetch(`${url}/readyz`);
      const text = await answer.text();
      expect(answer.status).toBe(503);
      expect(JSON.parse(text)).toMatchObject({
        info: { basiq: { status: 'up' } },
        error: { sandbox: { status: 'down', serverToken: { lastFailure: { code: 'basiq_configuration' } } } },
      });
      expect(text).not.toContain(wrongKey);
    } finally {
      await app.close();
    }
  });

  it('refuses a name registered twice at bootstrap', async () => {
    const kit = await loadKit();
    class AppModule {}
    decorate(AppModule, [
      kit.common.Module({
        imports: [
          kit.basiq.BasiqModule.forRoot({ name: 'sandbox', apiKey: sandbox.apiKey, baseUrl: sandbox.url }),
          kit.basiq.BasiqModule.forRoot({
            name: 'sandbox',
            apiKey: production.apiKey,
            baseUrl: production.url,
          }),
        ],
      }),
    ]);
    await expect(
      kit.core.NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false }),
    ).rejects.toMatchObject({ code: 'invalid_options', option: 'name' });
  });
});
