import { inspect } from 'node:util';
import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BasiqClient, BasiqConfigError, createBasiqClient } from '@basiq-token/core';
import { describe, expect, it } from 'vitest';
import { BASIQ_CLIENT, BASIQ_MODULE_OPTIONS, BasiqModule, BasiqService } from '@basiq-token/nestjs';
import type { BasiqModuleOptions } from '@basiq-token/nestjs';
import { CapturingLogger, FAST_RETRY, nestFixtures, SEEDED_USER_ID } from './support.js';

const { emulator, start, track } = nestFixtures();

function emulatorOptions(): BasiqModuleOptions {
  return { apiKey: emulator().apiKey, baseUrl: emulator().url, logger: false, retry: FAST_RETRY };
}

/** An app route using the injected service, to see the server token reach Basiq. */
@Controller('users')
class UsersController {
  constructor(@Inject(BasiqService) private readonly basiq: BasiqService) {}

  @Get(':id')
  async user(): Promise<unknown> {
    const viaHttp = await this.basiq.http.get(`/users/${SEEDED_USER_ID}`);
    const viaFetch = await this.basiq.fetch(`/users/${SEEDED_USER_ID}`);
    return { http: viaHttp.data, fetch: await viaFetch.json() };
  }
}

describe('BasiqModule', () => {
  it('needs no decorator metadata: every dependency names its token', () => {
    // vitest compiles without emitDecoratorMetadata; were the module relying on it, nothing would resolve.
    expect(Reflect.getMetadata('design:paramtypes', BasiqService)).toBeUndefined();
    const injected = Reflect.getMetadata('self:paramtypes', BasiqService) as Array<{ index: number }>;
    expect([...injected].sort((a, b) => a.index - b.index)).toEqual([
      { index: 0, param: BASIQ_CLIENT },
      { index: 1, param: BASIQ_MODULE_OPTIONS },
    ]);
    expect(typeof BASIQ_MODULE_OPTIONS).toBe('symbol');
  });

  it('forRoot: BasiqService sends the server token to Basiq through http and fetch', async () => {
    @Module({ imports: [BasiqModule.forRoot(emulatorOptions())], controllers: [UsersController] })
    class AppModule {}
    const { app, url } = await start(AppModule);

    const res = await fetch(`${url}/users/${SEEDED_USER_ID}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { http: { id: string }; fetch: { id: string } };
    expect(body.http.id).toBe(SEEDED_USER_ID);
    expect(body.fetch.id).toBe(SEEDED_USER_ID);
    expect(emulator().counters.tokenCalls).toBe(1);

    const service = app.get(BasiqService);
    const client = app.get<BasiqClient>(BASIQ_CLIENT);
    expect(client).toBeInstanceOf(BasiqClient);
    const token = await service.getClientToken(SEEDED_USER_ID);
    expect(token.userId).toBe(SEEDED_USER_ID);
    expect(service.consentUrl(token, { action: 'connect' })).toMatch(
      /^https:\/\/consent\.basiq\.io\/home\?token=.+&action=connect$/,
    );
    expect(await service.getServerToken()).toBe(await client.getServerToken());
    // The client's own health (expiresInMs moves with the clock; the expiry itself does not).
    expect(service.health().serverToken.expiresAt).toBe(client.health().serverToken.expiresAt);
    expect(service.health()).toMatchObject({ ready: true, serverToken: { held: true } });
    expect((await service.warmUp()).ready).toBe(true);
    expect(emulator().counters.tokenCalls).toBe(2);
  });

  it('forRootAsync: useClass and useExisting option factories', async () => {
    @Injectable()
    class BasiqConfig {
      createBasiqOptions(): BasiqModuleOptions {
        return emulatorOptions();
      }
    }
    @Module({ providers: [BasiqConfig], exports: [BasiqConfig] })
    class ConfigHolder {}

    for (const basiq of [
      BasiqModule.forRootAsync({ useClass: BasiqConfig }),
      BasiqModule.forRootAsync({ imports: [ConfigHolder], useExisting: BasiqConfig }),
    ]) {
      @Module({ imports: [basiq], controllers: [UsersController] })
      class AppModule {}
      const { url } = await start(AppModule);
      const res = await fetch(`${url}/users/${SEEDED_USER_ID}`);
      expect(res.status).toBe(200);
    }
  });

  it('isGlobal: BasiqService is injectable in modules that do not import BasiqModule', async () => {
    @Module({ controllers: [UsersController] })
    class FeatureModule {}
    @Module({ imports: [BasiqModule.forRoot({ ...emulatorOptions(), isGlobal: true }), FeatureModule] })
    class AppModule {}
    const { url } = await start(AppModule);
    expect((await fetch(`${url}/users/${SEEDED_USER_ID}`)).status).toBe(200);
  });

  it('without isGlobal, a module that does not import BasiqModule cannot inject it', async () => {
    @Module({ controllers: [UsersController] })
    class FeatureModule {}
    @Module({ imports: [BasiqModule.forRoot(emulatorOptions()), FeatureModule] })
    class AppModule {}
    await expect(NestFactory.create(AppModule, { logger: false, abortOnError: false })).rejects.toThrow(
      /BasiqService/,
    );
  });

  it('closes the client it created on application shutdown, but never one it was given', async () => {
    @Module({ imports: [BasiqModule.forRoot(emulatorOptions())] })
    class OwnModule {}
    const own = await NestFactory.createApplicationContext(OwnModule, { logger: false });
    const created = own.get<BasiqClient>(BASIQ_CLIENT);
    await created.getServerToken();
    await own.close();
    await expect(created.getServerToken()).rejects.toMatchObject({ code: 'client_closed' });

    const given = createBasiqClient(emulatorOptions() as Parameters<typeof createBasiqClient>[0]);
    try {
      @Module({ imports: [BasiqModule.forRoot({ client: given })] })
      class GivenModule {}
      const app = await NestFactory.createApplicationContext(GivenModule, { logger: false });
      expect(app.get(BASIQ_CLIENT)).toBe(given);
      await app.close();
      expect(typeof (await given.getServerToken())).toBe('string');
    } finally {
      await given.close();
    }
  });

  it("logs through Nest's Logger with the 'Basiq' context unless given a logger", async () => {
    const nestLogs = new CapturingLogger();
    @Module({
      imports: [
        BasiqModule.forRoot({ apiKey: emulator().apiKey, baseUrl: emulator().url, retry: { retries: 0 } }),
      ],
    })
    class DefaultLogging {}
    const app = await NestFactory.createApplicationContext(DefaultLogging, { logger: nestLogs });
    track(app);
    emulator().injectFault({ path: '/token', status: 503, times: 5 });
    const answer = await app.get<BasiqClient>(BASIQ_CLIENT).handleClientTokenRequest(SEEDED_USER_ID);
    expect(answer.status).toBe(503);
    const basiqLines = nestLogs.lines.filter((line) => line.context === 'Basiq');
    expect(basiqLines.some((line) => line.level === 'warn' && line.message.includes('503'))).toBe(true);

    const own = { warn: (m: string) => ownLines.push(m), error: (m: string) => ownLines.push(m) };
    const ownLines: string[] = [];
    const nestLogs2 = new CapturingLogger();
    @Module({
      imports: [
        BasiqModule.forRoot({
          apiKey: emulator().apiKey,
          baseUrl: emulator().url,
          retry: { retries: 0 },
          logger: own,
        }),
      ],
    })
    class OwnLogging {}
    const app2 = await NestFactory.createApplicationContext(OwnLogging, { logger: nestLogs2 });
    track(app2);
    expect((await app2.get<BasiqClient>(BASIQ_CLIENT).handleClientTokenRequest(SEEDED_USER_ID)).status).toBe(
      503,
    );
    expect(ownLines.some((line) => line.includes('503'))).toBe(true);
    expect(nestLogs2.lines.filter((line) => line.context === 'Basiq')).toEqual([]);
  });

  it('rejects bad core options at startup with a BasiqConfigError', async () => {
    @Module({
      imports: [BasiqModule.forRoot({ apiKey: 'Basic abc', baseUrl: emulator().url, logger: false })],
    })
    class AppModule {}
    const failure = await NestFactory.createApplicationContext(AppModule, {
      logger: false,
      abortOnError: false,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BasiqConfigError);
    expect((failure as BasiqConfigError).option).toBe('apiKey');
  });

  it('keeps secrets out of inspect and JSON of the service', async () => {
    @Module({ imports: [BasiqModule.forRoot(emulatorOptions())] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    track(app);
    const service = app.get(BasiqService);
    const serverToken = await service.getServerToken();
    const clientToken = (await service.getClientToken(SEEDED_USER_ID)).accessToken;
    for (const text of [inspect(service, { depth: 10, showHidden: true }), JSON.stringify(service)]) {
      for (const secret of [emulator().apiKey, serverToken, clientToken]) expect(text).not.toContain(secret);
    }
  });
});
