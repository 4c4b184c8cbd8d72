import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createHmac } from 'node:crypto';
import { FirewallError, type Decision, type Identity } from '@portcullis/core';
import { jwt, type JwtOptions } from '../src/index.js';
import {
  AUDIENCE, ISSUER, NOW_MS, NOW_S, SECRET, bearer, claims, compact, decideWith, ecKey, es256, firewallWith, hs256, rs256, rsaKey, b64url,
} from './jwt-support.js';

const base: JwtOptions = { algorithms: ['HS256'], secret: SECRET, issuer: ISSUER, audience: AUDIENCE };

function firewall(options: Partial<JwtOptions> = {}, extra: Record<string, unknown> = {}) {
  return firewallWith({ guards: [jwt({ ...base, ...options } as JwtOptions)], ...extra });
}

function assertRefused(decision: Decision, code: string, reason?: string, status = 401): void {
  assert.equal(decision.outcome, 'deny', `expected a denial, got ${decision.outcome}`);
  assert.equal(decision.code, code);
  assert.equal(decision.status, status);
  if (reason !== undefined) assert.equal(decision.annotations['auth.reason'], reason);
}

function problemBody(decision: Decision): string {
  assert.ok(decision.response !== undefined);
  return decision.response.body;
}

describe('jwt: legitimate tokens', () => {
  test('a valid HS256 bearer token establishes the identity from its claims', async () => {
    const d = await decideWith(firewall(), bearer(hs256(claims())));
    assert.equal(d.outcome, 'allow');
    assert.equal(d.identity?.method, 'jwt');
    assert.equal(d.identity?.subject, 'user-1');
    assert.equal(d.identity?.clientId, 'client-a');
    assert.deepEqual(d.identity?.scopes, ['orders:read', 'orders:write']);
    assert.deepEqual(d.identity?.roles, [], 'no role is granted unless the policy maps one');
  });

  test('the Bearer scheme is matched case-insensitively', async () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const d = await decideWith(firewall(), bearer(hs256(claims()), scheme));
      assert.equal(d.outcome, 'allow', scheme);
    }
  });

  test('ES256 with a PEM public key, and RS256 with a JWK', async () => {
    const ec = ecKey('ec-1');
    const d1 = await decideWith(firewall({ algorithms: ['ES256'], secret: undefined, publicKeys: [{ pem: ec.publicPem }] }), bearer(es256(ec, claims())));
    assert.equal(d1.outcome, 'allow');
    const rsa = rsaKey('rsa-1');
    const d2 = await decideWith(firewall({ algorithms: ['RS256'], secret: undefined, publicKeys: [{ jwk: rsa.publicJwk as JsonWebKey }] }), bearer(rs256(rsa, claims(), { kid: 'rsa-1' })));
    assert.equal(d2.outcome, 'allow');
  });

  test('a local JWKS selects the key by kid; rotation secrets by kid', async () => {
    const a = ecKey('a');
    const b = ecKey('b');
    const fw = firewall({ algorithms: ['ES256'], secret: undefined, jwks: { keys: [a.publicJwk, b.publicJwk] as JsonWebKey[] } });
    assert.equal((await decideWith(fw, bearer(es256(a, claims())))).outcome, 'allow');
    assert.equal((await decideWith(fw, bearer(es256(b, claims())))).outcome, 'allow');
    // b's signature under a's kid: the kid selects a, and a does not verify it.
    assertRefused(await decideWith(fw, bearer(es256(b, claims(), { kid: 'a' }))), 'token_invalid', 'signature');

    const other = 'another-secret-that-is-thirty-two-bytes!!';
    const rotating = firewall({ secret: [{ kid: 'old', secret: SECRET }, { kid: 'new', secret: other }] });
    assert.equal((await decideWith(rotating, bearer(hs256(claims(), { kid: 'old' })))).outcome, 'allow');
    assert.equal((await decideWith(rotating, bearer(hs256(claims(), { kid: 'new' }, other)))).outcome, 'allow');
    assertRefused(await decideWith(rotating, bearer(hs256(claims(), { kid: 'new' }))), 'token_invalid', 'signature');
  });

  test('audience as an array, issuer as a list, and checks turned off explicitly', async () => {
    const d1 = await decideWith(firewall({ audience: ['https://other', AUDIENCE], issuer: ['https://x', ISSUER] }), bearer(hs256(claims({ aud: ['a', AUDIENCE] }))));
    assert.equal(d1.outcome, 'allow');
    const d2 = await decideWith(firewall({ audience: false, issuer: false }), bearer(hs256(claims({ aud: 'anything', iss: 'anyone' }))));
    assert.equal(d2.outcome, 'allow');
  });

  test('identity mapping: nested role claims, a role map, scp arrays and a tier', async () => {
    const fw = firewall({ identity: { roles: 'realm_access.roles', roleMap: { 'idp-admins': 'admin' }, tier: 'plan' } });
    const d = await decideWith(fw, bearer(hs256(claims({ realm_access: { roles: ['idp-admins', 'unmapped'] }, plan: 'gold', scope: undefined, scp: ['a', 'b'] }))));
    assert.deepEqual(d.identity?.roles, ['admin'], 'only mapped values become roles');
    assert.deepEqual(d.identity?.scopes, ['a', 'b']);
    assert.equal(d.identity?.tier, 'gold');
  });

  test('a token from a cookie or a named header, and from the query only when enabled', async () => {
    const token = hs256(claims());
    assert.equal((await decideWith(firewall({ from: { cookie: 'at' } }), [['cookie', `x=1; at=${token}`]])).outcome, 'allow');
    assert.equal((await decideWith(firewall({ from: { header: 'x-token' } }), [['x-token', token]])).outcome, 'allow');
    assert.equal((await decideWith(firewall({ from: { query: 'access_token' } }), [], `/orders?access_token=${token}`)).outcome, 'allow');
    // Two cookies of the token's name (a sibling subdomain's, a path-scoped one) are two credentials.
    assertRefused(await decideWith(firewall({ from: { cookie: 'at' } }), [['cookie', `at=${token}; x=1; at=${token}`]]), 'credentials_ambiguous', undefined, 400);
    // By default the query string is never read: the token there does not authenticate.
    assertRefused(await decideWith(firewall(), [], `/orders?access_token=${token}`), 'credentials_missing');
  });

  test('optional: a request without a token passes without identity; a bad one is still refused', async () => {
    const fw = firewall({ optional: true });
    const d = await decideWith(fw, []);
    assert.equal(d.outcome, 'allow');
    assert.equal(d.identity, undefined);
    assertRefused(await decideWith(fw, bearer('not-a-token')), 'token_invalid', 'malformed');
  });
});

