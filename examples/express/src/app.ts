import express from 'express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { errorResponse } from '@basiq-token/core';
import type { BasiqClient, Logger } from '@basiq-token/core';
import { basiq } from '@basiq-token/express';
import { DEMO_USER_HEADER, demoUserId } from '@basiq-token/example-shared';
import { basiqAnswerOf } from './basiq-answer.js';

/** What the demo app is made of. */
export interface AppOptions {
  /** The Basiq client the app uses (the caller creates and closes it). */
  client: BasiqClient;
  /** Where failures are logged (default `console`). */
  logger?: Logger;
}

/** The demo app (the examples' HTTP contract), not yet listening. */
export function createApp({ client, logger = console }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const basiqMiddleware = basiq(client);
  app.use(basiqMiddleware);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // A real app resolves the user from its session; the demo trusts the x-demo-user header.
  app.post(
    '/basiq/client-token',
    basiqMiddleware.clientTokenRoute({ resolveUserId: (req) => demoUserId(req.headers[DEMO_USER_HEADER]) }),
  );

  app.get(
    '/users/:userId',
    relay((req: Request<{ userId: string }>) =>
      req.basiq.http.get(`/users/${encodeURIComponent(req.params.userId)}`),
    ),
  );
  app.post(
    '/users',
    express.json(),
    relay((req) => req.basiq.http.post('/users', req.body ?? {})),
  );

  app.use((req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `No route for ${req.method} ${req.path}` } });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const badBody = bodyParserError(error);
    if (badBody) {
      res
        .status(badBody)
        .json({ error: { code: 'invalid_body', message: 'The request body must be JSON.' } });
      return;
    }
    const route = errorResponse(error, logger);
    res.status(route.status).set(route.headers).json(route.body);
  });
  return app;
}

/** A route that calls Basiq and answers with Basiq's status and JSON body, errors included. */
function relay<P>(call: (req: Request<P>) => Promise<{ status: number; data: unknown }>): RequestHandler<P> {
  return (req, res, next) => {
    call(req).then(
      (answer) => res.status(answer.status).json(answer.data),
      (error: unknown) => {
        const answer = basiqAnswerOf(error);
        if (answer) res.status(answer.status).json(answer.body);
        else next(error);
      },
    );
  };
}

// express.json() rejects a malformed or oversized body with an http-errors 4xx.
function bodyParserError(error: unknown): number | undefined {
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  return typeof type === 'string' && typeof status === 'number' && status < 500 ? status : undefined;
}
