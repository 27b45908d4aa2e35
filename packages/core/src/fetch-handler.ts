import type { BasiqClient } from './client.js';
import { validateClientTokenRouteOptions } from './route-options.js';
import type { ClientTokenRouteOptions } from './route-options.js';
import { routeBodyText } from './route.js';
import type { RouteResponse } from './types.js';

/**
 * The client-token route over the Fetch API: what Next.js route handlers, Hono, Bun, Deno and
 * Cloudflare Workers speak. The second argument is whatever the platform passes (Next's route
 * context, a Worker's `env`); it is accepted and not read.
 */
export type ClientTokenFetchHandler = (request: Request, context?: unknown) => Promise<Response>;

/**
 * The client the handler uses: a `BasiqClient`, or a function returning one, called on each
 * request (so a framework adapter can create its client lazily, on first use rather than at
 * import time, and share one per process).
 */
export type ClientSource = BasiqClient | (() => BasiqClient);

// The same headers as every other answer of the route (core's route.ts): never cached, JSON.
const NO_STORE: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'Content-Type': 'application/json; charset=utf-8',
};

/**
 * Builds the client-token route as a Fetch handler `(request) => Promise<Response>`: it checks
 * the method (405 with `Allow` otherwise) and, when `options.path` is given, the path (404
 * otherwise), resolves the user with `options.resolveUserId(request)`, and answers exactly what
 * {@link BasiqClient.handleClientTokenRequest} says (status, headers including
 * `Cache-Control: no-store` and `Retry-After`, JSON body). With `body: 'token'` a success
 * answers the bare token as a JSON string instead of `{access_token, token_type, expires_in}`.
 *
 * Options are checked here, at once ({@link validateClientTokenRouteOptions}). An error thrown
 * by `resolveUserId` is not caught: it rejects the returned promise, so the platform's own error
 * handling sees it as thrown (Next's `redirect()`/`notFound()` keep working there). Uses only
 * `Request`, `Response` and `Headers`, so it runs on any runtime with the Fetch API.
 *
 * @example
 * ```ts
 * const handler = createClientTokenFetchHandler(client, {
 *   resolveUserId: async (request) => (await getSession(request))?.basiqUserId,
 * });
 * export default { fetch: handler }; // Bun, Deno, Workers
 * ```
 */
export function createClientTokenFetchHandler(
  client: ClientSource,
  options: ClientTokenRouteOptions<Request>,
): ClientTokenFetchHandler {
  if (typeof client !== 'function' && !isClientLike(client)) {
    throw new TypeError('createClientTokenFetchHandler needs a BasiqClient or a function returning one');
  }
  const route = validateClientTokenRouteOptions(options);
  const resolveUserId = route.resolveUserId as (request: Request) => unknown;
  const methods: readonly string[] = route.methods;
  const allow = route.methods.join(', ');
  const getClient = typeof client === 'function' ? client : () => client;

  return async (request: Request): Promise<Response> => {
    if (route.path !== undefined && pathOf(request) !== route.path) {
      return json(404, { ...NO_STORE }, error('not_found', 'No such route.'));
    }
    if (!methods.includes(request.method.toUpperCase())) {
      return json(
        405,
        { ...NO_STORE, Allow: allow },
        error('method_not_allowed', `Use ${allow} for the client-token route.`),
      );
    }
    // Resolved before the client is asked for, so a sign-in redirect costs no client.
    const userId = await resolveUserId(request);
    const answer = await getClient().handleClientTokenRequest(userId);
    return toResponse(answer, route.body);
  };
}

/**
 * The route's answer as a Fetch `Response`; with `body: 'token'` a success body is the bare
 * token string (JSON-encoded). Errors keep their `{error:{code, message}}` body either way.
 */
export function routeResponseToFetch(answer: RouteResponse, body: 'object' | 'token' = 'object'): Response {
  return toResponse(answer, body);
}

function toResponse(answer: RouteResponse, form: 'object' | 'token'): Response {
  return new Response(routeBodyText(answer, form), { status: answer.status, headers: answer.headers });
}

function json(status: number, headers: Record<string, string>, payload: unknown): Response {
  return new Response(JSON.stringify(payload), { status, headers });
}

function error(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

function pathOf(request: Request): string | undefined {
  try {
    return new URL(request.url).pathname;
  } catch {
    return undefined;
  }
}

function isClientLike(value: unknown): value is BasiqClient {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<BasiqClient>).handleClientTokenRequest === 'function'
  );
}