describe('jwt: the attack table', () => {
  const ec = ecKey('k1');
  const ecPolicy: Partial<JwtOptions> = { algorithms: ['ES256'], secret: undefined, publicKeys: [{ pem: ec.publicPem, kid: 'k1' }] };
  const none = (alg: string) => compact({ alg, typ: 'JWT' }, claims(), () => '');

  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    test(`alg "${alg}" with an empty signature is refused`, async () => {
      const token = none(alg);
      assertRefused(await decideWith(firewall(), bearer(token)), 'token_invalid', 'malformed');
      // With a signature segment present, the algorithm itself is refused.
      assertRefused(await decideWith(firewall(), bearer(`${token}c2ln`)), 'token_invalid', 'algorithm');
    });
  }

  test('HS256 "signed" with the RSA/EC public key is refused (no key confusion)', async () => {
    const forged = compact({ alg: 'HS256', typ: 'JWT', kid: 'k1' }, claims(), (input) => createHmac('sha256', ec.publicPem).update(input).digest());
    assertRefused(await decideWith(firewall(ecPolicy), bearer(forged)), 'token_invalid', 'algorithm');
  });

  test('an algorithm outside the allowlist is refused even when correctly signed', async () => {
    assertRefused(await decideWith(firewall({ ...ecPolicy }), bearer(hs256(claims()))), 'token_invalid', 'algorithm');
  });

  for (const kid of ['../../../../dev/null', "' OR '1'='1", 'k1\u0000', 'x'.repeat(300)]) {
    test(`kid injection ${JSON.stringify(kid.slice(0, 20))} selects no key`, async () => {
      const d = await decideWith(firewall(ecPolicy), bearer(es256(ec, claims(), { kid })));
      assert.equal(d.outcome, 'deny');
      assert.equal(d.code, 'token_invalid');
      assert.ok(['unknown-key', 'kid'].includes(String(d.annotations['auth.reason'])));
    });
  }

  for (const name of ['jku', 'x5u', 'jwk', 'x5c']) {
    test(`a "${name}" header is refused, never fetched or trusted`, async () => {
      const value = name === 'jwk' ? ec.publicJwk : name === 'x5c' ? ['MIIB'] : 'http://127.0.0.1:1/keys';
      assertRefused(await decideWith(firewall(ecPolicy), bearer(es256(ec, claims(), { [name]: value }))), 'token_invalid', 'embedded-key');
    });
  }

  test('crit: refused unless understood', async () => {
    const token = hs256(claims(), { crit: ['exp-ext'], 'exp-ext': 1 });
    assertRefused(await decideWith(firewall(), bearer(token)), 'token_invalid', 'crit');
    assert.equal((await decideWith(firewall({ criticalHeaders: ['exp-ext'] }), bearer(token))).outcome, 'allow');
    assertRefused(await decideWith(firewall({ criticalHeaders: ['exp-ext'] }), bearer(hs256(claims(), { crit: [] }))), 'token_invalid', 'crit');
  });

  test('expired, not yet valid, issued in the future — each beyond the tolerance', async () => {
    assertRefused(await decideWith(firewall(), bearer(hs256(claims({ exp: NOW_S - 31 })))), 'token_expired', 'expired');
    assert.equal((await decideWith(firewall(), bearer(hs256(claims({ exp: NOW_S - 29 }))))).outcome, 'allow', 'within the 30 s tolerance');
    assertRefused(await decideWith(firewall(), bearer(hs256(claims({ nbf: NOW_S + 31 })))), 'token_invalid', 'not-yet-valid');
    assertRefused(await decideWith(firewall(), bearer(hs256(claims({ iat: NOW_S + 31 })))), 'token_invalid', 'issued-in-future');
    assertRefused(await decideWith(firewall({ clockToleranceSeconds: 0 }), bearer(hs256(claims({ exp: NOW_S })))), 'token_expired');
    assertRefused(await decideWith(firewall({ maxTokenAgeSeconds: 60 }), bearer(hs256(claims({ iat: NOW_S - 3600 })))), 'token_invalid', 'too-old');
  });

  test('wrong issuer, wrong audience, missing required claims', async () => {
    assertRefused(await decideWith(firewall(), bearer(hs256(claims({ iss: 'https://evil.test' })))), 'token_invalid', 'issuer');
    assertRefused(await decideWith(firewall(), bearer(hs256(claims({ iss: `${ISSUER}/` })))), 'token_invalid', 'issuer');
    assertRefused(await decideWith(firewall(), bearer(hs256(claims({ aud: 'https://other.test' })))), 'token_invalid', 'audience');
    assertRefused(await decideWith(firewall(), bearer(hs256(claims({ exp: undefined })))), 'token_invalid', 'missing-claim');
    assertRefused(await decideWith(firewall({ requiredClaims: ['exp', 'jti'] }), bearer(hs256(claims()))), 'token_invalid', 'missing-claim');
  });

  test('a bad signature and a tampered payload', async () => {
    const token = hs256(claims());
    const [h, p, s] = token.split('.') as [string, string, string];
    assertRefused(await decideWith(firewall(), bearer(`${h}.${p}.${s.slice(0, -2)}AA`)), 'token_invalid', 'signature');
    const tampered = b64url(JSON.stringify(claims({ sub: 'admin' })));
    assertRefused(await decideWith(firewall(), bearer(`${h}.${tampered}.${s}`)), 'token_invalid', 'signature');
    assertRefused(await decideWith(firewall(), bearer(hs256(claims(), {}, 'the-wrong-secret-but-still-32-bytes-long'))), 'token_invalid', 'signature');
  });

  test('oversized and malformed tokens are refused before any decoding', async () => {
    const big = hs256(claims({ pad: 'x'.repeat(9_000) }));
    assertRefused(await decideWith(firewall(), bearer(big)), 'token_invalid', 'malformed');
    assert.equal((await decideWith(firewall({ maxTokenLength: 16_384 }), bearer(big))).outcome, 'allow');
    for (const bad of ['a.b', 'a.b.c.d.e', '...', 'eyJ.eyJ.', '%%%.x.y', `${b64url('not json')}.${b64url('{}')}.c2ln`, `${b64url('[1]')}.${b64url('{}')}.c2ln`, 'ünïcödé']) {
      const d = await decideWith(firewall(), bearer(bad));
      assertRefused(d, 'token_invalid', 'malformed');
    }
  });

  test('two Authorization headers, or a token in two places, are an ambiguous request (400)', async () => {
    const token = hs256(claims());
    const d = await decideWith(firewall(), [['authorization', `Bearer ${token}`], ['authorization', `Bearer ${token}`]]);
    assertRefused(d, 'credentials_ambiguous', undefined, 400);
    assert.match(String(d.response?.headers.find(([n]) => n === 'www-authenticate')?.[1]), /error="invalid_request"/);
    // What a Web Headers object makes of a repeated header.
    assertRefused(await decideWith(firewall(), [['authorization', `Bearer ${token}, Bearer ${token}`]]), 'credentials_ambiguous', undefined, 400);
    const both = firewall({ from: ['authorization', { header: 'x-token' }] });
    assertRefused(await decideWith(both, [['authorization', `Bearer ${token}`], ['x-token', token]]), 'credentials_ambiguous', undefined, 400);
  });

  test('no token: 401 with a bare Bearer challenge; a bad token: error="invalid_token"', async () => {
    const d = await decideWith(firewall({ realm: 'orders' }), []);
    assertRefused(d, 'credentials_missing');
    assert.deepEqual(d.response?.headers.find(([n]) => n === 'www-authenticate'), ['www-authenticate', 'Bearer realm="orders"']);
    const bad = await decideWith(firewall({ realm: 'orders' }), bearer(hs256(claims({ exp: NOW_S - 100 }))));
    assert.deepEqual(bad.response?.headers.find(([n]) => n === 'www-authenticate'), ['www-authenticate', 'Bearer realm="orders", error="invalid_token"']);
    // Another scheme is not a bearer credential.
    assertRefused(await decideWith(firewall(), [['authorization', 'Basic dXNlcjpwYXNz']]), 'credentials_missing');
  });

  test('problem bodies never echo the token or the reason', async () => {
    const token = hs256(claims({ iss: 'https://evil.test' }));
    const d = await decideWith(firewall(), bearer(token));
    const body = problemBody(d);
    assert.ok(!body.includes(token.slice(0, 20)));
    assert.ok(!body.includes('issuer') && !body.includes('evil'));
    assert.equal(JSON.parse(body).type, 'urn:portcullis:problem:token_invalid');
  });
});

