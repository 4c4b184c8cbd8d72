import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALLOW, FirewallError, MemoryStore, createFirewall, defineGuard, type CounterResult, type Decision, type Diagnostic, type Firewall, type Identity, type Policy, type Store } from '@portcullis/core';
import { rateLimit, type RateLimitOptions } from '../src/index.js';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);

interface Harness {
  readonly firewall: Firewall;
  readonly diagnostics: Diagnostic[];
  advance(ms: number): void;
  send(init?: { ip?: string; headers?: [string, string][]; target?: string }): Promise<Decision>;
}

function harness(options: Partial<RateLimitOptions>, policy: Partial<Policy> = {}): Harness {
  let now = START;
  const diagnostics: Diagnostic[] = [];
  const firewall = createFirewall({
    clock: () => now,
    exposeDetails: false,
    telemetry: { onDecision() {}, onDiagnostic: (d) => void diagnostics.push(d) },
    guards: [rateLimit({ limits: [{ points: 3, windowSeconds: 60 }], ...options } as RateLimitOptions)],
    ...policy,
  });
  return {
    firewall,
    diagnostics,
    advance(ms) {
      now += ms;
    },
    send(init = {}) {
      return firewall.decide({ method: 'GET', target: init.target ?? '/things', headers: init.headers ?? [], remoteAddress: init.ip ?? '192.0.2.10' });
    },
  };
}

const header = (d: Decision, name: string): string | undefined =>
  (d.outcome === 'allow' ? d.responseHeaders : d.response?.headers ?? []).find(([n]) => n === name)?.[1];

async function sendTimes(h: Harness, n: number, init?: Parameters<Harness['send']>[0]): Promise<Decision[]> {
  const out: Decision[] = [];
  for (let i = 0; i < n; i++) out.push(await h.send(init));
  return out;
}

/** A Store around a MemoryStore that counts operations and can be made to fail or hang. */
class ControlledStore implements Store {
  readonly name = 'controlled';
  readonly inner: MemoryStore;
  increments = 0;
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  constructor(now: () => number = Date.now) {
    this.inner = new MemoryStore({ now });
  }
  #gate<T>(run: () => Promise<T>): Promise<T> {
    if (this.mode === 'fail') return Promise.reject(new Error('connection refused'));
    if (this.mode === 'hang') return new Promise<T>(() => {});
    return run();
  }
  increment(key: string, by: number, ttlMs: number): Promise<CounterResult> {
    this.increments++;
    // Like a store that cannot encode one key: a bad argument, not an outage.
    if (key.includes('!bad')) return Promise.reject(new RangeError('store key: not encodable'));
    return this.#gate(() => this.inner.increment(key, by, ttlMs));
  }
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.#gate(() => this.inner.setIfAbsent(key, value, ttlMs));
  }
  get(key: string): Promise<string | undefined> {
    return this.#gate(() => this.inner.get(key));
  }
  set(key: string, value: string, ttlMs: number): Promise<void> {
    return this.#gate(() => this.inner.set(key, value, ttlMs));
  }
  delete(key: string): Promise<void> {
    return this.#gate(() => this.inner.delete(key));
  }
}

/** An identity guard that sets the identity from an `x-user` header (a stand-in for @portcullis/auth). */
const identityFromHeader = defineGuard('test-identity', () => ({
  id: 'test-identity', kind: 'test-identity', phase: 'identity', mode: undefined, onError: 'deny', timeoutMs: undefined,
  evaluate(request) {
    const user = request.headers.get('x-user');
    if (user === undefined) return ALLOW;
    const identity: Identity = { method: 'test', subject: user, clientId: `app-${user}`, scopes: [], roles: [], claims: {} };
    return { outcome: 'allow', identity };
  },
}));

