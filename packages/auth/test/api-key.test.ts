/**
 * The API-key guard through a real firewall (`createFirewall` + `decide`), with a fixed clock and
 * a real MemoryStore: listed keys, a lookup function behind the cache, Store-backed records, and
 * the policy errors that name their path.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFirewall, isFirewallError, MemoryStore, type Decision, type GuardDefinition, type Policy } from '@portcullis/core';
import { apiKey, hashApiKey, type ApiKeyOptions, type ApiKeyRecord } from '../src/api-key/index.js';

const KEY_A1 = 'pk_live_4f9a2c7e1b8d3a6f0c5e9b2d7a4f1c8e';
const KEY_A2 = 'pk_live_rotated_0b1c2d3e4f5a6b7c8d9e0f1a';
const KEY_B = 'pk_live_other_client_9e8d7c6b5a4f3e2d1c0b';
const START = Date.UTC(2025, 0, 1);

interface Setup {
  decide(headers?: [string, string][], target?: string): Promise<Decision>;
  advance(ms: number): void;
  readonly store: MemoryStore;
}

async function setup(guard: GuardDefinition, extra: Partial<Policy> = {}): Promise<Setup> {
  let now = START;
  const clock = (): number => now;
  const store = new MemoryStore({ now: clock });
  const firewall = createFirewall({ clock, store, routes: [{ path: '/items', methods: ['GET'], guards: [guard] }], ...extra });
  await firewall.ready();
  return {
    store,
    advance: (ms) => {
      now += ms;
    },
    decide: (headers = [], target = '/items') => firewall.decide({ method: 'GET', target, headers, remoteAddress: '127.0.0.1' }),
  };
}

function listed(extra: Partial<ApiKeyOptions> = {}): GuardDefinition {
  return apiKey({
    keys: [
      { hash: hashApiKey(KEY_A1), clientId: 'client-a', scopes: ['items:read'], roles: ['reader'], tier: 'gold', id: 'a-2024' },
      { hash: hashApiKey(KEY_A2), clientId: 'client-a', scopes: ['items:read'], id: 'a-2025' },
      { hash: hashApiKey(KEY_B), clientId: 'client-b' },
    ],
    ...extra,
  });
}

function assertDenied(decision: Decision, status: number, code: string, reason?: string): void {
  assert.equal(decision.outcome, 'deny');
  assert.equal(decision.status, status);
  assert.equal(decision.code, code);
  assert.equal(decision.guard, 'api-key');
  if (reason !== undefined) assert.equal(decision.annotations['auth.reason'], reason);
  assert.equal(decision.identity, undefined);
}

function challengeOf(decision: Decision): string | undefined {
  return decision.response?.headers.find(([name]) => name === 'www-authenticate')?.[1];
}

function policyError(build: () => unknown): { path: string | undefined; message: string } {
  try {
    build();
  } catch (error) {
    assert.ok(isFirewallError(error), `expected a FirewallError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_POLICY_INVALID');
    return { path: error.path, message: error.message };
  }
  assert.fail('expected the policy to be refused');
}

describe('apiKey: listed keys', () => {
  it('hashApiKey gives sha256:<base64url> of the key', () => {
    const hash = hashApiKey(KEY_A1);
    assert.match(hash, /^sha256:[A-Za-z0-9_-]{43}$/);
    assert.notEqual(hashApiKey(KEY_A2), hash);
  });

  it('a valid key establishes the identity of its client, without the key or its hash', async () => {
    const s = await setup(listed());
    const decision = await s.decide([['x-api-key', KEY_A1]]);
    assert.equal(decision.outcome, 'allow');
    assert.deepEqual(decision.identity, {
      method: 'api-key',
      subject: 'client-a',
      clientId: 'client-a',
      scopes: ['items:read'],
      roles: ['reader'],
      tier: 'gold',
      claims: { keyId: 'a-2024' },
    });
    const serialized = JSON.stringify(decision.identity);
    assert.ok(!serialized.includes(KEY_A1) && !serialized.includes(hashApiKey(KEY_A1).slice(7)));
  });

  it('two keys of one client (rotation) both work', async () => {
    const s = await setup(listed());
    const first = await s.decide([['x-api-key', KEY_A1]]);
    const second = await s.decide([['x-api-key', KEY_A2]]);
    assert.equal(first.identity?.clientId, 'client-a');
    assert.equal(second.identity?.clientId, 'client-a');
    assert.deepEqual(second.identity?.claims, { keyId: 'a-2025' });
    assert.equal((await s.decide([['x-api-key', KEY_B]])).identity?.clientId, 'client-b');
  });

  it('a hash written in hex is the same key', async () => {
    const hex = `sha256:${Buffer.from(hashApiKey(KEY_B).slice(7), 'base64url').toString('hex')}`;
    const s = await setup(apiKey({ keys: [{ hash: hex, clientId: 'hex-client' }] }));
    assert.equal((await s.decide([['x-api-key', KEY_B]])).identity?.clientId, 'hex-client');
  });

  it('a missing key is 401 credentials_missing with an ApiKey challenge', async () => {
    const s = await setup(listed());
    const decision = await s.decide();
    assertDenied(decision, 401, 'credentials_missing');
    assert.equal(challengeOf(decision), 'ApiKey realm="api"');
  });

  it('optional: no key passes without identity, a bad key is still refused', async () => {
    const s = await setup(listed({ optional: true }));
    const none = await s.decide();
    assert.equal(none.outcome, 'allow');
    assert.equal(none.identity, undefined);
    assertDenied(await s.decide([['x-api-key', 'pk_live_not_a_known_key_at_all']]), 401, 'api_key_invalid', 'unknown');
  });

  it('an unknown key is 401 api_key_invalid (unknown), and the problem body never echoes it', async () => {
    const s = await setup(listed());
    const wrong = 'pk_live_guessed_value_1234567890abcdef';
    const decision = await s.decide([['x-api-key', wrong]]);
    assertDenied(decision, 401, 'api_key_invalid', 'unknown');
    assert.equal(challengeOf(decision), 'ApiKey realm="api"');
    const body = decision.response?.body ?? '';
    assert.match(body, /api_key_invalid/);
    assert.ok(!body.includes(wrong) && !body.includes('unknown'));
  });

  it('a revoked key (entry flag or policy list) is refused even though it is listed', async () => {
    const flagged = await setup(apiKey({ keys: [{ hash: hashApiKey(KEY_A1), clientId: 'client-a', revoked: true }] }));
    assertDenied(await flagged.decide([['x-api-key', KEY_A1]]), 401, 'api_key_invalid', 'revoked');
    const s = await setup(listed({ revoked: [hashApiKey(KEY_A2)] }));
    assertDenied(await s.decide([['x-api-key', KEY_A2]]), 401, 'api_key_invalid', 'revoked');
    assert.equal((await s.decide([['x-api-key', KEY_A1]])).outcome, 'allow');
  });

  it('an expired key is refused from its expiresAt on', async () => {
    const s = await setup(apiKey({ keys: [{ hash: hashApiKey(KEY_A1), clientId: 'client-a', expiresAt: START + 1_000 }] }));
    assert.equal((await s.decide([['x-api-key', KEY_A1]])).outcome, 'allow');
    s.advance(999);
    assert.equal((await s.decide([['x-api-key', KEY_A1]])).outcome, 'allow');
    s.advance(1);
    assertDenied(await s.decide([['x-api-key', KEY_A1]]), 401, 'api_key_invalid', 'expired');
  });

  it('a malformed key (too long, a space, non-ASCII, empty) is refused as malformed', async () => {
    const s = await setup(listed({ maxLength: 40 }));
    for (const bad of ['x'.repeat(41), 'pk live', 'pk_live_é', '']) {
      assertDenied(await s.decide([['x-api-key', bad]]), 401, 'api_key_invalid', 'malformed');
    }
  });

  it('the query string is never read unless enabled', async () => {
    const off = await setup(listed());
    assertDenied(await off.decide([], `/items?api_key=${KEY_A1}`), 401, 'credentials_missing');
    const on = await setup(listed({ query: 'api_key' }));
    assert.equal((await on.decide([], `/items?api_key=${KEY_A1}`)).identity?.clientId, 'client-a');
    assert.equal((await on.decide([['x-api-key', KEY_B]])).identity?.clientId, 'client-b');
  });

  it('a repeated header, a repeated parameter, or a key in both places is 400 credentials_ambiguous', async () => {
    const s = await setup(listed({ query: 'api_key' }));
    assertDenied(await s.decide([['x-api-key', KEY_A1], ['x-api-key', KEY_A1]]), 400, 'credentials_ambiguous', 'ambiguous');
    assertDenied(await s.decide([], `/items?api_key=${KEY_A1}&api_key=${KEY_B}`), 400, 'credentials_ambiguous');
    const both = await s.decide([['x-api-key', KEY_A1]], `/items?api_key=${KEY_A1}`);
    assertDenied(both, 400, 'credentials_ambiguous');
    assert.equal(challengeOf(both), undefined);
  });

  it('a custom header name is matched case-insensitively', async () => {
    const s = await setup(listed({ header: 'X-Client-Key' }));
    assert.equal((await s.decide([['X-CLIENT-KEY', KEY_B]])).identity?.clientId, 'client-b');
    assertDenied(await s.decide([['x-api-key', KEY_B]]), 401, 'credentials_missing');
  });
});

describe('apiKey: lookup function', () => {
  it('caches found records (60 s) and unknown keys (5 s), counting the calls', async () => {
    const calls: string[] = [];
    const records = new Map<string, ApiKeyRecord>([[hashApiKey(KEY_A1), { clientId: 'client-a', scopes: ['x'] }]]);
    const s = await setup(
      apiKey({
        lookup: async (hash) => {
          calls.push(hash);
          return records.get(hash);
        },
      }),
    );
    assert.equal((await s.decide([['x-api-key', KEY_A1]])).identity?.clientId, 'client-a');
    assert.equal((await s.decide([['x-api-key', KEY_A1]])).identity?.clientId, 'client-a');
    assert.deepEqual(calls, [hashApiKey(KEY_A1)], 'the second request is served from the cache');

    assertDenied(await s.decide([['x-api-key', KEY_B]]), 401, 'api_key_invalid', 'unknown');
    assertDenied(await s.decide([['x-api-key', KEY_B]]), 401, 'api_key_invalid', 'unknown');
    assert.equal(calls.length, 2, 'an unknown key is remembered');

    // The key is created; the negative entry runs out after 5 s.
    records.set(hashApiKey(KEY_B), { clientId: 'client-b' });
    s.advance(4_999);
    assertDenied(await s.decide([['x-api-key', KEY_B]]), 401, 'api_key_invalid', 'unknown');
    s.advance(1);
    assert.equal((await s.decide([['x-api-key', KEY_B]])).identity?.clientId, 'client-b');
    assert.equal(calls.length, 3);

    // The positive entry for KEY_A1 (cached at START) runs out at START + 60 s.
    s.advance(60_000 - 5_000 - 1);
    await s.decide([['x-api-key', KEY_A1]]);
    assert.equal(calls.length, 3);
    s.advance(1);
    await s.decide([['x-api-key', KEY_A1]]);
    assert.equal(calls.length, 4);
  });

  it('a synchronous lookup works, and concurrent requests for one key make one call', async () => {
    let calls = 0;
    const s = await setup(
      apiKey({
        lookup: (hash) => {
          calls += 1;
          return hash === hashApiKey(KEY_A1) ? { clientId: 'client-a' } : undefined;
        },
        cache: { maxEntries: 10, ttlMs: 1_000, negativeTtlMs: 0 },
      }),
    );
    const results = await Promise.all([1, 2, 3].map(() => s.decide([['x-api-key', KEY_A1]])));
    assert.ok(results.every((d) => d.identity?.clientId === 'client-a'));
    assert.equal(calls, 1);
    await s.decide([['x-api-key', KEY_B]]);
    await s.decide([['x-api-key', KEY_B]]);
    assert.equal(calls, 3, 'negativeTtlMs: 0 caches no miss');
  });

  it('a record whose own hash differs from the presented key is refused', async () => {
    const s = await setup(apiKey({ lookup: () => ({ clientId: 'sloppy', hash: hashApiKey(KEY_B) }) }));
    assertDenied(await s.decide([['x-api-key', KEY_A1]]), 401, 'api_key_invalid', 'unknown');
    assert.equal((await s.decide([['x-api-key', KEY_B]])).identity?.clientId, 'sloppy');
  });

  it('a lookup that throws is not a denial of the key: core applies onError (503, or allow)', async () => {
    const diagnostics: string[] = [];
    const telemetry = { onDecision: () => undefined, onDiagnostic: (d: { code: string }) => void diagnostics.push(d.code) };
    const failing = (): never => {
      throw new Error('database down');
    };
    const closed = await setup(apiKey({ lookup: failing }), { telemetry });
    const decision = await closed.decide([['x-api-key', KEY_A1]]);
    assert.equal(decision.status, 503);
    assert.equal(decision.code, 'guard_unavailable');
    assert.ok(diagnostics.includes('PC_GUARD_FAILED'));
    const open = await setup(apiKey({ lookup: async () => Promise.reject(new Error('down')), onError: 'allow' }));
    const allowed = await open.decide([['x-api-key', KEY_A1]]);
    assert.equal(allowed.outcome, 'allow');
    assert.equal(allowed.identity, undefined);
  });

  it('a malformed record from the lookup fails the guard instead of granting anything', async () => {
    const s = await setup(apiKey({ lookup: () => ({ clientId: 42 }) as unknown as ApiKeyRecord }));
    const decision = await s.decide([['x-api-key', KEY_A1]]);
    assert.equal(decision.code, 'guard_unavailable');
    assert.equal(decision.identity, undefined);
  });

  it('the revoked list wins over a lookup that still returns the key', async () => {
    const s = await setup(apiKey({ lookup: () => ({ clientId: 'client-a' }), revoked: [hashApiKey(KEY_A1)] }));
    assertDenied(await s.decide([['x-api-key', KEY_A1]]), 401, 'api_key_invalid', 'revoked');
  });
});

describe('apiKey: records in the policy Store', () => {
  it('reads JSON records by prefix + hash; revocation by flag, or by deletion once the cache entry expires', async () => {
    const s = await setup(apiKey({ store: { prefix: 'keys:' } }));
    const hour = 3_600_000;
    await s.store.set(`keys:${hashApiKey(KEY_A1)}`, JSON.stringify({ clientId: 'client-a', scopes: ['items:read'], id: 'k1' }), hour);
    await s.store.set(`keys:${hashApiKey(KEY_B)}`, JSON.stringify({ clientId: 'client-b', revoked: true }), hour);
    const found = await s.decide([['x-api-key', KEY_A1]]);
    assert.equal(found.identity?.clientId, 'client-a');
    assert.deepEqual(found.identity?.claims, { keyId: 'k1' });
    assertDenied(await s.decide([['x-api-key', KEY_B]]), 401, 'api_key_invalid', 'revoked');
    assertDenied(await s.decide([['x-api-key', KEY_A2]]), 401, 'api_key_invalid', 'unknown');

    await s.store.delete(`keys:${hashApiKey(KEY_A1)}`);
    s.advance(59_999);
    assert.equal((await s.decide([['x-api-key', KEY_A1]])).outcome, 'allow', 'still cached');
    s.advance(1);
    assertDenied(await s.decide([['x-api-key', KEY_A1]]), 401, 'api_key_invalid', 'unknown');
  });

  it('a record that is not JSON fails the guard (503), it does not pass', async () => {
    const s = await setup(apiKey({ store: { prefix: 'keys:' } }));
    await s.store.set(`keys:${hashApiKey(KEY_A1)}`, 'not json', 60_000);
    assert.equal((await s.decide([['x-api-key', KEY_A1]])).code, 'guard_unavailable');
  });
});

describe('apiKey: policy errors name their path', () => {
  const build = (options: unknown): unknown =>
    createFirewall({ routes: [{ path: '/items', guards: [apiKey(options as ApiKeyOptions)] }] });

  it('a plaintext key is refused', () => {
    const e = policyError(() => build({ keys: [{ key: KEY_A1, clientId: 'a' }] }));
    assert.equal(e.path, 'routes[0].guards[0].keys[0].key');
    assert.ok(!e.message.includes(KEY_A1));
  });

  it('a hash that is not sha256:<base64url or hex> is refused without repeating it', () => {
    for (const hash of [KEY_A1, 'sha256:abc', `md5:${'a'.repeat(32)}`, `sha256:${'z'.repeat(64)}`]) {
      const e = policyError(() => build({ keys: [{ hash: hashApiKey(KEY_B), clientId: 'b' }, { hash, clientId: 'a' }] }));
      assert.equal(e.path, 'routes[0].guards[0].keys[1].hash');
      assert.ok(!e.message.includes(hash));
    }
    assert.equal(policyError(() => build({ lookup: () => undefined, revoked: ['nope'] })).path, 'routes[0].guards[0].revoked[0]');
  });

  it('exactly one key source', () => {
    assert.equal(policyError(() => build({})).path, 'routes[0].guards[0]');
    assert.equal(policyError(() => build({ keys: [{ hash: hashApiKey(KEY_A1), clientId: 'a' }], lookup: () => undefined })).path, 'routes[0].guards[0].lookup');
    assert.equal(policyError(() => build({ lookup: () => undefined, store: { prefix: 'k:' } })).path, 'routes[0].guards[0].store');
  });

  it('other bad values', () => {
    const keys = [{ hash: hashApiKey(KEY_A1), clientId: 'a' }];
    assert.equal(policyError(() => build({ keys, header: 'bad header' })).path, 'routes[0].guards[0].header');
    assert.equal(policyError(() => build({ keys, maxLength: 5 })).path, 'routes[0].guards[0].maxLength');
    assert.equal(policyError(() => build({ keys, cache: { ttlMs: 1 } })).path, 'routes[0].guards[0].cache');
    assert.equal(policyError(() => build({ lookup: () => undefined, cache: { ttlMs: -1 } })).path, 'routes[0].guards[0].cache.ttlMs');
    assert.equal(policyError(() => build({ store: { prefix: '' } })).path, 'routes[0].guards[0].store.prefix');
    assert.equal(policyError(() => build({ keys, headers: 'x' })).path, 'routes[0].guards[0].headers');
    assert.equal(policyError(() => build({ keys: [...keys, { hash: hashApiKey(KEY_A1), clientId: 'b' }] })).path, 'routes[0].guards[0].keys[1].hash');
    assert.equal(policyError(() => build({ keys: [{ hash: hashApiKey(KEY_A1) }] })).path, 'routes[0].guards[0].keys[0].clientId');
    assert.equal(policyError(() => build({ keys: [] })).path, 'routes[0].guards[0].keys');
  });
});
