import { Controller, Get, Inject, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BasiqClient, BasiqConfigError } from '@basiq-token/core';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BASIQ_CLIENT,
  BasiqModule,
  BasiqService,
  getBasiqClientToken,
  getBasiqToken,
  InjectBasiq,
  InjectBasiqClient,
} from '@basiq-token/nestjs';
import { nestFixtures, recordingProxy, SEEDED_USER_ID } from './support.js';

const { start } = nestFixtures();

// Two emulators, each its own Basiq: the default registration and `brand` are two applications of
// the first (two keys), `sandbox` the second. A proxy in front of each writes down what reached it.
let first: BasiqEmulator;
let second: BasiqEmulator;
let brand: { apiKey: string; applicationId: string };
let firstProxy: Awaited<ReturnType<typeof recordingProxy>>;
let secondProxy: Awaited<ReturnType<typeof recordingProxy>>;

beforeAll(async () => {
  [first, second] = await Promise.all([
    startEmulator({ tokenLifetimeSec: 3600 }),
    startEmulator({ tokenLifetimeSec: 3600 }),
  ]);
  brand = first.addApiKey();
  [firstProxy, secondProxy] = await Promise.all([recordingProxy(first.url), recordingProxy(second.url)]);
});
afterAll(async () => {
  await Promise.all([firstProxy?.close(), secondProxy?.close()]);
  await Promise.all([first?.stop(), second?.stop()]);
});
afterEach(() => {
  firstProxy.seen.length = 0;
  secondProxy.seen.length = 0;
});

const REGISTRATIONS = ['default', 'sandbox', 'brand'] as const;
type RegistrationName = (typeof REGISTRATIONS)[number];

/** An app route per registration, each through the service injected for it. */
@Controller()
class ThroughEach {
  readonly #services: Record<RegistrationName, BasiqService>;
  constructor(
    @InjectBasiq() main: BasiqService,
    @InjectBasiq('sandbox') sandbox: BasiqService,
    @InjectBasiq('brand') brandService: BasiqService,
  ) {
    this.#services = { default: main, sandbox, brand: brandService };
  }

  @Get(':registration/users/:userId')
  async user(
    @Param('registration') registration: RegistrationName,
    @Param('userId') userId: string,
  ): Promise<unknown> {
    const { data, response } = await this.#services[registration].api.GET('/users/{userId}', {
      params: { path: { userId } },
    });
    return { status: response.status, id: data?.id };
  }
}

const resolveUserId = (request: { headers: Record<string, string | undefined> }) => request.headers['x-user'];

function threeRegistrations() {
  return [
    BasiqModule.forRoot({
      apiKey: first.apiKey,
      baseUrl: firstProxy.url,
      logger: false,
      clientTokenRoute: { resolveUserId },
    }),
    BasiqModule.forRoot({
      name: 'sandbox',
      apiKey: second.apiKey,
      baseUrl: secondProxy.url,
      logger: false,
      clientTokenRoute: { path: '/basiq/sandbox/client-token', resolveUserId },
    }),
    BasiqModule.forRootAsync({
      name: 'brand',
      useFactory: async () => ({ apiKey: brand.apiKey, baseUrl: firstProxy.url, logger: false }),
      clientTokenRoute: { path: '/basiq/brand/client-token', resolveUserId },
    }),
  ];
}

