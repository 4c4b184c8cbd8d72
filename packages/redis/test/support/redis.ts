/**
 * Real Redis for the tests, at REDIS_URL (default redis://127.0.0.1:6379).
 *
 * When no Redis answers, the Redis tests are skipped with a loud warning on a developer machine,
 * and fail under CI (CI=true): a green CI run must have exercised the real server.
 */
import { randomBytes } from 'node:crypto';
import { Redis, Cluster } from 'ioredis';
import { createClient, createCluster } from 'redis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const IN_CI = process.env.CI === 'true';

export type NodeRedisClient = ReturnType<typeof createClient>;
export type NodeRedisCluster = ReturnType<typeof createCluster>;

/** A prefix no other test run uses, so runs (and suites) never see each other's keys. */
export function uniquePrefix(label: string): string {
  return `pc-test:${label}:${randomBytes(6).toString('hex')}:`;
}

/** An ioredis client that fails fast instead of retrying forever (a test must not hang). */
export function ioredisClient(url = REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000, retryStrategy: () => null, lazyConnect: true });
}

export async function nodeRedisClient(url = REDIS_URL): Promise<NodeRedisClient> {
  const client = createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
  client.on('error', () => {
    // Reported through the failing command; without a listener node-redis would throw it.
  });
  await client.connect();
  return client;
}

/**
 * Undefined when Redis answers PING; otherwise why not. Under CI an unreachable Redis is a failure
 * (the caller turns the reason into a failing test), elsewhere a skip with a warning.
 */
export async function redisUnavailableReason(): Promise<string | undefined> {
  const client = ioredisClient();
  client.on('error', () => {});
  try {
    await client.connect();
    const pong = await client.ping();
    return pong === 'PONG' ? undefined : `unexpected PING reply from ${REDIS_URL}`;
  } catch (error) {
    return `no Redis at ${REDIS_URL} (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    client.disconnect();
  }
}

/** Prints the loud notice; returns the skip reason (undefined under CI, where the tests must run and fail). */
export function skipReasonFor(unavailable: string | undefined, what: string): string | undefined {
  if (unavailable === undefined) return undefined;
  if (IN_CI) return undefined;
  console.warn(`\n*** ${what} SKIPPED: ${unavailable}.\n*** Start one (redis-server --port 6379) or set REDIS_URL; under CI=true these tests fail instead.\n`);
  return `${what}: ${unavailable}`;
}

/** Deletes every key under `prefix` (SCAN, never KEYS), for cleanup after a suite. */
export async function deleteKeysWithPrefix(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  // Bounded: a test run writes a few thousand keys at most.
  for (let round = 0; round < 10_000; round++) {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    if (keys.length > 0) deleted += await client.del(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  return deleted;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

export { Redis, Cluster, createClient, createCluster };
