import type { FastifyInstance, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { DEFAULT_CLIENT_TOKEN_PATH } from '@basiq-token/core';
import { validateClientTokenRouteOptions } from '@basiq-token/core/adapter';
import type {
  BasiqClient,
  ClientTokenRouteOptions as CoreRouteOptions,
  RouteResponse,
} from '@basiq-token/core';

/**
 * Options of the client-token route: core's one options type, with `resolveUserId` given
 * Fastify's `request` (read what the app's own auth put there: `request.user`, a session, a
 * cookie). `path` defaults to `/basiq/client-token` (under the scope's prefix), `method`/`methods`
 * to `POST`, `body` to `'object'` (or `'token'` for the bare token string).
 */
export type ClientTokenRouteOptions = CoreRouteOptions<FastifyRequest>;

/** What the route asks for each request: the client, or the answer to send instead (an unknown name). */
export type PickClient = (request: FastifyRequest) => { client?: BasiqClient; answer?: RouteResponse };

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

const tokenObjectSchema = {
  type: 'object',
  required: ['access_token', 'token_type', 'expires_in'],
  properties: {
    access_token: { type: 'string' },
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer', minimum: 0 },
  },
} as const;

/**
 * Registers the ready-made `CLIENT_ACCESS` token route on `fastify` (in its scope, under its
 * prefix) with a response schema: resolves the user with `resolveUserId(request)`, then answers
 * exactly what core's `handleClientTokenRequest` says (`200` token with `Cache-Control:
 * no-store`, or JSON `{error:{code,message}}` with 400/401/429/502/503/504). A throw from
 * `resolveUserId` reaches Fastify's error handling. Options are checked at once (a
 * `BasiqConfigError` naming the option). No `HEAD` twin: a token is never minted for a body
 * nobody reads.
 */
export function registerClientTokenRoute(
  fastify: FastifyInstance,
  client: BasiqClient | PickClient,
  options: ClientTokenRouteOptions,
): void {
  const pick: PickClient = typeof client === 'function' ? client : () => ({ client });
  const route = validateClientTokenRouteOptions(options, { optionPrefix: 'clientTokenRoute' });
  const resolveUserId = route.resolveUserId as (request: FastifyRequest) => unknown;
  const bareToken = route.body === 'token';
  const schema: RouteShorthandOptions['schema'] = {
    response: {
      200: bareToken ? { type: 'string' } : tokenObjectSchema,
      '4xx': errorSchema,
      '5xx': errorSchema,
    },
  };
  fastify.route({
    method: [...route.methods],
    url: route.path ?? DEFAULT_CLIENT_TOKEN_PATH,
    exposeHeadRoute: false,
    schema,
    handler: async (request, reply) => {
      // The client first: a request for an application the process does not serve is answered
      // before the app's own authentication is asked anything.
      const picked = pick(request);
      const answer =
        picked.answer ??
        (await (picked.client as BasiqClient).handleClientTokenRequest(await resolveUserId(request)));
      void reply.code(answer.status).headers(answer.headers);
      if (bareToken && answer.status === 200 && 'access_token' in answer.body) {
        // A string payload is sent as is; serialised through the schema it becomes JSON.
        return reply.serialize(answer.body.access_token);
      }
      return answer.body;
    },
  });
}