describe('jwt: the verified-token cache', () => {
  test('a repeat token is answered synchronously from the cache (no async guard timing)', async () => {
    const fw = firewall();
    const token = hs256(claims());
    const first = await decideWith(fw, bearer(token));
    const second = await decideWith(fw, bearer(token));
    assert.equal(first.outcome, 'allow');
    assert.equal(second.outcome, 'allow');
    const timed = (d: Decision) => d.results.find((r) => r.guard === 'jwt')?.durationMs;
    assert.notEqual(timed(first), undefined, 'the first verification is asynchronous (jose)');
    assert.equal(timed(second), undefined, 'the repeat is served synchronously from the cache');
    assert.deepEqual(second.identity, first.identity);
    const uncached = firewall({ cache: false });
    await decideWith(uncached, bearer(token));
    assert.notEqual(timed(await decideWith(uncached, bearer(token))), undefined, 'cache: false verifies every time');
  });

  test('concurrent first requests with one token share one verification', async () => {
    const fw = firewall();
    const token = hs256(claims({ sub: 'burst' }));
    const decisions = await Promise.all(Array.from({ length: 20 }, () => decideWith(fw, bearer(token))));
    assert.ok(decisions.every((d) => d.outcome === 'allow'));
    // One verification makes one identity object; twenty would make twenty.
    assert.equal(new Set(decisions.map((d) => d.identity)).size, 1);
    const other = await decideWith(fw, bearer(hs256(claims({ sub: 'burst' }), { kid: 'other' })));
    assert.notEqual(other.identity, decisions[0]?.identity, 'another token is verified on its own');
  });

  test('a cached token is refused once it expires (exp re-checked on every use)', async () => {
    let now = NOW_MS;
    const fw = firewallWith({ clock: () => now, guards: [jwt({ ...base, clockToleranceSeconds: 0 })] });
    const token = hs256(claims({ exp: NOW_S + 60 }));
    assert.equal((await decideWith(fw, bearer(token))).outcome, 'allow');
    now = NOW_MS + 59_000;
    assert.equal((await decideWith(fw, bearer(token))).outcome, 'allow');
    now = NOW_MS + 60_000;
    assertRefused(await decideWith(fw, bearer(token)), 'token_expired', 'expired');
  });

  test('maxTokenAgeSeconds holds for cached tokens too: a token that grew too old is refused', async () => {
    let now = NOW_MS;
    const fw = firewallWith({ clock: () => now, guards: [jwt({ ...base, maxTokenAgeSeconds: 60, clockToleranceSeconds: 0 })] });
    const token = hs256(claims({ iat: NOW_S - 10, exp: NOW_S + 86_400 }));
    assert.equal((await decideWith(fw, bearer(token))).outcome, 'allow');
    now = NOW_MS + 40_000;
    assert.equal((await decideWith(fw, bearer(token))).outcome, 'allow', 'still young enough');
    now = NOW_MS + 3_600_000;
    assertRefused(await decideWith(fw, bearer(token)), 'token_invalid', 'too-old');
  });

  test('a cached identity is frozen all the way down: no request can change what the next one is granted', async () => {
    const fw = firewall({ identity: { roles: 'roles' } });
    const token = hs256(claims({ roles: ['user'], nested: { tenant: 'a' } }));
    const first = await decideWith(fw, bearer(token));
    const identity = first.identity as Identity;
    assert.ok(Object.isFrozen(identity) && Object.isFrozen(identity.scopes) && Object.isFrozen(identity.roles) && Object.isFrozen(identity.claims));
    assert.ok(Object.isFrozen(identity.claims['nested']));
    assert.throws(() => (identity.roles as string[]).push('admin'));
    assert.deepEqual((await decideWith(fw, bearer(token))).identity?.roles, ['user']);
  });

  test('the cache is bounded: a flood of distinct tokens still verifies each correctly', async () => {
    const fw = firewall({ cache: { maxEntries: 8 } });
    for (let i = 0; i < 40; i++) assert.equal((await decideWith(fw, bearer(hs256(claims({ sub: `u${i}` }))))).identity?.subject, `u${i}`);
    const again = await decideWith(fw, bearer(hs256(claims({ sub: 'u0' }))));
    assert.equal(again.identity?.subject, 'u0');
  });
});