describe('rateLimit: windows, headers and refusals', () => {
  test('the request over the limit is 429 rate_limited with Retry-After and RateLimit headers', async () => {
    const h = harness({});
    const [a, b, c, d] = await sendTimes(h, 4);
    for (const [i, ok] of [a, b, c].entries()) {
      assert.equal(ok?.outcome, 'allow');
      assert.equal(header(ok as Decision, 'ratelimit-policy'), '"w60";q=3;w=60');
      assert.equal(header(ok as Decision, 'ratelimit'), `"w60";r=${2 - i};t=60`);
    }
    assert.equal(d?.status, 429);
    assert.equal(d?.code, 'rate_limited');
    assert.equal(header(d as Decision, 'retry-after'), '60');
    assert.equal(header(d as Decision, 'ratelimit'), '"w60";r=0;t=60');
    assert.deepEqual(JSON.parse(d?.response?.body ?? '{}').limit, undefined, 'limits are not in the body without exposeDetails');
    assert.equal(d?.annotations['ratelimit.store'], 'memory');
  });

  test('the window ends: the key is allowed again (local deny cache off, since it follows the real clock)', async () => {
    const h = harness({ localDenyCache: false });
    await sendTimes(h, 3);
    assert.equal((await h.send()).code, 'rate_limited');
    h.advance(30_000);
    const waiting = await h.send();
    assert.equal(header(waiting, 'retry-after'), '30');
    h.advance(30_001);
    assert.equal((await h.send()).outcome, 'allow');
  });

  test('several windows together: a burst window and a sustained one', async () => {
    const h = harness({ localDenyCache: false, limits: [{ points: 2, windowSeconds: 1, name: 'burst' }, { points: 3, windowSeconds: 60, name: 'sustained' }] });
    const first = await sendTimes(h, 3);
    assert.deepEqual(first.map((d) => d.outcome), ['allow', 'allow', 'deny']);
    assert.equal(header(first[2] as Decision, 'ratelimit-policy'), '"burst";q=2;w=1, "sustained";q=3;w=60');
    h.advance(1_001);
    // The burst window refilled; the sustained one has 1 point left (the refused request counted too).
    const second = await sendTimes(h, 1);
    assert.equal(second[0]?.code, 'rate_limited', 'the refused request consumed a sustained point');
    assert.equal(header(second[0] as Decision, 'ratelimit')?.startsWith('"sustained"'), true);
  });

  test('headers: false sends no RateLimit fields (Retry-After stays on a 429)', async () => {
    const h = harness({ headers: false, limits: [{ points: 1, windowSeconds: 60 }] });
    const [ok, refused] = await sendTimes(h, 2);
    assert.equal(header(ok as Decision, 'ratelimit'), undefined);
    assert.equal(header(refused as Decision, 'ratelimit-policy'), undefined);
    assert.equal(header(refused as Decision, 'retry-after'), '60');
  });

  test('exposeDetails reveals the limit in the problem body', async () => {
    const h = harness({ limits: [{ points: 1, windowSeconds: 60 }] }, { exposeDetails: true });
    const [, refused] = await sendTimes(h, 2);
    const body = JSON.parse(refused?.response?.body ?? '{}') as Record<string, unknown>;
    assert.equal(body['limit'], 1);
    assert.equal(body['window'], 60);
    assert.equal(body['retryAfter'], 60);
  });

  test('cost: static, from a function, and 0 (not counted)', async () => {
    const h = harness({ limits: [{ points: 10, windowSeconds: 60 }], cost: (request) => (request.path === '/free' ? 0 : request.path === '/heavy' ? 4 : 1) });
    assert.equal(header(await h.send({ target: '/heavy' }), 'ratelimit'), '"w60";r=6;t=60');
    for (let i = 0; i < 20; i++) assert.equal((await h.send({ target: '/free' })).outcome, 'allow');
    assert.equal(header(await h.send(), 'ratelimit'), '"w60";r=5;t=60');
    const static5 = harness({ limits: [{ points: 10, windowSeconds: 60 }], cost: 5 });
    assert.deepEqual((await sendTimes(static5, 3)).map((d) => d.outcome), ['allow', 'allow', 'deny']);
    const bad = harness({ cost: () => -1 });
    const failed = await bad.send();
    assert.equal(failed.results.find((r) => r.guard === 'rate-limit')?.outcome, 'error', 'a bad cost is an error (onError allow: passes, reported)');
    assert.ok(bad.diagnostics.some((d) => d.code === 'PC_GUARD_FAILED'));
  });

  test('a calendar quota per UTC day: quota_exceeded, then a new day', async () => {
    const h = harness({ limits: [{ points: 100, windowSeconds: 60 }], quota: { points: 2, period: 'day' } });
    const [a, b, c] = await sendTimes(h, 3);
    assert.equal(a?.outcome, 'allow');
    assert.equal(b?.outcome, 'allow');
    assert.equal(c?.code, 'quota_exceeded');
    assert.equal(header(c as Decision, 'retry-after'), String(12 * 3600), 'until midnight UTC');
    assert.equal(header(a as Decision, 'ratelimit-policy'), '"w60";q=100;w=60, "day";q=2;w=86400');
    h.advance(12 * 3600 * 1000);
    assert.equal((await h.send()).outcome, 'allow', 'a new UTC day, a new quota');
  });

  test('a monthly quota resets on the first of the next month', async () => {
    const h = harness({ limits: [{ points: 100, windowSeconds: 60 }], quota: { points: 1, period: 'month' } });
    await h.send();
    assert.equal((await h.send()).code, 'quota_exceeded');
    h.advance(31 * 86_400_000);
    assert.equal((await h.send()).outcome, 'allow');
  });
});

