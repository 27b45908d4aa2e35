// A NestJS 11 app compiled as CommonJS (module: commonjs, as Nest's CLI sets up) with the published
// packages, from their tarballs.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Controller, Get, Inject, Injectable, Module, Param } from '@nestjs/common';
import type { CanActivate, ExecutionContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ClientTokenBody } from '@basiq-token/core';
import { startEmulator } from '@basiq-token/emulator';
import { BasiqModule, BasiqService } from '@basiq-token/nestjs';

const USER_ID = '8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5';

interface DemoRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: { basiqUserId: string };
}

/** Stands in for the app's authentication: the signed-in user comes from a demo header. */
@Injectable()
class DemoAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<DemoRequest>();
    const id = request.headers['x-demo-user'];
    if (typeof id !== 'string' || id === '') return false;
    request.user = { basiqUserId: id };
    return true;
  }
}

@Controller('users')
class UsersController {
  constructor(@Inject(BasiqService) private readonly basiq: BasiqService) {}

  @Get(':userId')
  async getUser(@Param('userId') userId: string): Promise<{ id: string }> {
    const answer = await this.basiq.http.get<{ id: string }>(`/users/${encodeURIComponent(userId)}`);
    return answer.data;
  }
}

/** The app's root module, for an emulator whose URL and key are only known at run time. */
function appModule(apiKey: string, baseUrl: string): Type<unknown> {
  @Module({
    imports: [
      BasiqModule.forRoot({
        apiKey,
        baseUrl,
        logger: false,
        clientTokenRoute: {
          guards: [DemoAuthGuard],
          resolveUserId: (request: DemoRequest) => request.user?.basiqUserId,
        },
      }),
    ],
    controllers: [UsersController],
  })
  class AppModule {}
  return AppModule;
}

async function main(): Promise<void> {
  const emulator = await startEmulator();
  const app = await NestFactory.create(appModule(emulator.apiKey, emulator.url), { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    const userAnswer = await fetch(`${base}/users/${USER_ID}`);
    assert.equal(userAnswer.status, 200);
    const user = (await userAnswer.json()) as { id: string };

    const anonymous = await fetch(`${base}/basiq/client-token`, { method: 'POST' });
    await anonymous.arrayBuffer();

    const tokenAnswer = await fetch(`${base}/basiq/client-token`, {
      method: 'POST',
      headers: { 'x-demo-user': USER_ID },
    });
    assert.equal(tokenAnswer.status, 200);
    assert.equal(tokenAnswer.headers.get('cache-control'), 'no-store');
    const token = (await tokenAnswer.json()) as ClientTokenBody;
    const service = app.get(BasiqService);
    assert.notEqual(token.access_token, await service.getServerToken());

    console.log(
      'RESULT ' +
        JSON.stringify({
          kind: 'nestjs-cjs',
          userId: user.id,
          guardedStatus: anonymous.status,
          clientToken: { status: tokenAnswer.status, tokenType: token.token_type },
        }),
    );
  } finally {
    await app.close();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
