/**
 * The app on core's Fetch handler, served as a Fetch runtime would serve it: the client-token
 * route is `createClientTokenFetchHandler`, the data routes call the client, and the "framework"
 * (this small Fetch app) records every error and answers Basiq errors with the client's
 * `errorResponse`, anything else 500 `internal_error`.
 */
import { createServer } from 'node:http';
import { BasiqError, createClientTokenFetchHandler, routeResponseToFetch } from '@basiq-token/core';
import { useClient } from '@basiq-token/core/adapter';
import { basiqAxios } from '@basiq-token/core/axios';
import { fetchListener } from './fetch-listener.js';
import { running, userPath } from './server.js';
import type { ServerFactory } from './server.js';

export const fetchServer: ServerFactory = {
  async start({ client: clientOrOptions, resolveUserId, prefix = '', onError }) {
    const { client, close } = useClient(clientOrOptions);
    const clientToken = createClientTokenFetchHandler(client, {
      // The callers' resolvers read Node-style headers.
      resolveUserId: (request) => resolveUserId({ headers: Object.fromEntries(request.headers) }),
    });
    const users = /^\/(fetch\/)?users\/([^/]+)$/;

    async function route(request: Request): Promise<Response> {
      const { pathname } = new URL(request.url);
      const path = pathname.startsWith(`${prefix}/`) ? pathname.slice(prefix.length) : undefined;
      if (path === '/client-token') return clientToken(request);
      const match = path !== undefined && request.method === 'GET' ? users.exec(path) : null;
      if (!match)
        return Response.json({ error: { code: 'not_found', message: 'No route' } }, { status: 404 });
      const user = userPath(decodeURIComponent(match[2] ?? ''));
      if (match[1]) {
        const answer = await client.fetch(user);
        return Response.json(await answer.json(), { status: answer.status });
      }
      return Response.json((await basiqAxios(client).get(user)).data);
    }

    const app = async (request: Request): Promise<Response> => {
      try {
        return await route(request);
      } catch (error) {
        onError?.(error);
        if (error instanceof BasiqError) return routeResponseToFetch(client.errorResponse(error));
        return Response.json(
          { error: { code: 'internal_error', message: 'Something went wrong.' } },
          { status: 500 },
        );
      }
    };
    return running(createServer(fetchListener(app)).listen(0, '127.0.0.1'), close);
  },
};