describe('BasiqModule: named registrations', () => {
  it('serves each registration only from its own Basiq application, under concurrency', async () => {
    @Module({ imports: threeRegistrations(), controllers: [ThroughEach] })
    class AppModule {}
    const { app, url } = await start(AppModule);

    // Users of each application, so client tokens are many, not one cached per registration.
    const users: Record<RegistrationName, string[]> = {
      default: [SEEDED_USER_ID],
      sandbox: [SEEDED_USER_ID],
      brand: [SEEDED_USER_ID],
    };
    for (let i = 0; i < 5; i += 1) {
      users.default.push(first.createUser({ email: `default-${i}@example.com` }).id);
      users.brand.push(first.createUser({ email: `brand-${i}@example.com` }).id);
      users.sandbox.push(second.createUser({ email: `sandbox-${i}@example.com` }).id);
    }
    const routes: Record<RegistrationName, string> = {
      default: '/basiq/client-token',
      sandbox: '/basiq/sandbox/client-token',
      brand: '/basiq/brand/client-token',
    };
    const PER_REGISTRATION = 40;
    const calls = REGISTRATIONS.flatMap((registration) =>
      Array.from({ length: PER_REGISTRATION }, (_, i) => ({ registration, i })),
    ).sort(() => Math.random() - 0.5);

    const answers = await Promise.all(
      calls.map(async ({ registration, i }) => {
        const userId = users[registration][i % users[registration].length]!;
        const [data, token] = await Promise.all([
          fetch(`${url}/${registration}/users/${SEEDED_USER_ID}`),
          fetch(`${url}${routes[registration]}`, { method: 'POST', headers: { 'x-user': userId } }),
        ]);
        return {
          registration,
          userId,
          data: (await data.json()) as { status: number; id: string },
          tokenStatus: token.status,
          accessToken: ((await token.json()) as { access_token: string }).access_token,
        };
      }),
    );

    const emulatorOf = { default: first, brand: first, sandbox: second };
    const otherEmulatorOf = { default: second, brand: second, sandbox: first };
    const applicationOf = {
      default: first.applicationId,
      brand: brand.applicationId,
      sandbox: second.applicationId,
    };
    for (const answer of answers) {
      expect(answer.data).toEqual({ status: 200, id: SEEDED_USER_ID });
      expect(answer.tokenStatus).toBe(200);
      expect(emulatorOf[answer.registration].issuedTokens()).toContain(answer.accessToken);
      expect(otherEmulatorOf[answer.registration].issuedTokens()).not.toContain(answer.accessToken);
      expect(decodeJwt(answer.accessToken)).toMatchObject({
        applicationid: applicationOf[answer.registration],
        scope: 'CLIENT_ACCESS',
        userId: answer.userId,
      });
    }

    // What each emulator was sent: /token only with its own keys, data calls only with its own
    // server tokens, as many per application as requests went through that registration.
    const bearers = (seen: typeof firstProxy.seen) =>
      seen
        .filter((request) => request.path.startsWith('/users/'))
        .map((request) => request.authorization?.replace(/^Bearer /, '') ?? '');
    const keysAt = (seen: typeof firstProxy.seen) =>
      new Set(seen.filter((request) => request.path === '/token').map((request) => request.authorization));
    expect(keysAt(firstProxy.seen)).toEqual(new Set([`Basic ${first.apiKey}`, `Basic ${brand.apiKey}`]));
    expect(keysAt(secondProxy.seen)).toEqual(new Set([`Basic ${second.apiKey}`]));
    const atFirst = bearers(firstProxy.seen);
    const atSecond = bearers(secondProxy.seen);
    expect(atFirst).toHaveLength(2 * PER_REGISTRATION);
    expect(atSecond).toHaveLength(PER_REGISTRATION);
    for (const token of atFirst) {
      expect(first.issuedTokens()).toContain(token);
      expect(decodeJwt(token).scope).toBe('SERVER_ACCESS');
    }
    for (const token of atSecond) {
      expect(second.issuedTokens()).toContain(token);
      expect(decodeJwt(token)).toMatchObject({
        scope: 'SERVER_ACCESS',
        applicationid: second.applicationId,
      });
    }
    const byApplication = atFirst.map((token) => decodeJwt(token).applicationid);
    expect(byApplication.filter((id) => id === first.applicationId)).toHaveLength(PER_REGISTRATION);
    expect(byApplication.filter((id) => id === brand.applicationId)).toHaveLength(PER_REGISTRATION);

    // Each registration holds its own server token: one /token call each for it.
    for (const registration of REGISTRATIONS) {
      const service = app.get<BasiqService>(
        getBasiqToken(registration === 'default' ? undefined : registration),
      );
      const serverToken = await service.getServerToken();
      expect(emulatorOf[registration].issuedTokens()).toContain(serverToken);
      expect(decodeJwt(serverToken)).toMatchObject({
        scope: 'SERVER_ACCESS',
        applicationid: applicationOf[registration],
      });
    }
    const serverCalls = (seen: typeof firstProxy.seen, key: string) =>
      seen.filter((request) => request.path === '/token' && request.authorization === `Basic ${key}`).length;
    // One SERVER_ACCESS call plus one CLIENT_ACCESS call per user, for each key.
    expect(serverCalls(firstProxy.seen, first.apiKey)).toBe(1 + users.default.length);
    expect(serverCalls(firstProxy.seen, brand.apiKey)).toBe(1 + users.brand.length);
    expect(serverCalls(secondProxy.seen, second.apiKey)).toBe(1 + users.sandbox.length);
  });

  it('gives each registration its own client, default one as before, and closes all on shutdown', async () => {
    @Controller()
    class Holder {
      constructor(
        @Inject(BasiqService) readonly byClass: BasiqService,
        @InjectBasiq() readonly main: BasiqService,
        @InjectBasiqClient('sandbox') readonly sandboxClient: BasiqClient,
        @Inject(BASIQ_CLIENT) readonly mainClient: BasiqClient,
      ) {}
    }
    @Module({ imports: threeRegistrations(), controllers: [Holder] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const holder = app.get(Holder);
    expect(holder.byClass).toBe(holder.main);
    expect(holder.main).toBe(app.get(getBasiqToken()));
    expect(getBasiqClientToken()).toBe(BASIQ_CLIENT);
    const clients = REGISTRATIONS.map((registration) =>
      app.get<BasiqClient>(getBasiqClientToken(registration === 'default' ? undefined : registration)),
    );
    expect(new Set(clients).size).toBe(3);
    for (const client of clients) expect(client).toBeInstanceOf(BasiqClient);
    expect(clients[0]).toBe(holder.mainClient);
    expect(clients[1]).toBe(holder.sandboxClient);
    expect(app.get(getBasiqToken('sandbox'))).toBeInstanceOf(BasiqService);
    expect(app.get(getBasiqToken('sandbox'))).not.toBe(holder.main);

    await Promise.all(clients.map((client) => client.getServerToken()));
    await app.close();
    for (const client of clients) {
      await expect(client.getServerToken()).rejects.toMatchObject({ code: 'client_closed' });
    }
  });

  it('a named registration made global is injectable where it was not imported', async () => {
    @Controller()
    class Feature {
      constructor(@InjectBasiq('sandbox') readonly sandbox: BasiqService) {}
    }
    @Module({ controllers: [Feature] })
    class FeatureModule {}
    @Module({
      imports: [
        BasiqModule.forRoot({
          name: 'sandbox',
          isGlobal: true,
          apiKey: second.apiKey,
          baseUrl: second.url,
          logger: false,
        }),
        FeatureModule,
      ],
    })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    try {
      const token = await app.get(Feature).sandbox.getServerToken();
      expect(second.issuedTokens()).toContain(token);
    } finally {
      await app.close();
    }
  });

  it('one registration imported by two modules is one registration, not a duplicate', async () => {
    const sandbox = BasiqModule.forRoot({
      name: 'sandbox',
      apiKey: second.apiKey,
      baseUrl: second.url,
      logger: false,
    });
    @Controller()
    class A {
      constructor(@InjectBasiq('sandbox') readonly basiq: BasiqService) {}
    }
    @Controller()
    class B {
      constructor(@InjectBasiq('sandbox') readonly basiq: BasiqService) {}
    }
    @Module({ imports: [sandbox], controllers: [A] })
    class ModuleA {}
    @Module({ imports: [sandbox], controllers: [B] })
    class ModuleB {}
    @Module({ imports: [ModuleA, ModuleB] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    try {
      expect(app.get(A).basiq).toBe(app.get(B).basiq);
    } finally {
      await app.close();
    }
  });

  it('refuses a name registered twice at bootstrap', async () => {
    @Module({
      imports: [
        BasiqModule.forRoot({ name: 'sandbox', apiKey: second.apiKey, baseUrl: second.url, logger: false }),
        BasiqModule.forRootAsync({
          name: 'sandbox',
          useFactory: () => ({ apiKey: first.apiKey, baseUrl: first.url, logger: false }),
        }),
      ],
    })
    class AppModule {}
    const failure = await NestFactory.createApplicationContext(AppModule, {
      logger: false,
      abortOnError: false,
    }).then(
      (app) => app.close().then(() => undefined),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BasiqConfigError);
    expect(failure).toMatchObject({ option: 'name' });
    expect((failure as Error).message).toContain('registered twice with name "sandbox"');
  });

  it('refuses @InjectBasiq of a name no registration has, at bootstrap, naming it', async () => {
    @Controller()
    class Wrong {
      constructor(@InjectBasiq('unknown') readonly basiq: BasiqService) {}
    }
    @Module({
      imports: [
        BasiqModule.forRoot({ apiKey: first.apiKey, baseUrl: first.url, logger: false }),
        BasiqModule.forRoot({ name: 'sandbox', apiKey: second.apiKey, baseUrl: second.url, logger: false }),
      ],
      controllers: [Wrong],
    })
    class AppModule {}
    await expect(
      NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false }),
    ).rejects.toThrow(/BasiqService\("unknown"\)/);
  });

  it('refuses two registrations mounting the client-token route on one path', async () => {
    @Module({
      imports: [
        BasiqModule.forRoot({
          apiKey: first.apiKey,
          baseUrl: first.url,
          logger: false,
          clientTokenRoute: { resolveUserId },
        }),
        BasiqModule.forRoot({
          name: 'sandbox',
          apiKey: second.apiKey,
          baseUrl: second.url,
          logger: false,
          clientTokenRoute: { path: 'basiq/client-token/', resolveUserId },
        }),
      ],
    })
    class AppModule {}
    const failure = await NestFactory.create(AppModule, { logger: false, abortOnError: false }).then(
      (app) => app.close().then(() => undefined),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BasiqConfigError);
    expect(failure).toMatchObject({ option: 'clientTokenRoute.path' });
    expect((failure as Error).message).toMatch(
      /POST \/basiq\/client-token .*default.*"sandbox"|"sandbox".*default/,
    );
  });

  it('refuses a name that is not a plain short string when the module is defined', () => {
    for (const name of ['', ' sandbox', 'a/b', 'x'.repeat(65), 42]) {
      expect(() =>
        BasiqModule.forRoot({ name: name as string, apiKey: first.apiKey, baseUrl: first.url }),
      ).toThrow(BasiqConfigError);
    }
  });
});