describe('rateLimit: charging a cost computed from the body', () => {
  test('with phase: body, the cost can read what an earlier body guard annotated (a GraphQL cost)', async () => {
    // Stands in for @portcullis/graphql's route guard, which annotates `graphql.cost` once it has read the body.
    const costAnnotator = defineGuard('test-cost', () => ({
      id: 'test-cost', kind: 'test-cost', phase: 'body', mode: undefined, onError: 'deny', timeoutMs: undefined,
      evaluate: (request) => ({ outcome: 'allow', annotations: { 'graphql.cost': Number(request.query.get('cost')?.[0] ?? '1') } }),
    }));
    const chargeCost = rateLimit({
      phase: 'body',
      limits: [{ points: 10, windowSeconds: 60 }],
      cost: (_request, context) => Number(context.annotations['graphql.cost'] ?? 1),
    });
    const h = harness({}, { guards: [], routes: [{ path: '/graphql', guards: [costAnnotator, chargeCost] }] });
    assert.equal(header(await h.send({ target: '/graphql?cost=7' }), 'ratelimit'), '"w60";r=3;t=60');
    const refused = await h.send({ target: '/graphql?cost=4' });
    assert.equal(refused.code, 'rate_limited', 'a query costing 4 does not fit in the 3 points left');
    assert.equal(refused.guard, 'rate-limit');
  });
});

