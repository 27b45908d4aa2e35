import { BasiqConfigError } from './errors.js';

/** Where the client-token route is served unless the app says otherwise. */
export const DEFAULT_CLIENT_TOKEN_PATH = '/basiq/client-token';

/**
 * The method the client-token route answers unless the app says otherwise. `POST`, because a
 * `GET` that mints a bearer token is easier to trigger from another site (an `<img>`, a link)
 * and more likely to be cached or logged along the way.
 */
export const DEFAULT_CLIENT_TOKEN_METHOD = 'POST';

/** The methods the client-token route may answer. */
export type ClientTokenMethod = 'POST' | 'GET';

/**
 * The JSON body of a successful answer: `'object'` (default) is Basiq's own token shape
 * `{access_token, token_type, expires_in}`; `'token'` is the bare token as a JSON string, the
 * form Basiq's account-verification starter kit's browser code reads (`const { data } = await
 * axios.get('/api/client-token')` then uses `data` as the token). Error answers are the same
 * `{error:{code, message}}` either way.
 */
export type ClientTokenBodyForm = 'object' | 'token';

/**
 * How the app resolves the signed-in user for one request of its framework: the Basiq user id,
 * or `undefined`/`null`/`''` for nobody (the route answers 401). May return a promise. Never
 * trust a user id the browser sends (query string, body, header) unless your app means to.
 */
export type ResolveUserId<Req = Request> = (request: Req) => unknown;

/**
 * The client-token route's options, one shape for every adapter. `Req` is the framework's
 * request (a Fetch `Request`, Express's `req`, Koa's `ctx`, …). Adapters use what applies to
 * them: a router that already matched the path ignores `path`; `body` is read by the Fetch
 * handler and the adapters built on it.
 */
export interface ClientTokenRouteOptions<Req = Request> {
  /** Who is signed in; see {@link ResolveUserId}. */
  resolveUserId: ResolveUserId<Req>;
  /**
   * The path answered, when the adapter matches paths itself (default
   * {@link DEFAULT_CLIENT_TOKEN_PATH} where the adapter registers the route; where a router
   * already matched it, leave it out).
   */
  path?: string;
  /** The one method answered (default `POST`); case-insensitive. Give this or `methods`, not both. */
  method?: ClientTokenMethod | Lowercase<ClientTokenMethod>;
  /** The methods answered, e.g. `['GET', 'POST']` where the app's browser code GETs the token. */
  methods?: ReadonlyArray<ClientTokenMethod | Lowercase<ClientTokenMethod>>;
  /** The success body's form (default `'object'`); see {@link ClientTokenBodyForm}. */
  body?: ClientTokenBodyForm;
}

/** {@link ClientTokenRouteOptions} checked and normalised by {@link validateClientTokenRouteOptions}. */
export interface ResolvedClientTokenRoute<Req = Request> {
  /** The app's resolver; absent only when validated with `requireResolveUserId: false`. */
  resolveUserId: ResolveUserId<Req> | undefined;
  /** The path as given with a leading `/`, or `undefined` when none was given. */
  path: string | undefined;
  /** The methods answered, upper case, without duplicates, never empty. */
  methods: readonly ClientTokenMethod[];
  /** The success body's form. */
  body: ClientTokenBodyForm;
}

/** How {@link validateClientTokenRouteOptions} names and checks options. */
export interface ValidateRouteOptionsSettings {
  /**
   * Prefix of the `option` named in errors, e.g. `'clientTokenRoute'` gives
   * `clientTokenRoute.path` (default: the bare option names).
   */
  optionPrefix?: string;
  /**
   * Whether `resolveUserId` must be present (default `true`). An adapter that receives it later
   * (Nest's async factory) passes `false` and checks it once it arrives.
   */
  requireResolveUserId?: boolean;
}

const METHODS: readonly ClientTokenMethod[] = ['POST', 'GET'];

