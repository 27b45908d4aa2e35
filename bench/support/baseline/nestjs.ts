import type { Server } from 'node:http';
import { Controller, Get, Module, Param, Res } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Response } from 'express';

/**
 * The Nest example's `GET /users/:userId` without basiq-token: the example calls Basiq through
 * core's fetch wrapper, so this one uses plain `fetch` with a constant `Authorization` header
 * (and the same timeout), relaying Basiq's status and body the same way. Listening on 127.0.0.1:`port`.
 */
export async function nestBaseline(baseUrl: string, token: string, port: number): Promise<Server> {
  const authorization = `Bearer ${token}`;

  @Controller('users')
  class UsersController {
    @Get(':userId')
    async user(@Param('userId') userId: string, @Res() res: Response): Promise<void> {
      const answer = await fetch(`${baseUrl}/users/${encodeURIComponent(userId)}`, {
        headers: { authorization },
        // The same per-request timeout core's fetch sets (30 s by default).
        signal: AbortSignal.timeout(30_000),
      });
      const text = await answer.text();
      res.status(answer.status);
      res.type(answer.headers.get('content-type') ?? 'application/json').send(text);
    }
  }

  @Module({ controllers: [UsersController] })
  class BaselineModule {}

  const app: INestApplication = await NestFactory.create(BaselineModule, new ExpressAdapter(), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  await app.listen(port, '127.0.0.1');
  return app.getHttpServer() as Server;
}
