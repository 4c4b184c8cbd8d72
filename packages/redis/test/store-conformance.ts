/**
 * The contract every core `Store` keeps (packages/core/src/store/store.ts), as one suite that runs
 * on any implementation: MemoryStore with a test clock, Redis through ioredis and node-redis,
 * standalone and Cluster. A later store (or a store wrapper) adds one `runStoreConformance` call.
 *
 * Time: a harness lets time pass with `elapse(ms)`. A test clock advances by exactly `ms`; a real
 * backend waits at least `ms`. So the tests only rely on a *lower* bound of elapsed time: "still
 * there" checks use long TTLs (10 s), "gone" checks use short TTLs (100 ms) and wait past them.
 * Nothing asserts how long an operation took.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '@portcullis/core';

export interface StoreHarness {
  /** The store under test; its keys must not collide with another harness's. */
  readonly store: Store;
  /**
   * A second store on the same backend in its own namespace (another prefix), to show that two
   * namespaces never see each other's keys. Omitted when each store is its own backend.
   */
  readonly neighbour?: Store;
  /** Lets at least `ms` milliseconds of store time pass. */
  elapse(ms: number): Promise<void>;
  /** Removes what the tests wrote and closes what the harness opened. */
  close(): Promise<void>;
}

export interface StoreConformanceOptions {
  /** A reason to skip the whole suite (e.g. Redis is not reachable); undefined runs it. */
  readonly skip?: string | undefined;
}

/** Long enough that nothing expires during a test, however slow the machine. */
const LONG_TTL_MS = 10_000;
/** Short enough to wait past; the tests wait SHORT_TTL_MS + EXPIRY_MARGIN_MS. */
const SHORT_TTL_MS = 100;
const EXPIRY_MARGIN_MS = 50;
const CONCURRENCY = 200;

/** Keys that a careless encoding would mangle, merge or split (all distinct). */
export const ODD_KEYS: readonly string[] = [
  'with space',
  'line\nbreak',
  'crlf\r\nSET injected 1',
  'tab\tand\u0000nul',
  '{hash-tag}rest',
  'glob*?[a-z]',
  'quotes"\'`',
  'back\\slash',
  'ünïcödé-日本語-🙂',
  'colon:separated:parts',
  '',
  ' ',
  'x'.repeat(1024),
];

