export { RedisStore, createRedisStore } from './redis-store.js';
export type { RedisStoreOptions } from './redis-store.js';
export { RedisStoreError } from './errors.js';
export type { IORedisLike, NodeRedisLike, RedisCommand } from './command.js';
