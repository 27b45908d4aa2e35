export { RedisStore, createRedisStore } from './redis-store.js';
export type { RedisStoreOptions } from './redis-store.js';
export { RedisStoreError } from './errors.js';
export { keyOfCommand } from './command.js';
export type {
  IORedisLike,
  NodeRedisClusterLike,
  NodeRedisLike,
  RedisCommand,
  UpstashRedisLike,
} from './command.js';
