import { describe } from 'vitest';
import { noteRedisSkip, redisSupport } from '../support/redis-server.js';
import { itRunsTheTokenScenarios, redisServerStore, useFleet } from './harness.js';

noteRedisSkip('fleet: client tokens and refusals');

const SIZE = 8;

describe.skipIf(!redisSupport.available)(
  `client tokens and refusals across ${SIZE} processes sharing one Redis`,
  () => {
    // Sharing is under test: a slow answer on a loaded machine must not cut an instance off.
    const fleet = useFleet({ size: SIZE, store: redisServerStore, storeTimeoutMs: 5_000 });
    itRunsTheTokenScenarios(fleet, SIZE);
  },
);