describe('rateLimit: keys', () => {
  test('IPv6 clients are grouped by /64; another /64 is another bucket', async () => {
    const h = harness({ limits: [{ points: 2, windowSeconds: 60 }] });
    assert.equal((await h.send({ ip: '2001:db8:1:2::1' })).outcome, 'allow');
    assert.equal((await h.send({ ip: '2001:db8:1:2:ffff::9' })).outcome, 'allow');
    assert.equal((await h.send({ ip: '2001:db8:1:2:abcd::1' })).code, 'rate_limited', 'rotating inside one /64 does not evade the limit');
    assert.equal((await h.send({ ip: '2001:db8:1:3::1' })).outcome, 'allow');
    const wide = harness({ limits: [{ points: 1, windowSeconds: 60 }], ipv6Prefix: 48 });
    await wide.send({ ip: '2001:db8:1:2::1' });
    assert.equal((await wide.send({ ip: '2001:db8:1:ffff::1' })).code, 'rate_limited');
    const v4 = harness({ limits: [{ points: 1, windowSeconds: 60 }] });
    await v4.send({ ip: '192.0.2.1' });
    assert.equal((await v4.send({ ip: '192.0.2.2' })).outcome, 'allow', 'IPv4 addresses are not grouped');
  });

  test('identity keys: subject and client id; anonymous requests share one bucket (unresolved: shared)', async () => {
    const h = harness({ key: 'subject', limits: [{ points: 1, windowSeconds: 60 }] }, { guards: [identityFromHeader, rateLimit({ key: 'subject', limits: [{ points: 1, windowSeconds: 60 }] })] });
    assert.equal((await h.send({ headers: [['x-user', 'alice']] })).outcome, 'allow');
    assert.equal((await h.send({ headers: [['x-user', 'alice']] })).code, 'rate_limited');
    assert.equal((await h.send({ headers: [['x-user', 'bob']] })).outcome, 'allow');
    assert.equal((await h.send({ ip: '198.51.100.1' })).outcome, 'allow');
    assert.equal((await h.send({ ip: '198.51.100.2' })).code, 'rate_limited', 'two anonymous clients share the unresolved bucket');
  });

  test('unresolved: deny refuses a request without a key (403 rate_limit_key_missing)', async () => {
    const h = harness({}, { guards: [identityFromHeader, rateLimit({ key: 'clientId', unresolved: 'deny', limits: [{ points: 5, windowSeconds: 60 }] })] });
    const d = await h.send();
    assert.equal(d.status, 403);
    assert.equal(d.code, 'rate_limit_key_missing');
    assert.equal((await h.send({ headers: [['x-user', 'carol']] })).outcome, 'allow');
  });

  test('composite keys (route and ip), header keys and function keys', async () => {
    const h = harness({ key: ['route', 'ip'], limits: [{ points: 1, windowSeconds: 60 }] }, { routes: [{ path: '/a' }, { path: '/b' }] });
    assert.equal((await h.send({ target: '/a' })).outcome, 'allow');
    assert.equal((await h.send({ target: '/b' })).outcome, 'allow', 'another route is another bucket');
    assert.equal((await h.send({ target: '/a' })).code, 'rate_limited');
    const byHeader = harness({ key: { header: 'x-tenant' }, limits: [{ points: 1, windowSeconds: 60 }] });
    assert.equal((await byHeader.send({ headers: [['x-tenant', 't1']] })).outcome, 'allow');
    assert.equal((await byHeader.send({ headers: [['x-tenant', 't2']] })).outcome, 'allow');
    assert.equal((await byHeader.send({ headers: [['x-tenant', 't1']] })).code, 'rate_limited');
    await byHeader.firewall.ready();
    assert.ok(byHeader.diagnostics.some((d) => d.code === 'PC_RATE_LIMIT_SPOOFABLE_KEY'), 'a header key is reported as spoofable');
    const byFunction = harness({ key: (request) => request.query.get('tenant')?.[0], limits: [{ points: 1, windowSeconds: 60 }] });
    assert.equal((await byFunction.send({ target: '/x?tenant=a' })).outcome, 'allow');
    assert.equal((await byFunction.send({ target: '/x?tenant=a' })).code, 'rate_limited');
  });

  test('allowlists bypass: an IP range, a subject, a client id', async () => {
    const h = harness({}, {
      guards: [identityFromHeader, rateLimit({ limits: [{ points: 1, windowSeconds: 60 }], allow: { ips: ['10.0.0.0/8'], subjects: ['ops'], clientIds: ['app-batch'] } })],
    });
    for (let i = 0; i < 5; i++) assert.equal((await h.send({ ip: '10.1.2.3' })).outcome, 'allow');
    for (let i = 0; i < 5; i++) assert.equal((await h.send({ headers: [['x-user', 'ops']] })).outcome, 'allow');
    for (let i = 0; i < 5; i++) assert.equal((await h.send({ ip: '192.0.2.99', headers: [['x-user', 'batch']] })).outcome, 'allow');
    await h.send({ ip: '192.0.2.50' });
    assert.equal((await h.send({ ip: '192.0.2.50' })).code, 'rate_limited', 'everyone else is limited');
  });
});

describe('rateLimit: penalties', () => {
  test('exceeding a limit blocks the key; a repeat doubles the block', async () => {
    const h = harness({ localDenyCache: false, limits: [{ points: 2, windowSeconds: 10 }], penalty: { blockSeconds: 60 } });
    await sendTimes(h, 2);
    const crossing = await h.send();
    assert.equal(crossing.code, 'rate_limited');
    assert.equal(header(crossing, 'retry-after'), '60', 'the block, not the window, says when to come back');
    h.advance(11_000);
    const blocked = await h.send();
    assert.equal(blocked.code, 'rate_limit_blocked');
    assert.equal(blocked.status, 429);
    assert.equal(header(blocked, 'retry-after'), '49');
    h.advance(50_000);
    assert.equal((await h.send()).outcome, 'allow', 'the block is over');
    await h.send();
    const again = await h.send();
    assert.equal(header(again, 'retry-after'), '120', 'the second strike blocks twice as long');
  });
});