export function runStoreConformance(name: string, makeHarness: () => Promise<StoreHarness>, options: StoreConformanceOptions = {}): void {
  describe(`store conformance: ${name}`, { skip: options.skip ?? false }, () => {
    let harness: StoreHarness;
    let store: Store;
    let sequence = 0;
    /** A key no other test uses. */
    const fresh = (label: string): string => `${label}:${++sequence}`;

    before(async () => {
      harness = await makeHarness();
      store = harness.store;
    });

    after(async () => {
      if (harness !== undefined) await harness.close();
    });

    test('has a short name for telemetry', () => {
      assert.equal(typeof store.name, 'string');
      assert.ok(store.name.length > 0);
    });

    describe('increment', () => {
      test('creates the counter with the given ttl', async () => {
        const key = fresh('create');
        const first = await store.increment(key, 1, LONG_TTL_MS);
        assert.equal(first.value, 1);
        assert.ok(first.ttlMs > LONG_TTL_MS - 1_000 && first.ttlMs <= LONG_TTL_MS, `ttlMs ${first.ttlMs}`);
        assert.equal(await store.get(key), '1');
      });

      test('adds `by` (more than one) to the counter', async () => {
        const key = fresh('by');
        assert.equal((await store.increment(key, 5, LONG_TTL_MS)).value, 5);
        assert.equal((await store.increment(key, 3, LONG_TTL_MS)).value, 8);
        assert.equal((await store.increment(key, 1, LONG_TTL_MS)).value, 9);
        assert.equal(await store.get(key), '9');
      });

      test('later increments keep the expiry (a fixed window, not a sliding one)', async () => {
        const key = fresh('keep-expiry');
        await store.increment(key, 1, LONG_TTL_MS);
        await harness.elapse(100);
        const second = await store.increment(key, 1, LONG_TTL_MS);
        assert.equal(second.value, 2);
        // Restarting the window would report the full ttl again.
        assert.ok(second.ttlMs > 0 && second.ttlMs <= LONG_TTL_MS - 100, `ttlMs ${second.ttlMs} after 100 ms`);
      });

      test('the counter expires after its ttl and then starts again from `by`', async () => {
        const key = fresh('expires');
        assert.equal((await store.increment(key, 1, SHORT_TTL_MS)).value, 1);
        await harness.elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
        assert.equal(await store.get(key), undefined);
        const again = await store.increment(key, 2, LONG_TTL_MS);
        assert.equal(again.value, 2);
        assert.ok(again.ttlMs > LONG_TTL_MS - 1_000, `a new window: ttlMs ${again.ttlMs}`);
      });

      test('concurrent increments from many callers sum exactly', async () => {
        const key = fresh('concurrent');
        const results = await Promise.all(Array.from({ length: CONCURRENCY }, () => store.increment(key, 1, LONG_TTL_MS)));
        // Every caller saw a distinct value: no two read-modify-writes interleaved.
        assert.deepEqual(
          results.map((r) => r.value).sort((a, b) => a - b),
          Array.from({ length: CONCURRENCY }, (_, i) => i + 1),
        );
        assert.equal(await store.get(key), String(CONCURRENCY));
      });

      test('concurrent increments by different amounts sum exactly', async () => {
        const key = fresh('concurrent-by');
        const amounts = Array.from({ length: CONCURRENCY }, (_, i) => (i % 4) + 1);
        await Promise.all(amounts.map((by) => store.increment(key, by, LONG_TTL_MS)));
        assert.equal(await store.get(key), String(amounts.reduce((a, b) => a + b, 0)));
      });

      test('delete removes a counter: the next increment starts again', async () => {
        const key = fresh('delete-counter');
        await store.increment(key, 4, LONG_TTL_MS);
        await store.delete(key);
        assert.equal((await store.increment(key, 1, LONG_TTL_MS)).value, 1);
      });
    });

    describe('setIfAbsent', () => {
      test('the first call sets the key, the next ones do not', async () => {
        const key = fresh('nonce');
        assert.equal(await store.setIfAbsent(key, 'first', LONG_TTL_MS), true);
        assert.equal(await store.setIfAbsent(key, 'second', LONG_TTL_MS), false);
        assert.equal(await store.setIfAbsent(key, 'third', LONG_TTL_MS), false);
        assert.equal(await store.get(key), 'first');
      });

      test('succeeds again once the ttl has passed', async () => {
        const key = fresh('nonce-expiry');
        assert.equal(await store.setIfAbsent(key, 'first', SHORT_TTL_MS), true);
        await harness.elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
        assert.equal(await store.get(key), undefined);
        assert.equal(await store.setIfAbsent(key, 'again', LONG_TTL_MS), true);
        assert.equal(await store.get(key), 'again');
      });

      test('concurrent calls on one key: exactly one caller wins', async () => {
        const key = fresh('nonce-race');
        const results = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => store.setIfAbsent(key, `caller-${i}`, LONG_TTL_MS)));
        const winners = results.flatMap((won, i) => (won ? [i] : []));
        assert.equal(winners.length, 1, `winners: ${winners.join(', ')}`);
        assert.equal(await store.get(key), `caller-${winners[0]}`);
      });

      test('is refused for a key that holds a value written by set', async () => {
        const key = fresh('nonce-after-set');
        await store.set(key, 'present', LONG_TTL_MS);
        assert.equal(await store.setIfAbsent(key, 'other', LONG_TTL_MS), false);
        assert.equal(await store.get(key), 'present');
      });
    });

    describe('get, set, delete', () => {
      test('get of a key never written is undefined', async () => {
        assert.equal(await store.get(fresh('never-written')), undefined);
      });

      test('set writes, set again replaces, delete removes', async () => {
        const key = fresh('value');
        await store.set(key, 'one', LONG_TTL_MS);
        assert.equal(await store.get(key), 'one');
        await store.set(key, 'two', LONG_TTL_MS);
        assert.equal(await store.get(key), 'two');
        await store.delete(key);
        assert.equal(await store.get(key), undefined);
      });

      test('delete of an absent key resolves', async () => {
        await store.delete(fresh('absent'));
      });

      test('a value set with a ttl expires', async () => {
        const key = fresh('value-expiry');
        await store.set(key, 'short-lived', SHORT_TTL_MS);
        await harness.elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
        assert.equal(await store.get(key), undefined);
      });

      test('set replaces the expiry as well as the value', async () => {
        const key = fresh('value-new-expiry');
        await store.set(key, 'short-lived', SHORT_TTL_MS);
        await store.set(key, 'long-lived', LONG_TTL_MS);
        await harness.elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
        assert.equal(await store.get(key), 'long-lived');
      });

      test('values round-trip exactly (empty, unicode, long)', async () => {
        const values = ['', ' ', 'ünïcödé 🙂', 'a\r\nb', 'v'.repeat(10_000)];
        const keys = values.map(() => fresh('round-trip'));
        await Promise.all(values.map((value, i) => store.set(keys[i] as string, value, LONG_TTL_MS)));
        assert.deepEqual(await Promise.all(keys.map((key) => store.get(key))), values);
      });
    });

    test('keys with odd characters are kept apart and round-trip', async () => {
      const base = fresh('odd');
      const keys = ODD_KEYS.map((odd) => `${base}:${odd}`);
      await Promise.all(keys.map((key, i) => store.set(key, `value-${i}`, LONG_TTL_MS)));
      assert.deepEqual(
        await Promise.all(keys.map((key) => store.get(key))),
        keys.map((_, i) => `value-${i}`),
      );
      // Counters and nonces under the same odd keys behave too.
      const counterKey = `${base}:counter:${ODD_KEYS[1] as string}`;
      assert.equal((await store.increment(counterKey, 2, LONG_TTL_MS)).value, 2);
      assert.equal(await store.setIfAbsent(`${base}:nonce:${ODD_KEYS[2] as string}`, 'x', LONG_TTL_MS), true);
      await Promise.all(keys.map((key) => store.delete(key)));
      assert.deepEqual(
        await Promise.all(keys.map((key) => store.get(key))),
        keys.map(() => undefined),
      );
    });

    test('two namespaces on one backend never see each other', async (t) => {
      const neighbour = harness.neighbour;
      if (neighbour === undefined) {
        // Reason: this harness's stores are separate backends; there is no shared namespace to test.
        t.skip('each store of this kind is its own backend');
        return;
      }
      const key = fresh('isolated');
      await store.set(key, 'mine', LONG_TTL_MS);
      assert.equal(await neighbour.get(key), undefined);
      assert.equal(await neighbour.setIfAbsent(key, 'theirs', LONG_TTL_MS), true);
      assert.equal(await store.get(key), 'mine');
      assert.equal(await neighbour.get(key), 'theirs');

      const counter = fresh('isolated-counter');
      await store.increment(counter, 5, LONG_TTL_MS);
      assert.equal((await neighbour.increment(counter, 1, LONG_TTL_MS)).value, 1);

      await neighbour.delete(key);
      assert.equal(await store.get(key), 'mine');
      await neighbour.delete(counter);
    });
  });
}
