import { Injectable, Inject, Module } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { decodeJwt } from 'jose';
import { BasiqConfigError } from '@basiq-token/core';
import { describe, expect, it } from 'vitest';
import { BasiqModule } from '@basiq-token/nestjs';
import { FAST_RETRY, nestFixtures, SEEDED_USER_ID } from './support.js';
import type { Platform } from './support.js';

const { emulator, start } = nestFixtures();

/** The app's own session lookup, in a module of its own: the guard depends on it. */
@Injectable()
class Sessions {
  userFor(sessionId: string | undefined): string | undefined {
    return sessionId?.startsWith('session-of-') ? sessionId.slice('session-of-'.length) : undefined;
  }
}
@Module({ providers: [Sessions], exports: [Sessions] })
class SessionsModule {}

interface SignedInRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: { basiqUserId: string };
}

/** An app's AuthGuard: refuses anonymous requests, and puts the user on the request. */
@Injectable()
class AuthGuard implements CanActivate {
  constructor(@Inject(Sessions) private readonly sessions: Sessions) {}
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<SignedInRequest>();
    const user = this.sessions.userFor(request.headers['x-session'] as string | undefined);
    if (user === undefined) return false;
    request.user = { basiqUserId: user };
    return true;
  }
}

const userOnRequest = (request: SignedInRequest) => request.user?.basiqUserId;

function configModule() {
  return ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    load: [() => ({ BASIQ_API_KEY: emulator().apiKey, BASIQ_API_URL: emulator().url })],
  });
}