describe('rateLimit: penalties and the local deny cache', () => {
  test('refusals from the local deny cache are not new strikes (no escalation while the window lasts)', async () => {
    const h = harness({ limits: [{ points: 2, windowSeconds: 60 }], penalty: { blockSeconds: 1 } });
    await sendTimes(h, 2);
    assert.equal(header(await h.send(), 'retry-after'), '60', 'the crossing request: the window, longer than the 1 s block');
    h.advance(2_000); // the ban (policy clock) is over; the local deny cache (real clock) still refuses
    const later = await sendTimes(h, 5);
    for (const d of later) {
      assert.equal(d.code, 'rate_limited');
      assert.ok(Number(header(d, 'retry-after')) <= 60, 'no growing ban');
    }
  });
});

describe('rateLimit: store failures', () => {
  test('a failing store: the insurance limiter answers (and limits), reported; the store is used again when it answers', async () => {
    const store = new ControlledStore();
    const h = harness({ store, storeRetryMs: 0, limits: [{ points: 3, windowSeconds: 60 }] });
    assert.equal((await h.send()).annotations['ratelimit.store'], 'controlled');
    store.mode = 'fail';
    const during = await sendTimes(h, 5, { ip: '203.0.113.5' });
    assert.deepEqual(during.map((d) => d.outcome), ['allow', 'allow', 'allow', 'deny', 'deny'], 'the insurance limiter enforces the same limit');
    assert.equal(during[0]?.annotations['ratelimit.store'], 'insurance');
    assert.ok(h.diagnostics.some((d) => d.code === 'PC_RATE_LIMIT_STORE_UNAVAILABLE'));
    assert.ok(!h.diagnostics.some((d) => d.message.includes('203.0.113.5')), 'no client address in diagnostics');
    store.mode = 'ok';
    const after = await h.send({ ip: '203.0.113.6' });
    assert.equal(after.annotations['ratelimit.store'], 'controlled');
    assert.ok(h.diagnostics.some((d) => d.code === 'PC_RATE_LIMIT_STORE_RECOVERED'));
  });

  test('a key the store refuses fails that request only; the store is not marked down', async () => {
    const store = new ControlledStore();
    const h = harness({ store, storeRetryMs: 60_000, key: { header: 'x-k' }, limits: [{ points: 3, windowSeconds: 60 }] });
    const bad = await h.send({ headers: [['x-k', '!bad']] });
    assert.equal(bad.annotations['ratelimit.store'], 'insurance', 'that request is counted by the insurance limiter');
    const next = await h.send({ headers: [['x-k', 'good']] });
    assert.equal(next.annotations['ratelimit.store'], 'controlled', 'the store still counts everyone else');
    assert.ok(!h.diagnostics.some((d) => d.code === 'PC_RATE_LIMIT_STORE_UNAVAILABLE'));
  });

  test('keys are made well-formed: lone surrogates cannot make a key the store refuses', async () => {
    const h = harness({ key: (request) => request.headers.get('x-k')?.replace('#', '\ud800'), limits: [{ points: 1, windowSeconds: 60 }] });
    assert.equal((await h.send({ headers: [['x-k', 'a#']] })).outcome, 'allow');
    assert.equal((await h.send({ headers: [['x-k', 'a\ufffd']] })).code, 'rate_limited', 'the lone surrogate became U+FFFD');
  });

  test('a hanging store is bounded by storeTimeoutMs', async () => {
    const store = new ControlledStore();
    store.mode = 'hang';
    const h = harness({ store, storeTimeoutMs: 20, limits: [{ points: 3, windowSeconds: 60 }] });
    const d = await h.send();
    assert.equal(d.outcome, 'allow');
    assert.equal(d.annotations['ratelimit.store'], 'insurance');
  });

  test('onError: deny refuses with 503 while the store is down', async () => {
    const store = new ControlledStore();
    store.mode = 'fail';
    const h = harness({ store, onError: 'deny' });
    const d = await h.send();
    assert.equal(d.status, 503);
    assert.equal(d.code, 'guard_unavailable');
  });

  test('the local deny cache keeps a hot abusive key off the store', async () => {
    const store = new ControlledStore();
    const h = harness({ store, limits: [{ points: 3, windowSeconds: 60 }] });
    await sendTimes(h, 4);
    const before = store.increments;
    const refused = await sendTimes(h, 50);
    assert.ok(refused.every((d) => d.code === 'rate_limited'));
    assert.ok(refused.every((d) => d.annotations['ratelimit.store'] === 'local'), 'the decision says the store was not asked');
    assert.equal(store.increments, before, 'fifty refusals, no store round trip');
    const off = new ControlledStore();
    const uncached = harness({ store: off, localDenyCache: false, limits: [{ points: 3, windowSeconds: 60 }] });
    await sendTimes(uncached, 10);
    assert.equal(off.increments, 10);
  });

  test('a flood of distinct keys stays within the memory store bound', async () => {
    const store = new MemoryStore({ maxKeys: 100 });
    const h = harness({ limits: [{ points: 1, windowSeconds: 60 }], key: { header: 'x-k' } }, { store });
    for (let i = 0; i < 2_000; i++) await h.send({ headers: [['x-k', `key-${i}`]] });
    assert.ok(store.size <= 100, `store holds ${store.size} keys`);
  });
});

