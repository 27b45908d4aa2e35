import type { IncomingHttpHeaders } from 'node:http';
import type express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type Koa from 'koa';
import Router from '@koa/router';
import * as nestCommon from '@nestjs/common';
import * as nestCore from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { basiq as expressBasiq } from '@basiq-token/express';
import { basiq as koaBasiq } from '@basiq-token/koa';
import * as nestBasiq from '@basiq-token/nestjs';
import { DEMO_USER_HEADER, demoUserId } from '@basiq-token/example-shared';
import { nestDriver } from '../../conformance/nest-driver.js';
import type { RunningApp } from '../../conformance/suite.js';
import { running, statusOf } from '../../conformance/support/listen.js';

/** The path every hostile app serves the client-token route on. */
export const CLIENT_TOKEN_PATH = '/basiq/client-token';

/** Largest body the apps' own parsers accept; bigger ones are refused with 413 before any route. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** A framework variant under attack: starts an app around `client`, listening on 127.0.0.1:0. */
export interface HostileTarget {
  name: string;
  /**
   * `options` are what `client` was made from, for a target that cannot be handed the object and
   * builds its own client in the app (Next's Edge sandbox shares no objects with the test).
   */
  start(client: BasiqClient, options: BasiqOptions): Promise<RunningApp>;
  /** Requests generated for this target when HOSTILE_RUNS is not set (default: 10,000). */
  numRuns?: number;
  /**
   * `false`: nothing in front of the route reads the body (Next's App Router hands the route the
   * request unread, and the route reads only headers), so a huge body is answered by the route
   * rather than refused with 413. Default `true`.
   */
  parsesBody?: boolean;
}

/**
 * The demo sign-in, exactly as the examples do it: the `x-demo-user` header is the session.
 * Nothing else (body, query) is consulted, so a userId the browser sends elsewhere must never
 * reach a token.
 */
function resolveUserId(request: { headers: IncomingHttpHeaders }): string | undefined {
  return demoUserId(request.headers[DEMO_USER_HEADER]);
}

/**
 * Express 4 or 5 with app-wide JSON and extended urlencoded parsers in front of the route, so
 * hostile bodies (prototype-pollution keys included) are parsed onto `req.body` before it runs.
 */
export function expressTarget(name: string, createExpress: typeof express): HostileTarget {
  return {
    name,
    start(client) {
      const app = createExpress();
      app.disable('x-powered-by');
      app.use(createExpress.json({ limit: BODY_LIMIT_BYTES }));
      app.use(createExpress.urlencoded({ extended: true, limit: BODY_LIMIT_BYTES }));
      const middleware = expressBasiq(client);
      app.use(middleware);
      app.post(CLIENT_TOKEN_PATH, middleware.clientTokenRoute({ resolveUserId }));
      app.use((_req: Request, res: Response) => {
        res.status(404).json({ error: { code: 'not_found', message: 'No such route' } });
      });
      app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
        const status = statusOf(error) ?? 500;
        res.status(status).json({ error: { code: 'app_error', message: 'The request was refused' } });
      });
      return running(app.listen(0, '127.0.0.1'));
    },
  };
}

/**
 * Koa 2 or 3 with `@koa/router` (so other methods get the router's 405) and a small JSON/form
 * body reader in front of the route, for the same reason as Express's parsers.
 */
export function koaTarget(name: string, KoaApp: typeof Koa): HostileTarget {
  return {
    name,
    start(client) {
      const app = new KoaApp();
      app.silent = true;
      const middleware = koaBasiq(client);
      const router = new Router();
      router.post(CLIENT_TOKEN_PATH, middleware.clientTokenRoute({ resolveUserId }));
      app.use(async (ctx, next) => {
        try {
          await next();
        } catch (error) {
          ctx.status = statusOf(error) ?? 500;
          ctx.body = { error: { code: 'app_error', message: 'The request was refused' } };
        }
      });
      app.use(async (ctx, next) => {
        (ctx.request as { body?: unknown }).body = await readBody(ctx);
        await next();
      });
      app.use(middleware);
      app.use(router.routes());
      app.use(router.allowedMethods());
      return running(app.listen(0, '127.0.0.1'));
    },
  };
}

async function readBody(ctx: Koa.Context): Promise<unknown> {
  const type = ctx.is('json', 'urlencoded');
  if (!type) return undefined;
  const length = ctx.request.length;
  if (length !== undefined && length > BODY_LIMIT_BYTES) ctx.throw(413, 'Payload too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) ctx.throw(413, 'Payload too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (type === 'urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return ctx.throw(400, 'Malformed JSON');
  }
}

/** NestJS 12 on Express or Fastify, built by the conformance suite's Nest driver (its own parsers). */
export function nestTarget(name: string, platform: 'express' | 'fastify'): HostileTarget {
  const driver = nestDriver(async () => ({
    common: nestCommon,
    core: nestCore,
    basiq: nestBasiq,
    createHttpAdapter: () => (platform === 'express' ? new ExpressAdapter() : new FastifyAdapter()),
    configure: platform === 'express' ? 'forRootAsync' : 'forRoot',
  }));
  return {
    name,
    start: (client) => driver.start({ client, resolveUserId, prefix: '/basiq', onError: () => undefined }),
  };
}
