// Run by open-handles.test.ts in a child process (`node --import tsx`, with exit-probe.mjs): an
// app on one adapter, whose client the adapter creates from options, serves a few requests
// against an in-process emulator, then everything is closed the documented way. The process must
// then end by itself: no process.exit() anywhere here.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express5';
import Koa from 'koa3';
import Router from '@koa/router';
import { Controller, Get, Inject, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { BasiqOptions } from '@basiq-token/core';
import { basiq as expressBasiq } from '@basiq-token/express';
import { basiq as koaBasiq } from '@basiq-token/koa';
import { BasiqModule, BasiqService } from '@basiq-token/nestjs';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';

const adapter = process.argv[2];
const emulator = await startEmulator();
const options: BasiqOptions = { apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false };
const resolveUserId = (req: { headers: Record<string, unknown> }) => req.headers['x-demo-user'];

/** The app on one adapter, listening, with how to close it (server first, then the client). */
async function start(): Promise<{ url: string; close(): Promise<void> }> {
  if (adapter === 'express') {
    const app = express();
    const mw = expressBasiq(options);
    app.use(mw);
    app.post('/basiq/client-token', mw.clientTokenRoute({ resolveUserId }));
    app.get('/users/:id', (req, res, next) => {
      req.basiq.http.get(`/users/${req.params.id}`).then((r) => res.json(r.data), next);
    });
    app.get('/fetch/users/:id', (req, res, next) => {
      req.basiq.fetch(`/users/${req.params.id}`).then(async (r) => res.json(await r.json()), next);
    });
    return serve(app.listen(0, '127.0.0.1'), () => mw.close());
  }
  if (adapter === 'koa') {
    const app = new Koa();
    const mw = koaBasiq(options);
    const router = new Router();
    router.post('/basiq/client-token', mw.clientTokenRoute({ resolveUserId }));
    router.get('/users/:id', async (ctx) => {
      ctx.body = (await ctx.state.basiq.http.get(`/users/${ctx.params.id}`)).data;
    });
    router.get('/fetch/users/:id', async (ctx) => {
      ctx.body = await (await ctx.state.basiq.fetch(`/users/${ctx.params.id}`)).json();
    });
    app.use(mw).use(router.routes());
    return serve(createServer(app.callback()).listen(0, '127.0.0.1'), () => mw.close());
  }
  if (adapter === 'nest-express' || adapter === 'nest-fastify') {
    @Controller()
    class UsersController {
      constructor(@Inject(BasiqService) private readonly basiq: BasiqService) {}
      @Get('users/:id')
      async viaHttp(@Param('id') id: string): Promise<unknown> {
        return (await this.basiq.http.get(`/users/${id}`)).data;
      }
      @Get('fetch/users/:id')
      async viaFetch(@Param('id') id: string): Promise<unknown> {
        return (await this.basiq.fetch(`/users/${id}`)).json();
      }
    }
    // The module creates the client from options and closes it on app.close().
    @Module({
      imports: [BasiqModule.forRoot({ ...options, clientTokenRoute: { resolveUserId } })],
      controllers: [UsersController],
    })
    class AppModule {}
    const app = await NestFactory.create(
      AppModule,
      adapter === 'nest-express' ? new ExpressAdapter() : new FastifyAdapter(),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  }
  throw new Error(`unknown adapter ${adapter}`);
}

async function serve(server: Server, closeClient: () => Promise<void>) {
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      await closed;
      await closeClient();
    },
  };
}

const app = await start();
const statuses: number[] = [];
for (const [method, path] of [
  ['POST', '/basiq/client-token'],
  ['GET', `/users/${SEED_USER_ID}`],
  ['GET', `/fetch/users/${SEED_USER_ID}`],
  ['POST', '/basiq/client-token'],
] as const) {
  const res = await fetch(app.url + path, { method, headers: { 'x-demo-user': SEED_USER_ID } });
  await res.arrayBuffer();
  statuses.push(res.status);
}
await app.close();
await emulator.stop();
console.log(`done ${statuses.join(' ')}`);
