import * as openapiFetch from 'openapi-fetch';

type CreateClient = typeof openapiFetch.default;

// openapi-fetch's only export of `createClient` is its default. Core's ESM build gets the function
// there; its CommonJS build loads openapi-fetch's CommonJS file through Node's interop, where
// `default` is that file's whole `exports` and the function is `exports.default`.
const loaded = openapiFetch as unknown as { default: CreateClient | { default: CreateClient } };

/** openapi-fetch's `createClient`, from either build of core. */
export const createClient: CreateClient =
  typeof loaded.default === 'function' ? loaded.default : loaded.default.default;