describe('jwt: authorization on the identity (core)', () => {
  const policy = (authorize: unknown, extra: Record<string, unknown> = {}) => firewallWith({
    guards: [jwt({ ...base, identity: { roles: 'roles' } })],
    routes: [{ path: '/users/:userId/orders', methods: ['GET', 'POST', 'DELETE'], authorize } as never],
    ...extra,
  });

  test('scopes: all (array), any; 403 insufficient_scope with a Bearer challenge', async () => {
    const fw = policy([{ methods: ['GET'], scopes: { any: ['orders:read', 'orders:admin'] } }, { methods: ['POST'], scopes: ['orders:write', 'orders:create'] }]);
    const token = hs256(claims({ sub: 'u1' }));
    assert.equal((await decideWith(fw, bearer(token), '/users/u1/orders')).outcome, 'allow');
    const d = await decideWith(fw, bearer(token), '/users/u1/orders', 'POST');
    assertRefused(d, 'insufficient_scope', undefined, 403);
    assert.deepEqual(d.response?.headers.find(([n]) => n === 'www-authenticate'), ['www-authenticate', 'Bearer error="insufficient_scope"']);
  });

  test('no identity at all: 401 authentication_required', async () => {
    const fw = firewallWith({ guards: [jwt({ ...base, optional: true })], routes: [{ path: '/orders', authorize: { scopes: ['orders:read'] } }] });
    const d = await decideWith(fw, []);
    assertRefused(d, 'authentication_required');
    assert.deepEqual(d.response?.headers.find(([n]) => n === 'www-authenticate'), ['www-authenticate', 'Bearer']);
  });

  test('BOLA: /users/{userId}/orders only for that user, unless an override role', async () => {
    const fw = policy({ owner: { param: 'userId', claim: 'sub', overrideRoles: ['support'] } });
    assert.equal((await decideWith(fw, bearer(hs256(claims({ sub: 'u1' }))), '/users/u1/orders')).outcome, 'allow');
    assertRefused(await decideWith(fw, bearer(hs256(claims({ sub: 'u1' }))), '/users/u2/orders'), 'not_owner', undefined, 403);
    assert.equal((await decideWith(fw, bearer(hs256(claims({ sub: 'u1', roles: ['support'] }))), '/users/u2/orders')).outcome, 'allow');
    // Encoded look-alikes are decoded before the comparison: they name another user.
    assertRefused(await decideWith(fw, bearer(hs256(claims({ sub: 'u1' }))), '/users/u1%20/orders'), 'not_owner', undefined, 403);
  });

  test('function-level authorization: roles per method, claim predicates, a check function', async () => {
    const fw = policy([
      { methods: ['DELETE'], roles: { any: ['admin'] } },
      { claims: { tenant: 'acme', email_verified: true } },
      { methods: ['POST'], check: (identity: Identity) => identity.subject !== 'blocked' },
    ]);
    const user = hs256(claims({ sub: 'u1', tenant: 'acme', email_verified: true }));
    assert.equal((await decideWith(fw, bearer(user), '/users/u1/orders')).outcome, 'allow');
    assertRefused(await decideWith(fw, bearer(user), '/users/u1/orders', 'DELETE'), 'role_required', undefined, 403);
    assert.equal((await decideWith(fw, bearer(hs256(claims({ tenant: 'acme', email_verified: true, roles: ['admin'] }))), '/users/u1/orders', 'DELETE')).outcome, 'allow');
    assertRefused(await decideWith(fw, bearer(hs256(claims({ tenant: 'other', email_verified: true }))), '/users/u1/orders'), 'claim_mismatch', undefined, 403);
    assertRefused(await decideWith(fw, bearer(hs256(claims({ sub: 'blocked', tenant: 'acme', email_verified: true }))), '/users/u1/orders', 'POST'), 'access_denied', undefined, 403);
  });

  test('deny by default: uncovered routes and unmatched paths are refused when asked', async () => {
    const fw = firewallWith({
      guards: [jwt({ ...base, optional: true })],
      authorization: { uncovered: 'deny' },
      routes: [
        { path: '/health', authorize: { authenticated: false } },
        { path: '/orders', methods: ['GET', 'POST'], authorize: { methods: ['GET'], scopes: ['orders:read'] } },
      ],
    });
    assert.equal((await decideWith(fw, [], '/health')).outcome, 'allow');
    assert.equal((await decideWith(fw, bearer(hs256(claims())), '/orders')).outcome, 'allow');
    assertRefused(await decideWith(fw, bearer(hs256(claims())), '/orders', 'POST'), 'route_not_covered', undefined, 403);
    assertRefused(await decideWith(fw, bearer(hs256(claims())), '/elsewhere'), 'route_not_covered', undefined, 403);
  });
});

