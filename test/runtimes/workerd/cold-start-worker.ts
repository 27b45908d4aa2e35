import { Redis } from '@upstash/redis/cloudflare';
import { createBasiqClient } from '@basiq-token/core';
import { createRedisStore } from '@basiq-token/redis';

/** The Worker's bindings (miniflare passes them from the test). */
interface Env {
  BASIQ_API_KEY: string;
  BASIQ_API_URL: string;
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
  STORE_PREFIX: string;
}

/**
 * A serverless invocation on workerd, as a cold start: nothing lives at module level, so every
 * request builds its own @upstash/redis client (fetch, the build Cloudflare imports), store and
 * Basiq client, gets the server token and closes them. What one invocation can share with the
 * next is only what is in Redis, as between Worker isolates. The answer never carries the token.
 */
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    // `?store=none`: the control, a fleet with no shared store (each cold start on its own).
    const shared = new URL(request.url).searchParams.get('store') !== 'none';
    const store = shared
      ? createRedisStore({
          client: new Redis({
            url: env.UPSTASH_REDIS_REST_URL,
            token: env.UPSTASH_REDIS_REST_TOKEN,
            automaticDeserialization: false,
            enableTelemetry: false,
          }),
          prefix: env.STORE_PREFIX,
          // Core's own bound on a store call: a slow answer on a loaded machine would degrade the
          // invocation, which would then (correctly) fetch a token of its own.
          commandTimeoutMs: 2_000,
        })
      : undefined;
    const client = createBasiqClient({
      apiKey: env.BASIQ_API_KEY,
      baseUrl: env.BASIQ_API_URL,
      ...(store ? { store } : {}),
      // As the Node fleet: a stored token is taken until the soft window, then refreshed.
      refresh: { softWindowMs: 600, hardWindowMs: 300 },
      // Workerd's console is the test's captured output, scanned for secrets.
      logger: console,
    });
    let degraded = 0;
    client.on('store:degraded', () => degraded++);
    try {
      const token = await client.getServerToken();
      if (typeof token !== 'string' || token.length === 0) {
        return Response.json({ ok: false, error: 'no server token' }, { status: 500 });
      }
      return Response.json({ ok: true, degraded });
    } catch (error) {
      // Core's errors carry no token or key: the message is safe to answer with.
      return Response.json({ ok: false, error: (error as Error).message }, { status: 500 });
    } finally {
      await client.close();
    }
  },
};
