import express from 'express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { DEFAULT_CLIENT_TOKEN_PATH, errorResponse } from '@basiq-token/core';
import { basiq, probeHandler } from '@basiq-token/express';
import { DEMO_USER_HEADER, PROBES, apiAnswer, basiqAnswerOf } from '@basiq-token/example-shared';
import { demoAssets, demoUserId, localHostOnly } from '@basiq-token/example-shared';
import type { DemoAppOptions, NewBasiqUser } from '@basiq-token/example-shared';

/** What the demo app is made of. */
export type AppOptions = DemoAppOptions;

/** The demo app (the examples' HTTP contract), not yet listening. */
export function createApp({ client, logger = console, consentBaseUrl }: AppOptions): Express {
  const assets = demoAssets(client.baseUrl, consentBaseUrl);
  const app = express();
  app.disable('x-powered-by');
  // Before everything else: only requests addressed to this server's own address (DNS rebinding).
  app.use(localHostOnly);
  const basiqMiddleware = basiq(client);
  app.use(basiqMiddleware);

  // Liveness (always 200, with the client's health) and readiness (503 while no server token can be had).
  for (const [path, probe] of PROBES) app.get(path, probeHandler(client, probe));

  // The browser demo: the page (where the Consent UI sends the user back), its script and
  // @basiq-token/browser, all same-origin.
  for (const { path, headers, body } of assets) app.get(path, (_req, res) => res.set(headers).send(body));

  // A real app resolves the user from its session; the demo trusts the x-demo-user header.
  app.post(
    DEFAULT_CLIENT_TOKEN_PATH,
    basiqMiddleware.clientTokenRoute({ resolveUserId: (req) => demoUserId(req.headers[DEMO_USER_HEADER]) }),
  );

  // Basiq through the typed client: openapi-fetch encodes the path parameters.
  app.get(
    '/users/:userId',
    relay((req: Request<{ userId: string }>) =>
      apiAnswer(req.basiq.api.GET('/users/{userId}', { params: { path: { userId: req.params.userId } } })),
    ),
  );
  app.get(
    '/users/:userId/accounts',
    relay((req: Request<{ userId: string }>) =>
      apiAnswer(
        req.basiq.api.GET('/users/{userId}/accounts', { params: { path: { userId: req.params.userId } } }),
      ),
    ),
  );
  app.post(
    '/users',
    express.json(),
    relay((req) => apiAnswer(req.basiq.api.POST('/users', { body: (req.body ?? {}) as NewBasiqUser }))),
  );

  app.use((req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `No route for ${req.method} ${req.path}` } });
  });
  // Basiq errors (no token to be had, …): core's answer, as the client-token route gives it.
  app.use(basiqMiddleware.errorHandler());
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const badBody = bodyParserError(error);
    if (badBody) {
      res
        .status(badBody)
        .json({ error: { code: 'invalid_body', message: 'The request body must be JSON.' } });
      return;
    }
    // Anything else is a 500 internal_error, its details kept for the log.
    const route = errorResponse(error, logger);
    // Not res.json(): no ETag on an answer that must not be cached.
    res.status(route.status).set(route.headers).end(JSON.stringify(route.body));
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
