/**
 * The store conformance suite on core's MemoryStore, with a test clock: time passes only when the
 * suite says so, so the expiry tests are exact and instant. This is the reference the Redis store
 * is held to (redis-store.conformance.test.ts runs the very same suite).
 */
import { MemoryStore } from '@portcullis/core';
import { runStoreConformance } from './store-conformance.js';

runStoreConformance('MemoryStore (test clock)', async () => {
  let now = Date.UTC(2030, 0, 1);
  const store = new MemoryStore({ now: () => now });
  return {
    store,
    elapse: async (ms) => {
      now += ms;
    },
    close: () => store.close(),
  };
});