// A path is one literal route: no query, fragment, whitespace or control characters (which
// would never match a request and usually mean a mistake such as a full URL).
// eslint-disable-next-line no-control-regex
const BAD_PATH_CHARS = /[\s?#\u0000-\u001f\u007f]/;

/**
 * Checks the client-token route's options at construction and normalises them: `resolveUserId`
 * a function, `path` a non-empty literal path (a leading `/` is added), `method` or `methods`
 * `POST`/`GET` in any case (not both), `body` `'object'` or `'token'`. Throws a
 * {@link BasiqConfigError} (`code` `invalid_options`, `option` naming the field) otherwise, so a
 * typo fails when the app starts rather than on a user's request.
 */
export function validateClientTokenRouteOptions<Req = Request>(
  options: ClientTokenRouteOptions<Req> | Partial<ClientTokenRouteOptions<Req>>,
  settings: ValidateRouteOptionsSettings = {},
): ResolvedClientTokenRoute<Req> {
  const prefix = settings.optionPrefix;
  const name = (field: string): string => (prefix ? `${prefix}.${field}` : field);
  if (typeof options !== 'object' || options === null) {
    throw new BasiqConfigError(`${prefix ?? 'The client-token route options'} must be an object`, {
      option: prefix ?? 'options',
    });
  }

  const { resolveUserId } = options;
  if (resolveUserId !== undefined || settings.requireResolveUserId !== false) {
    if (typeof resolveUserId !== 'function') {
      throw new BasiqConfigError(
        `${name('resolveUserId')} must be a function reading the signed-in user from the request`,
        { option: name('resolveUserId') },
      );
    }
  }

  let path: string | undefined;
  if (options.path !== undefined) {
    if (typeof options.path !== 'string' || options.path.trim() === '' || BAD_PATH_CHARS.test(options.path)) {
      throw new BasiqConfigError(
        `${name('path')} must be a non-empty path such as "${DEFAULT_CLIENT_TOKEN_PATH}" (no spaces, query or fragment)`,
        { option: name('path') },
      );
    }
    path = options.path.startsWith('/') ? options.path : `/${options.path}`;
  }

  if (options.method !== undefined && options.methods !== undefined) {
    throw new BasiqConfigError(`Give ${name('method')} or ${name('methods')}, not both`, {
      option: name('methods'),
    });
  }
  let methods: ClientTokenMethod[];
  if (options.methods !== undefined) {
    if (!Array.isArray(options.methods) || options.methods.length === 0) {
      throw new BasiqConfigError(`${name('methods')} must be a non-empty array of "POST" and/or "GET"`, {
        option: name('methods'),
      });
    }
    methods = [];
    for (const m of options.methods as readonly unknown[]) {
      const method = toMethod(m, name('methods'));
      if (!methods.includes(method)) methods.push(method);
    }
  } else {
    methods = [
      options.method === undefined ? DEFAULT_CLIENT_TOKEN_METHOD : toMethod(options.method, name('method')),
    ];
  }

  const body = options.body ?? 'object';
  if (body !== 'object' && body !== 'token') {
    throw new BasiqConfigError(`${name('body')} must be "object" or "token", got ${describe(body)}`, {
      option: name('body'),
    });
  }

  return {
    resolveUserId: resolveUserId as ResolveUserId<Req> | undefined,
    path,
    methods: Object.freeze(methods),
    body,
  };
}

function toMethod(value: unknown, option: string): ClientTokenMethod {
  const upper = typeof value === 'string' ? value.toUpperCase() : undefined;
  const method = METHODS.find((m) => m === upper);
  if (!method) {
    throw new BasiqConfigError(`${option} must be "POST" or "GET", got ${describe(value)}`, { option });
  }
  return method;
}

// Only the type, or a short and sanitised string: options may be built from env, and an
// error message must never echo something that might be a secret at length.
function describe(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  return JSON.stringify(value.replace(/[^\w-]/g, '').slice(0, 16));
}
