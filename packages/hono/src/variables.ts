import type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';

/**
 * What `basiq()` puts on Hono's context, for `createMiddleware<{ Variables: BasiqVariables }>`
 * and `new Hono<{ Variables: BasiqVariables }>()`: `c.var.basiq` (or `c.get('basiq')`). A type to
 * name where the middleware runs, rather than an augmentation of Hono's global
 * `ContextVariableMap`, which would make `c.var.basiq` look set on routes the middleware never saw.
 */
export interface BasiqVariables {
  /** The Basiq client for this request (`http`, `fetch`, `getServerToken`, `getClientToken`). */
  basiq: BasiqRequestContext;
}

/** Hono's `Env` with {@link BasiqVariables}: `new Hono<BasiqEnv>()`. */
export interface BasiqEnv {
  /** See {@link BasiqVariables}. */
  Variables: BasiqVariables;
}
