/**
 * What is particular to the Redis store, beyond the shared store contract
 * (redis-store.conformance.test.ts): option validation, client detection, argument checks, the
 * key layout on the server, the script cache fallback, error mapping, and that the store never
 * closes the application's client. Tests that need a server use REDIS_URL and are skipped with a
 * warning without one (failing under CI=true).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ALLOW, FirewallError, PolicyError, createFirewall, defineGuard, type Guard } from '@portcullis/core';
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_PREFIX, INCREMENT_SCRIPT, redisStore, type RedisStoreOptions } from '../src/index.js';
import {
  Cluster,
  Redis,
  createClient,
  createCluster,
  deleteKeysWithPrefix,
  ioredisClient,
  nodeRedisClient,
  redisUnavailableReason,
  skipReasonFor,
  uniquePrefix,
  type NodeRedisClient,
} from './support/redis.js';

/** A client that is never connected: options and argument checks must not need a server. */
function idleIoredis(): Redis {
  return new Redis({ lazyConnect: true });
}

function policyError(path: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof PolicyError, `a PolicyError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_POLICY_INVALID');
    assert.equal(error.path, path);
    return true;
  };
}

describe('redisStore options', () => {
  const client = idleIoredis();
  after(() => client.disconnect());

  test('defaults: name redis, prefix pc:, 500 ms per operation', () => {
    const store = redisStore({ client });
    assert.equal(store.name, 'redis');
    assert.equal(store.prefix, 'pc:');
    assert.equal(DEFAULT_PREFIX, 'pc:');
    assert.equal(store.commandTimeoutMs, 500);
    assert.equal(DEFAULT_COMMAND_TIMEOUT_MS, 500);
    assert.ok(Object.isFrozen(store));
  });

  test('takes a prefix and a timeout', () => {
    const store = redisStore({ client, prefix: 'orders-api:rl:', commandTimeoutMs: 250 });
    assert.equal(store.prefix, 'orders-api:rl:');
    assert.equal(store.commandTimeoutMs, 250);
  });

  test('refuses options that are not an object, and unknown options', () => {
    assert.throws(() => redisStore(undefined as unknown as RedisStoreOptions), policyError('store'));
    assert.throws(() => redisStore(client as unknown as RedisStoreOptions), policyError('store'));
    assert.throws(() => redisStore({ client, prefx: 'a:' } as unknown as RedisStoreOptions), policyError('store.prefx'));
  });

  test('refuses anything but a Redis client', () => {
    for (const bad of [undefined, null, 'redis://127.0.0.1:6379', {}, { get() {}, set() {}, del() {} }, new Map()]) {
      assert.throws(() => redisStore({ client: bad } as unknown as RedisStoreOptions), policyError('store.client'), String(bad));
    }
  });

  test('refuses a bad prefix instead of substituting the default', () => {
    for (const bad of ['', 'has space:', 'tab\t', 'new\nline', 'nul\u0000', 'lone\uD800', 'x'.repeat(129), 7, null, ['pc:']]) {
      assert.throws(() => redisStore({ client, prefix: bad } as unknown as RedisStoreOptions), policyError('store.prefix'), JSON.stringify(bad));
    }
    assert.equal(redisStore({ client, prefix: 'x'.repeat(128) }).prefix.length, 128);
    assert.equal(redisStore({ client, prefix: '{tenant-a}:' }).prefix, '{tenant-a}:');
  });

  test('refuses a bad commandTimeoutMs', () => {
    for (const bad of [0, -1, 1.5, 60_001, Number.NaN, Infinity, '500', null]) {
      assert.throws(() => redisStore({ client, commandTimeoutMs: bad } as unknown as RedisStoreOptions), policyError('store.commandTimeoutMs'), String(bad));
    }
  });

  test('recognises ioredis Redis and Cluster, and node-redis clients and clusters, without connecting', async () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: 6379 }], { lazyConnect: true });
    const nodeClient = createClient({ url: 'redis://127.0.0.1:6379' });
    const nodeCluster = createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:6379' }] });
    for (const candidate of [client, cluster, nodeClient, nodeCluster]) {
      assert.equal(redisStore({ client: candidate }).name, 'redis');
    }
    cluster.disconnect();
    assert.equal(nodeClient.isOpen, false, 'the store did not open the client');
  });
});

describe('redisStore arguments', () => {
  const client = idleIoredis();
  const store = redisStore({ client, prefix: uniquePrefix('arguments') });
  after(() => client.disconnect());

  test('increment needs an integer `by` and a positive ttl', async () => {
    await assert.rejects(store.increment('k', 1.5, 1000), RangeError);
    await assert.rejects(store.increment('k', Number.NaN, 1000), RangeError);
    await assert.rejects(store.increment('k', 1, 0), RangeError);
    await assert.rejects(store.increment('k', 1, -5), RangeError);
    await assert.rejects(store.increment('k', 1, Infinity), RangeError);
  });

  test('set and setIfAbsent need a positive ttl', async () => {
    await assert.rejects(store.set('k', 'v', 0), RangeError);
    await assert.rejects(store.setIfAbsent('k', 'v', Number.NaN), RangeError);
  });

  test('a key with a lone surrogate is refused: UTF-8 would merge it with another key', async () => {
    for (const operation of [() => store.get('a\uD800'), () => store.delete('\uDC00b'), () => store.increment('x\uD83D', 1, 1000)]) {
      await assert.rejects(operation(), RangeError);
    }
  });
});

const unavailable = await redisUnavailableReason();
const skip = skipReasonFor(unavailable, 'Redis store tests on a server');

describe('redisStore on a server', { skip: skip ?? false }, () => {
  let admin: Redis;
  let ioredis: Redis;
  let nodeRedis: NodeRedisClient;
  const prefix = uniquePrefix('layout');

  before(async () => {
    admin = ioredisClient();
    ioredis = ioredisClient();
    await admin.connect();
    await ioredis.connect();
    nodeRedis = await nodeRedisClient();
  });

  after(async () => {
    await deleteKeysWithPrefix(admin, prefix);
    await deleteKeysWithPrefix(admin, 'pc:pc-test-default-prefix:');
    await Promise.all([admin.quit(), ioredis.quit(), nodeRedis.quit()]);
  });

  const clients = (): [string, Redis | NodeRedisClient][] => [
    ['ioredis', ioredis],
    ['node-redis', nodeRedis],
  ];

  test('keys are prefix + key: a counter with its expiry, a nonce, a value', async () => {
    for (const [library, client] of clients()) {
      const store = redisStore({ client, prefix });
      await store.increment(`${library}:counter`, 3, 10_000);
      assert.equal(await admin.get(`${prefix}${library}:counter`), '3');
      const pttl = await admin.pttl(`${prefix}${library}:counter`);
      assert.ok(pttl > 0 && pttl <= 10_000, `PTTL ${pttl}`);
      assert.equal(await store.setIfAbsent(`${library}:nonce`, 'seen', 10_000), true);
      assert.equal(await admin.get(`${prefix}${library}:nonce`), 'seen');
      assert.ok((await admin.pttl(`${prefix}${library}:nonce`)) > 0);
      await store.set(`${library}:value`, 'v', 10_000);
      assert.equal(await admin.get(`${prefix}${library}:value`), 'v');
      await store.delete(`${library}:value`);
      assert.equal(await admin.exists(`${prefix}${library}:value`), 0);
    }
  });

  test('the default prefix is pc:', async () => {
    const store = redisStore({ client: ioredis });
    await store.set('pc-test-default-prefix:probe', 'here', 10_000);
    assert.equal(await admin.get('pc:pc-test-default-prefix:probe'), 'here');
  });

  test('increment gives a key that has no expiry one (no counter lives forever)', async () => {
    for (const [library, client] of clients()) {
      const store = redisStore({ client, prefix });
      await admin.set(`${prefix}${library}:no-expiry`, '7');
      assert.equal(await admin.pttl(`${prefix}${library}:no-expiry`), -1);
      const result = await store.increment(`${library}:no-expiry`, 1, 10_000);
      assert.deepEqual(result, { value: 8, ttlMs: 10_000 });
      assert.ok((await admin.pttl(`${prefix}${library}:no-expiry`)) > 0);
    }
  });

  test('a fractional ttl is rounded up to whole milliseconds', async () => {
    const store = redisStore({ client: ioredis, prefix });
    const result = await store.increment('fractional', 1, 10_000.2);
    assert.equal(result.ttlMs, 10_001);
  });

  test('after the script cache is flushed, increment falls back to EVAL and caches the script again', async () => {
    const sha = createHash('sha1').update(INCREMENT_SCRIPT).digest('hex');
    for (const [library, client] of clients()) {
      const store = redisStore({ client, prefix });
      await admin.script('FLUSH');
      assert.deepEqual(await admin.script('EXISTS', sha), [0]);
      assert.equal((await store.increment(`${library}:after-flush`, 1, 10_000)).value, 1);
      assert.deepEqual(await admin.script('EXISTS', sha), [1], `${library}: EVAL cached the script`);
      assert.equal((await store.increment(`${library}:after-flush`, 1, 10_000)).value, 2);
    }
  });

  test('a command error rejects with ERR_STORE_UNAVAILABLE, the key kept out of the message', async () => {
    for (const [library, client] of clients()) {
      const store = redisStore({ client, prefix });
      const key = `${library}:holds-text:secret-client-key`;
      await admin.set(`${prefix}${key}`, 'not a number', 'PX', 10_000);
      await assert.rejects(store.increment(key, 1, 10_000), (error: unknown) => {
        assert.ok(error instanceof FirewallError);
        assert.equal(error.code, 'ERR_STORE_UNAVAILABLE');
        assert.ok(!error.message.includes('secret-client-key'), error.message);
        assert.match(String((error.cause as Error).message), /not an integer/, `${library}: the client's error is the cause`);
        return true;
      });
    }
  });

  test('close() leaves the application client open and working', async () => {
    for (const [library, client] of clients()) {
      const store = redisStore({ client, prefix });
      await store.close?.();
      assert.equal(await store.get('anything'), undefined, `${library}: the store still works`);
    }
    assert.equal(await ioredis.ping(), 'PONG');
    assert.equal(await nodeRedis.ping(), 'PONG');
  });

  test('a firewall counts on it: a per-client limit shared by two firewalls (two processes of a fleet)', async () => {
    const limit = 3;
    // A minimal counting guard: the rate-limit guard proper lives elsewhere; this shows the wiring.
    const countingGuard = defineGuard('counting', (): Guard =>
      Object.freeze<Guard>({
        id: 'counting',
        kind: 'counting',
        phase: 'rate-limit',
        mode: undefined,
        onError: 'deny',
        timeoutMs: undefined,
        async evaluate(request, context) {
          const { value } = await context.store.increment(`fleet:${request.clientIp ?? 'unknown'}`, 1, 10_000);
          return value <= limit ? ALLOW : { outcome: 'deny', status: 429, code: 'rate_limited', title: 'Too many requests' };
        },
      }),
    );
    const firewalls = [ioredis, nodeRedis].map((client) => createFirewall({ guards: [countingGuard], store: redisStore({ client, prefix }) }));
    for (const firewall of firewalls) await firewall.ready();
    const statuses: (number | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      const firewall = firewalls[i % 2] as (typeof firewalls)[number];
      const decision = await firewall.decide({ method: 'GET', target: '/', headers: [['host', 'x']], remoteAddress: '198.51.100.7' });
      statuses.push(decision.outcome === 'deny' ? decision.status : 200);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    for (const firewall of firewalls) await firewall.close();
    assert.equal(await ioredis.ping(), 'PONG', 'closing the firewall did not close the client');
  });
});
