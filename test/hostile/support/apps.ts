import type { IncomingHttpHeaders } from 'node:http';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { DEMO_USER_HEADER, demoUserId } from '@basiq-token/example-shared';
import type { RunningApp } from '../../conformance/suite.js';
import type { ServerFactory } from '../../support/servers/server.js';

/** Where every hostile app mounts the adapter. */
const PREFIX = '/basiq';

/** The path every hostile app serves the client-token route on. */
export const CLIENT_TOKEN_PATH = `${PREFIX}/client-token`;

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
 * A target on one of the shared server factories (test/support/servers): the adapter mounted at
 * `/basiq`, the demo sign-in, and JSON and form bodies parsed before the route (up to
 * {@link BODY_LIMIT_BYTES}, 413 beyond), so hostile bodies (prototype-pollution keys included)
 * meet a parser first. Nest parses with its platform's own parsers.
 */
export function serverTarget(name: string, server: ServerFactory): HostileTarget {
  return {
    name,
    start: (client) => server.start({ client, resolveUserId, prefix: PREFIX, bodyLimit: BODY_LIMIT_BYTES }),
  };
}