describe('rateLimit: policy errors and diagnostics', () => {
  const build = (options: Record<string, unknown>) => () => createFirewall({ guards: [rateLimit(options as unknown as RateLimitOptions)] });
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['no limits', {}, /guards\[0\]\.limits: is required/],
    ['empty limits', { limits: [] }, /guards\[0\]\.limits: expected a non-empty array/],
    ['negative points', { limits: [{ points: -1, windowSeconds: 60 }] }, /guards\[0\]\.limits\[0\]\.points/],
    ['fractional window', { limits: [{ points: 1, windowSeconds: 1.5 }] }, /guards\[0\]\.limits\[0\]\.windowSeconds/],
    ['duplicate names', { limits: [{ points: 1, windowSeconds: 60 }, { points: 2, windowSeconds: 60 }] }, /limits\[1\]\.name: repeats/],
    ['a bad name', { limits: [{ points: 1, windowSeconds: 60, name: 'a "b"' }] }, /limits\[0\]\.name/],
    ['a bad key', { limits: [{ points: 1, windowSeconds: 60 }], key: 'cookie' }, /guards\[0\]\.key: expected one of/],
    ['a bad composite part', { limits: [{ points: 1, windowSeconds: 60 }], key: ['ip', 42] }, /guards\[0\]\.key\[1\]/],
    ['a bad quota period', { limits: [{ points: 1, windowSeconds: 60 }], quota: { points: 1, period: 'week' } }, /quota\.period/],
    ['a bad allow CIDR', { limits: [{ points: 1, windowSeconds: 60 }], allow: { ips: ['10.0.0.0/99'] } }, /allow\.ips\[0\]/],
    ['a bad headers value', { limits: [{ points: 1, windowSeconds: 60 }], headers: 'draft-6' }, /guards\[0\]\.headers/],
    ['an unknown option', { limits: [{ points: 1, windowSeconds: 60 }], limit: 5 }, /guards\[0\]\.limit: unknown option/],
    ['a penalty max below the block', { limits: [{ points: 1, windowSeconds: 60 }], penalty: { blockSeconds: 60, maxBlockSeconds: 10 } }, /penalty\.maxBlockSeconds/],
    ['a reserved limit name', { limits: [{ points: 1, windowSeconds: 60, name: 'ban' }] }, /limits\[0\]\.name: "ban" is reserved/],
  ];
  for (const [name, options, message] of cases) {
    test(name, () => {
      assert.throws(build(options), (error: unknown) => error instanceof FirewallError && error.code === 'ERR_POLICY_INVALID' && message.test(error.message));
    });
  }

  test('a limit of zero and a memory store in a multi-process service are reported once', async () => {
    const previous = process.env['NODE_APP_INSTANCE'];
    process.env['NODE_APP_INSTANCE'] = '0';
    try {
      const h = harness({ limits: [{ points: 0, windowSeconds: 60 }] });
      await h.firewall.ready();
      assert.equal(h.diagnostics.filter((d) => d.code === 'PC_RATE_LIMIT_ZERO_LIMIT').length, 1);
      assert.equal(h.diagnostics.filter((d) => d.code === 'PC_RATE_LIMIT_MEMORY_IN_CLUSTER').length, 1);
      assert.equal((await h.send()).code, 'rate_limited', 'a zero limit refuses');
    } finally {
      if (previous === undefined) delete process.env['NODE_APP_INSTANCE'];
      else process.env['NODE_APP_INSTANCE'] = previous;
    }
  });
});
