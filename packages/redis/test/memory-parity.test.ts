import { describe } from 'vitest';
import { MemoryStore } from '@basiq-token/core';
import { storeContract } from './store-contract.js';

// The same contract as the Redis suites, against core's in-process default: the two agree.
describe('MemoryStore meets the store contract', () => {
  const store = new MemoryStore();
  storeContract(() => store);
});