describe('jwt: policy errors name their path', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['no algorithms', { algorithms: undefined }, /guards\[0\]\.algorithms: is required/],
    ['alg none', { algorithms: ['none'] }, /guards\[0\]\.algorithms\[0\]/],
    ['no key source', { secret: undefined }, /exactly one key source/],
    ['two key sources', { jwksUri: 'https://idp.test/jwks' }, /secret and jwksUri/],
    ['a short secret', { secret: 'short' }, /guards\[0\]\.secret: expected a secret of at least 32 bytes/],
    ['HS with a public key', { secret: undefined, publicKeys: [{ pem: ecKey('x').publicPem }] }, /HS256 need a shared `secret`/],
    ['RS with a secret', { algorithms: ['RS256'] }, /need public keys/],
    ['a private key', { algorithms: ['ES256'], secret: undefined, publicKeys: [{ pem: ecKey('x').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }] }, /publicKeys\[0\]: expected a public key/],
    ['a key that fits no algorithm', { algorithms: ['RS256'], secret: undefined, publicKeys: [{ pem: ecKey('x').publicPem }] }, /publicKeys\[0\]: no algorithm/],
    ['issuer missing', { issuer: undefined }, /guards\[0\]\.issuer: is required/],
    ['audience missing', { audience: undefined }, /guards\[0\]\.audience: is required/],
    ['plain http JWKS', { secret: undefined, algorithms: ['ES256'], jwksUri: 'http://idp.example.com/jwks' }, /jwksUri: expected an https URL/],
    ['an unknown option', { algorithm: ['HS256'] }, /guards\[0\]\.algorithm: unknown option/],
    ['a registered crit name', { criticalHeaders: ['alg'] }, /criticalHeaders\[0\]/],
    ['a bad token location', { from: { body: 'token' } }, /guards\[0\]\.from/],
    ['a role map without roles', { identity: { roleMap: { a: 'b' } } }, /identity\.roleMap/],
  ];
  for (const [name, change, message] of cases) {
    test(name, () => {
      assert.throws(() => firewall(change as Partial<JwtOptions>), (error: unknown) => error instanceof FirewallError && error.code === 'ERR_POLICY_INVALID' && message.test(error.message));
    });
  }

  test('authorization rules are checked too', () => {
    const bad = (authorize: unknown, pathPattern = '/users/:id') => () => firewallWith({ routes: [{ path: pathPattern, methods: ['GET'], authorize } as never] });
    assert.throws(bad({ owner: { param: 'userId' } }), /routes\[0\]\.authorize\.owner\.param: the route "\/users\/:id" has no parameter ":userId"/);
    assert.throws(bad({ methods: ['DELETE'], scopes: ['a'] }), /routes\[0\]\.authorize\.methods: DELETE is not a method of this route/);
    assert.throws(bad({ authenticated: false, scopes: ['a'] }), /routes\[0\]\.authorize\.scopes: a public rule/);
    assert.throws(bad({ scopes: [] }), /routes\[0\]\.authorize\.scopes: expected a non-empty array/);
    assert.throws(bad({ claims: { 'a.__proto__': 1 } }), /authorize\.claims\.a\.__proto__/);
    assert.throws(bad({ claims: { tenant: { equals: 1, oneOf: [1] } } }), /authorize\.claims\.tenant: expected a value or exactly one of/);
    assert.throws(bad({ role: ['a'] }), /routes\[0\]\.authorize\.role: unknown option/);
    assert.throws(() => firewallWith({ authorization: { uncovered: 'block' } as never }), /authorization\.uncovered/);
  });
});
