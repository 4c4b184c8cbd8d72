/**
 * MemoryStore: counters with TTL (fixed window), set-if-absent, expiry and bounded eviction, with an
 * injected clock (no sleeping, no timing assertions).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FirewallError, MemoryStore } from '../src/index.js';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('MemoryStore', () => {
  it('increments a counter created with its TTL, keeping the expiry of the window', async () => {
    const c = clock();
    const store = new MemoryStore({ now: c.now });
    assert.deepEqual(await store.increment('k', 1, 1000), { value: 1, ttlMs: 1000 });
    c.advance(400);
    assert.deepEqual(await store.increment('k', 2, 1000), { value: 3, ttlMs: 600 }, 'the window is not extended');
    c.advance(599);
    assert.deepEqual(await store.increment('k', 1, 1000), { value: 4, ttlMs: 1 });
    c.advance(1);
    assert.deepEqual(await store.increment('k', 1, 1000), { value: 1, ttlMs: 1000 }, 'expired at exactly its TTL: a new window');
    assert.equal(await store.get('k'), '1');
  });

  it('keeps counters apart by key', async () => {
    const store = new MemoryStore({ now: clock().now });
    await store.increment('a', 5, 1000);
    await store.increment('b', 1, 1000);
    assert.equal(await store.get('a'), '5');
    assert.equal(await store.get('b'), '1');
    assert.equal(await store.get('c'), undefined);
  });

  it('setIfAbsent sets only when absent or expired', async () => {
    const c = clock();
    const store = new MemoryStore({ now: c.now });
    assert.equal(await store.setIfAbsent('nonce', 'x', 500), true);
    assert.equal(await store.setIfAbsent('nonce', 'y', 500), false, 'a replayed nonce');
    assert.equal(await store.get('nonce'), 'x');
    c.advance(499);
    assert.equal(await store.setIfAbsent('nonce', 'z', 500), false);
    c.advance(1);
    assert.equal(await store.get('nonce'), undefined);
    assert.equal(await store.setIfAbsent('nonce', 'z', 500), true);
    assert.equal(await store.get('nonce'), 'z');
  });

  it('set, get, delete and expiry', async () => {
    const c = clock();
    const store = new MemoryStore({ now: c.now });
    await store.set('ban:1', 'yes', 100);
    assert.equal(await store.get('ban:1'), 'yes');
    await store.set('ban:1', 'again', 100);
    c.advance(99);
    assert.equal(await store.get('ban:1'), 'again');
    c.advance(1);
    assert.equal(await store.get('ban:1'), undefined);
    await store.set('x', '1', 100);
    await store.delete('x');
    assert.equal(await store.get('x'), undefined);
    await store.delete('never-set');
  });

  it('increment over a string value starts a new counter', async () => {
    const store = new MemoryStore({ now: clock().now });
    await store.set('k', 'text', 1000);
    assert.deepEqual(await store.increment('k', 1, 1000), { value: 1, ttlMs: 1000 });
  });

  it('is bounded: past maxKeys the oldest write is evicted first', async () => {
    const store = new MemoryStore({ maxKeys: 3, now: clock().now });
    await store.set('a', '1', 10_000);
    await store.set('b', '2', 10_000);
    await store.set('c', '3', 10_000);
    assert.equal(store.size, 3);
    await store.set('d', '4', 10_000);
    assert.equal(store.size, 3);
    assert.equal(await store.get('a'), undefined, 'oldest evicted');
    assert.equal(await store.get('d'), '4');
    await store.set('b', '22', 10_000); // rewriting makes it the newest
    await store.increment('e', 1, 10_000);
    assert.equal(await store.get('c'), undefined);
    assert.equal(await store.get('b'), '22');
    assert.equal(await store.get('e'), '1');
  });

  it('keeps evicting in write order across deletes, rewrites and a cleared store', async () => {
    const store = new MemoryStore({ maxKeys: 3, now: clock().now });
    for (const k of ['a', 'b', 'c', 'd']) await store.set(k, k, 10_000); // a evicted
    await store.delete('b');
    await store.set('c', 'c2', 10_000); // c is now the newest
    await store.set('e', 'e', 10_000); // room left by b: nothing evicted
    await store.set('f', 'f', 10_000); // d is the oldest
    assert.deepEqual([await store.get('d'), await store.get('c'), await store.get('e'), await store.get('f')], [undefined, 'c2', 'e', 'f']);
    await store.close();
    for (const k of ['x', 'y', 'z', 'w']) await store.set(k, k, 10_000);
    assert.equal(await store.get('x'), undefined, 'after clearing, the first write of the refill is the oldest');
    assert.equal(store.size, 3);
  });

  it('a flood of distinct keys never grows it past maxKeys', async () => {
    const store = new MemoryStore({ maxKeys: 100, now: clock().now });
    for (let i = 0; i < 10_000; i++) await store.increment(`ip:${i}`, 1, 60_000);
    assert.equal(store.size, 100);
    assert.equal(await store.get('ip:9999'), '1');
    assert.equal(await store.get('ip:0'), undefined);
  });

  it('refuses a bad maxKeys instead of defaulting', () => {
    for (const maxKeys of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => new MemoryStore({ maxKeys }),
        (error: unknown) => error instanceof FirewallError && error.code === 'ERR_POLICY_INVALID' && error.path === 'store.maxKeys',
        String(maxKeys),
      );
    }
    assert.equal(new MemoryStore().maxKeys, 100_000);
    assert.equal(new MemoryStore().name, 'memory');
  });

  it('close() empties it', async () => {
    const store = new MemoryStore();
    await store.set('a', '1', 1000);
    await store.close();
    assert.equal(store.size, 0);
  });

  it('is what guards get as context.store by default, on the policy clock', async () => {
    const { createFirewall, defineGuard, ALLOW } = await import('../src/index.js');
    const c = clock(0);
    const counts: number[] = [];
    const counter = defineGuard('counter', (ctx) =>
      Object.freeze({
        id: 'counter',
        kind: 'counter',
        phase: 'rate-limit' as const,
        mode: undefined,
        onError: 'allow' as const,
        timeoutMs: undefined,
        async evaluate(_request: unknown, context: { store: { increment(k: string, by: number, ttl: number): Promise<{ value: number }> } }) {
          counts.push((await context.store.increment('k', 1, 1000)).value);
          assert.equal(ctx.store, context.store);
          return ALLOW;
        },
      }),
    );
    const fw = createFirewall({ guards: [counter], clock: c.now });
    const init = { method: 'GET', target: '/', headers: [], remoteAddress: '10.0.0.1' };
    await fw.decide(init);
    await fw.decide(init);
    c.advance(1000);
    await fw.decide(init);
    assert.deepEqual(counts, [1, 2, 1]);
  });
});