describe.each<Platform>(['express', 'fastify'])('client-token route on %s', (platform) => {
  it('forRootAsync + ConfigService: the app guard protects the route, resolveUserId reads its user', async () => {
    @Module({
      imports: [
        configModule(),
        BasiqModule.forRootAsync({
          imports: [SessionsModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            apiKey: config.getOrThrow<string>('BASIQ_API_KEY'),
            baseUrl: config.getOrThrow<string>('BASIQ_API_URL'),
            logger: false,
            retry: FAST_RETRY,
          }),
          clientTokenRoute: { guards: [AuthGuard], resolveUserId: userOnRequest },
        }),
      ],
    })
    class AppModule {}
    const { url } = await start(AppModule, { platform });

    const anonymous = await fetch(`${url}/basiq/client-token`, { method: 'POST' });
    expect(anonymous.status).toBe(403);
    await anonymous.arrayBuffer();
    expect(emulator().counters.tokenCalls).toBe(0);

    const res = await fetch(`${url}/basiq/client-token`, {
      method: 'POST',
      headers: { 'x-session': `session-of-${SEEDED_USER_ID}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe('Bearer');
    expect(decodeJwt(body.access_token)).toMatchObject({ scope: 'CLIENT_ACCESS', userId: SEEDED_USER_ID });
    // The guard decides who; the route never takes a user id from the browser.
    const spoofed = await fetch(`${url}/basiq/client-token?userId=${SEEDED_USER_ID}`, {
      method: 'POST',
      headers: { 'x-session': 'nobody' },
    });
    expect(spoofed.status).toBe(403);
    await spoofed.arrayBuffer();
  });

  it('custom path and GET, a guard instance, under the app global prefix', async () => {
    const header = 'x-basiq-user';
    const allowAll: CanActivate = { canActivate: () => true };
    @Module({
      imports: [
        configModule(),
        BasiqModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            apiKey: config.getOrThrow<string>('BASIQ_API_KEY'),
            baseUrl: config.getOrThrow<string>('BASIQ_API_URL'),
            logger: false,
          }),
          clientTokenRoute: {
            path: '/auth/basiq-token',
            method: 'GET',
            guards: [allowAll],
            resolveUserId: (request: SignedInRequest) => request.headers[header],
          },
        }),
      ],
    })
    class AppModule {}
    const { url } = await start(AppModule, { platform, setup: (app) => app.setGlobalPrefix('api') });

    const ok = await fetch(`${url}/api/auth/basiq-token`, { headers: { [header]: SEEDED_USER_ID } });
    expect(ok.status).toBe(200);
    expect(decodeJwt(((await ok.json()) as { access_token: string }).access_token).userId).toBe(
      SEEDED_USER_ID,
    );

    const noUser = await fetch(`${url}/api/auth/basiq-token`);
    expect(noUser.status).toBe(401);
    expect(((await noUser.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');

    for (const [path, method] of [
      ['/api/auth/basiq-token', 'POST'],
      ['/api/basiq/client-token', 'POST'],
      ['/auth/basiq-token', 'GET'],
    ] as const) {
      const miss = await fetch(`${url}${path}`, { method, headers: { [header]: SEEDED_USER_ID } });
      expect(miss.status, `${method} ${path}`).toBe(404);
      await miss.arrayBuffer();
    }
  });
});

describe('client-token route options', () => {
  const base = () => ({ apiKey: emulator().apiKey, baseUrl: emulator().url, logger: false as const });

  it('rejects a bad path, method or guard when the module is defined', () => {
    const cases = [
      [{ path: '', resolveUserId: userOnRequest }, 'clientTokenRoute.path'],
      [{ method: 'PUT' as 'GET', resolveUserId: userOnRequest }, 'clientTokenRoute.method'],
      [
        { guards: ['AuthGuard' as unknown as CanActivate], resolveUserId: userOnRequest },
        'clientTokenRoute.guards',
      ],
      [{ resolveUserId: 'user' as unknown as () => string }, 'clientTokenRoute.resolveUserId'],
      // The route could not tell who is asking.
      [{} as { resolveUserId: () => string }, 'clientTokenRoute.resolveUserId'],
    ] as const;
    for (const [clientTokenRoute, option] of cases) {
      let failure: unknown;
      try {
        BasiqModule.forRoot({ ...base(), clientTokenRoute });
      } catch (error) {
        failure = error;
      }
      expect(failure, option).toBeInstanceOf(BasiqConfigError);
      expect((failure as BasiqConfigError).option).toBe(option);
    }
  });

  it('fails at startup, saying where it goes, when the options factory returns clientTokenRoute', async () => {
    @Module({
      imports: [
        BasiqModule.forRootAsync({
          useFactory: () => ({ ...base(), clientTokenRoute: { resolveUserId: userOnRequest } }),
        }),
      ],
    })
    class AppModule {}
    const failure = await NestFactory.create(AppModule, { logger: false, abortOnError: false }).then(
      (app) => app.close(),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BasiqConfigError);
    expect((failure as BasiqConfigError).option).toBe('clientTokenRoute');
    expect((failure as Error).message).toMatch(
      /give it to BasiqModule\.forRootAsync\(\) itself, next to useFactory/,
    );
  });
});

describe.each<Platform>(['express', 'fastify'])('client-token route description on %s', (platform) => {
  const base = () => ({ apiKey: emulator().apiKey, baseUrl: emulator().url, logger: false as const });

  it("answers both methods of `methods`, and the bare token with body: 'token'", async () => {
    const header = 'x-basiq-user';
    @Module({
      imports: [
        BasiqModule.forRoot({
          ...base(),
          clientTokenRoute: {
            methods: ['GET', 'post'],
            body: 'token',
            resolveUserId: (request: SignedInRequest) => request.headers[header],
          },
        }),
      ],
    })
    class AppModule {}
    const { url } = await start(AppModule, { platform });
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${url}/basiq/client-token`, { method, headers: { [header]: SEEDED_USER_ID } });
      expect([res.status, res.headers.get('cache-control'), res.headers.get('etag')], method).toEqual([
        200,
        'no-store',
        null,
      ]);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const token = (await res.json()) as unknown;
      expect(typeof token, method).toBe('string');
      expect(decodeJwt(token as string)).toMatchObject({ scope: 'CLIENT_ACCESS', userId: SEEDED_USER_ID });
    }
    const anonymous = await fetch(`${url}/basiq/client-token`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    const put = await fetch(`${url}/basiq/client-token`, { method: 'PUT' });
    expect(put.status).toBe(404);
    await put.arrayBuffer();
  });
});
