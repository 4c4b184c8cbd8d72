/**
 * The store conformance suite on real Redis: through ioredis and through node-redis, on a
 * standalone server (REDIS_URL) and on a real Redis Cluster (a one-node cluster owning every
 * slot, started here). Time passes for real: the suite waits past short TTLs (100 ms) and only
 * relies on at least that much time having passed.
 *
 * Without Redis the suites are skipped with a warning; under CI=true they fail instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { redisStore } from '../src/index.js';
import { runStoreConformance, type StoreHarness } from './store-conformance.js';
import {
  Cluster,
  IN_CI,
  createCluster,
  deleteKeysWithPrefix,
  ioredisClient,
  nodeRedisClient,
  redisUnavailableReason,
  skipReasonFor,
  uniquePrefix,
} from './support/redis.js';
import { redisServerMissingReason, startClusterNode } from './support/cluster-node.js';

/** Generous: these suites test behaviour; the deadline has its own tests (timeout.test.ts). */
const COMMAND_TIMEOUT_MS = 5_000;

const unavailable = await redisUnavailableReason();
const skip = skipReasonFor(unavailable, 'Redis store conformance (standalone)');
const clusterMissing = redisServerMissingReason();
const clusterSkip = skipReasonFor(clusterMissing, 'Redis store conformance (Cluster)');

test('a Redis server answers at REDIS_URL (required when CI=true)', { skip: IN_CI ? false : skip ?? false }, () => {
  assert.equal(unavailable, undefined);
});

test('redis-server can be run for the Cluster suites (required when CI=true)', { skip: IN_CI ? false : clusterSkip ?? false }, () => {
  assert.equal(clusterMissing, undefined);
});

runStoreConformance(
  'redis via ioredis',
  async (): Promise<StoreHarness> => {
    const client = ioredisClient();
    await client.connect();
    const prefix = uniquePrefix('ioredis');
    const neighbourPrefix = uniquePrefix('ioredis-neighbour');
    return {
      store: redisStore({ client, prefix, commandTimeoutMs: COMMAND_TIMEOUT_MS }),
      neighbour: redisStore({ client, prefix: neighbourPrefix, commandTimeoutMs: COMMAND_TIMEOUT_MS }),
      elapse: (ms) => sleep(ms),
      async close() {
        await deleteKeysWithPrefix(client, prefix);
        await deleteKeysWithPrefix(client, neighbourPrefix);
        await client.quit();
      },
    };
  },
  { skip },
);

runStoreConformance(
  'redis via node-redis',
  async (): Promise<StoreHarness> => {
    const client = await nodeRedisClient();
    const admin = ioredisClient();
    await admin.connect();
    const prefix = uniquePrefix('node-redis');
    const neighbourPrefix = uniquePrefix('node-redis-neighbour');
    return {
      store: redisStore({ client, prefix, commandTimeoutMs: COMMAND_TIMEOUT_MS }),
      neighbour: redisStore({ client, prefix: neighbourPrefix, commandTimeoutMs: COMMAND_TIMEOUT_MS }),
      elapse: (ms) => sleep(ms),
      async close() {
        await deleteKeysWithPrefix(admin, prefix);
        await deleteKeysWithPrefix(admin, neighbourPrefix);
        await admin.quit();
        await client.quit();
      },
    };
  },
  { skip },
);

runStoreConformance(
  'redis Cluster via ioredis Cluster',
  async (): Promise<StoreHarness> => {
    const node = await startClusterNode();
    const cluster = new Cluster([{ host: node.host, port: node.port }], {
      lazyConnect: true,
      clusterRetryStrategy: () => null,
      redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2_000 },
    });
    cluster.on('error', () => {});
    await cluster.connect();
    return {
      store: redisStore({ client: cluster, prefix: uniquePrefix('ioredis-cluster'), commandTimeoutMs: COMMAND_TIMEOUT_MS }),
      neighbour: redisStore({ client: cluster, prefix: uniquePrefix('ioredis-cluster-neighbour'), commandTimeoutMs: COMMAND_TIMEOUT_MS }),
      elapse: (ms) => sleep(ms),
      async close() {
        // The whole throwaway server goes, keys included.
        await cluster.quit();
        await node.stop();
      },
    };
  },
  { skip: clusterSkip },
);

runStoreConformance(
  'redis Cluster via node-redis createCluster',
  async (): Promise<StoreHarness> => {
    const node = await startClusterNode();
    const cluster = createCluster({ rootNodes: [{ url: `redis://${node.host}:${node.port}`, socket: { connectTimeout: 2_000, reconnectStrategy: false } }] });
    cluster.on('error', () => {});
    await cluster.connect();
    return {
      store: redisStore({ client: cluster, prefix: uniquePrefix('node-redis-cluster'), commandTimeoutMs: COMMAND_TIMEOUT_MS }),
      neighbour: redisStore({ client: cluster, prefix: uniquePrefix('node-redis-cluster-neighbour'), commandTimeoutMs: COMMAND_TIMEOUT_MS }),
      elapse: (ms) => sleep(ms),
      async close() {
        await cluster.close();
        await node.stop();
      },
    };
  },
  { skip: clusterSkip },
);
