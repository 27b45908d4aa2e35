export type { HttpOptions } from './http-options.js';
export { createBasiqAxios, attachToAxios, toBasiqApiError } from './axios.js';
export { createBasiqFetch, readBasiqApiError } from './fetch.js';
export { isBasiqOrigin } from './origin.js';
