import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { errorResponse } from '@basiq-token/core';
import { basiqFastify, probeHandler } from '@basiq-token/fastify';
import { DEMO_USER_HEADER, PROBES, apiAnswer, basiqAnswerOf } from '@basiq-token/example-shared';
import { demoAssets, demoUserId, localHostOnly } from '@basiq-token/example-shared';
import type { DemoAppOptions, NewBasiqUser } from '@basiq-token/example-shared';

/** Largest request body read (Basiq's user fields are small). */
const MAX_BODY_BYTES = 100 * 1024;

/** What the demo app is made of. */
export type AppOptions = DemoAppOptions;

/**
 * The demo app (the examples' HTTP contract) on Fastify, not yet listening. Its Node server
 * answers only requests addressed to its own address (the Host check, against DNS rebinding)
 * before Fastify sees them. The routes live in a scope of their own with the Basiq plugin, whose
 * error handler answers Basiq errors; the app's own handler at the root answers the rest.
 */
export function createApp(options: AppOptions): FastifyInstance {
  return build(options);
}

/**
 * The same app as a Node request listener (for tests that bring their own server): ready once
 * Fastify has loaded its plugins.
 */
export function createListener(options: AppOptions): RequestListener {
  let handler: RequestListener | undefined;
  const app = build(options, (guarded) => (handler = guarded));
  const ready = app.ready();
  return (req, res) => {
    ready.then(
      () => handler?.(req, res),
      () => {
        res.statusCode = 500;
        res.end();
      },
    );
  };
}

function build(
  { client, logger = console, consentBaseUrl }: AppOptions,
  onListener?: (listener: RequestListener) => void,
): FastifyInstance {
  const assets = demoAssets(client.baseUrl, consentBaseUrl);
  const app = Fastify({
    bodyLimit: MAX_BODY_BYTES,
    serverFactory: (handler) => {
      // Before Fastify: only requests addressed to this server's own address (DNS rebinding).
      const guarded: RequestListener = (req, res) => localHostOnly(req, res, () => handler(req, res));
      onListener?.(guarded);
      return createServer(guarded);
    },
  });

  // JSON only: without its text parser Fastify refuses any other body with a 415.
  app.removeContentTypeParser('text/plain');

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` },
    }),
  );
  // The app's own errors (and what the Basiq plugin's handler passes on): a body Fastify refused
  // is the caller's 4xx; anything else core's JSON answer (500 internal_error, details logged).
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const refused = bodyError(error);
    if (refused)
      return reply.code(refused.status).send({ error: { code: 'invalid_body', message: refused.message } });
    const route = errorResponse(error, logger);
    return reply.code(route.status).headers(route.headers).send(JSON.stringify(route.body));
  });

  // Liveness (always 200, with the client's health) and readiness (503 while no server token can be had).
  for (const [path, probe] of PROBES) app.get(path, probeHandler(client, probe));

  // The browser demo: the page (where the Consent UI sends the user back), its script and
  // @basiq-token/browser, all same-origin.
  for (const { path, headers, body } of assets) {
    app.get(path, async (_request, reply) => reply.headers(headers).send(body));
  }

  void app.register(async (api) => {
    await api.register(basiqFastify, {
      client,
      // A real app resolves the user from its session; the demo trusts the x-demo-user header.
      clientTokenRoute: { resolveUserId: (request) => demoUserId(request.headers[DEMO_USER_HEADER]) },
    });

    // Basiq through the typed client: openapi-fetch encodes the path parameters.
    api.get<{ Params: { userId: string } }>('/users/:userId', (request, reply) =>
      relay(
        reply,
        apiAnswer(
          request.basiq.api.GET('/users/{userId}', { params: { path: { userId: request.params.userId } } }),
        ),
      ),
    );
    api.get<{ Params: { userId: string } }>('/users/:userId/accounts', (request, reply) =>
      relay(
        reply,
        apiAnswer(
          request.basiq.api.GET('/users/{userId}/accounts', {
            params: { path: { userId: request.params.userId } },
          }),
        ),
      ),
    );
    api.post('/users', (request, reply) =>
      relay(
        reply,
        apiAnswer(request.basiq.api.POST('/users', { body: (request.body ?? {}) as NewBasiqUser })),
      ),
    );
  });
  return app;
}

/** Basiq's status and JSON body, from its answer or from the error it answered with. */
async function relay(
  reply: FastifyReply,
  call: Promise<{ status: number; data: unknown }>,
): Promise<FastifyReply> {
  try {
    const answer = await call;
    return reply.code(answer.status).send(answer.data);
  } catch (error) {
    // Not an answer from Basiq (no token, timeout, …): the Basiq plugin's error handler maps it.
    const answer = basiqAnswerOf(error);
    if (!answer) throw error;
    return reply.code(answer.status).send(answer.body);
  }
}

// Fastify's content-type parsers refuse a body with a 4xx FST_ERR_CTP_* error.
function bodyError(error: FastifyError): { status: number; message: string } | undefined {
  if (typeof error.code !== 'string' || !error.code.startsWith('FST_ERR_CTP_')) return undefined;
  const status = typeof error.statusCode === 'number' && error.statusCode < 500 ? error.statusCode : 400;
  const message =
    status === 413
      ? 'The request body is too large.'
      : status === 415
        ? 'The request body must be JSON (Content-Type: application/json).'
        : 'The request body is not valid JSON.';
  return { status, message };
}
