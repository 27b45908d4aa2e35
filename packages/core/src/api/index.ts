export { createBasiqApi } from './client.js';
export type { BasiqApi } from './client.js';
export type { BasiqPaths } from './paths.js';
