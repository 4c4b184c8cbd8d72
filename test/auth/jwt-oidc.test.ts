// jwt() end to end against a real authorization server: oidc-provider on loopback issues
// client-credentials JWT access tokens (RFC 9068) and publishes its keys at a JWKS endpoint; the
// guard fetches that JWKS over real HTTP, follows key rotation, and rides out a provider outage.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT, generateKeyPair } from 'jose';
import { createFirewall, type Decision, type Diagnostic, type Firewall, type Policy } from '@portcullis/core';
import { jwt, type JwtOptions } from '@portcullis/auth';
import { portcullis } from '@portcullis/express';
import express5 from 'express5';
import { serve, send, type Running } from '../support/adapter-kit/http.js';
import { JWT_RESOURCE, RIG_CLIENT, generateSigningKey, startOidcProvider, type OidcRig } from '../support/oidc/provider.js';

/** The part of Express the test uses (the test workspace carries no Express typings). */
interface ExpressApp {
  (req: IncomingMessage, res: ServerResponse): void;
  use(handler: unknown): unknown;
}
type ExpressRequest = IncomingMessage & { portcullis?: Decision };

const ORDERS_ROUTE = {
  path: '/orders',
  methods: ['GET', 'POST'],
  authorize: [
    { methods: ['GET'], scopes: ['orders:read'] },
    { methods: ['POST'], scopes: ['orders:write'] },
  ],
} as const;

interface Guarded {
  readonly firewall: Firewall;
  readonly diagnostics: Diagnostic[];
  decide(token: string | undefined, method?: string, target?: string): Promise<Decision>;
}

const firewalls: Firewall[] = [];
after(() => Promise.all(firewalls.map((f) => f.close())));

/** A firewall with jwt() on the rig's JWKS. `options` and `policy` override the defaults. */
async function guarded(rig: OidcRig, options: Partial<JwtOptions> = {}, policy: Partial<Policy> = {}): Promise<Guarded> {
  const diagnostics: Diagnostic[] = [];
  const firewall = createFirewall({
    guards: [jwt({ algorithms: ['ES256'], jwksUri: rig.jwksUri, issuer: rig.issuer, audience: JWT_RESOURCE, type: 'at+jwt', ...options })],
    routes: [ORDERS_ROUTE],
    telemetry: { onDecision() {}, onDiagnostic: (d) => diagnostics.push(d) },
    ...policy,
  });
  firewalls.push(firewall);
  await firewall.ready();
  return {
    firewall,
    diagnostics,
    decide: (token, method = 'GET', target = '/orders') =>
      firewall.decide({ method, target, headers: token === undefined ? [] : [['authorization', `Bearer ${token}`]], remoteAddress: '127.0.0.1' }),
  };
}

/** A token the provider did not sign: a key it never published, with otherwise valid claims. */
async function tokenFromUnpublishedKey(rig: OidcRig): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({ client_id: RIG_CLIENT.id, scope: 'orders:read' })
    .setProtectedHeader({ alg: 'ES256', kid: 'never-published', typ: 'at+jwt' })
    .setIssuer(rig.issuer)
    .setAudience(JWT_RESOURCE)
    .setSubject(RIG_CLIENT.id)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}

describe('jwt() with oidc-provider: decisions and Express 5', () => {
  let rig: OidcRig;
  let app: Running;
  let readToken: string;
  let writeToken: string;
  before(async () => {
    rig = await startOidcProvider();
    readToken = await rig.clientCredentials({ scope: 'orders:read', resource: JWT_RESOURCE });
    writeToken = await rig.clientCredentials({ scope: 'orders:read orders:write', resource: JWT_RESOURCE });
    const { firewall } = await guarded(rig);
    const express = (express5 as unknown as () => ExpressApp)();
    express.use(portcullis(firewall));
    express.use((req: ExpressRequest, res: ServerResponse) => {
      const identity = req.portcullis?.identity;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ handled: true, method: req.method, clientId: identity?.clientId, scopes: identity?.scopes }));
    });
    app = await serve(express);
  });
  after(async () => {
    await app.close();
    await rig.close();
  });

  test('a client-credentials JWT passes firewall.decide; the identity carries client id and scopes', async () => {
    const { decide } = await guarded(rig);
    const decision = await decide(writeToken);
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.identity?.method, 'jwt');
    assert.equal(decision.identity?.clientId, RIG_CLIENT.id);
    assert.equal(decision.identity?.subject, RIG_CLIENT.id);
    assert.deepEqual(decision.identity?.scopes, ['orders:read', 'orders:write']);
    assert.equal(decision.identity?.claims['iss'], rig.issuer);
  });

  test('a JWT for another audience is refused (token_invalid, reason audience)', async () => {
    const { decide } = await guarded(rig, { audience: 'https://other-api.example' });
    const decision = await decide(writeToken);
    assert.equal(decision.status, 401);
    assert.equal(decision.code, 'token_invalid');
    assert.equal(decision.annotations['auth.reason'], 'audience');
  });

  test('through Express 5: the handler sees the identity', async () => {
    const reply = await send(app.url, { path: '/orders', headers: { authorization: `Bearer ${readToken}` } });
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), { handled: true, method: 'GET', clientId: RIG_CLIENT.id, scopes: ['orders:read'] });
  });

  test('through Express 5: POST needs orders:write (403 insufficient_scope), and passes with it', async () => {
    const refused = await send(app.url, { method: 'POST', path: '/orders', headers: { authorization: `Bearer ${readToken}` } });
    assert.equal(refused.status, 403);
    assert.equal(JSON.parse(refused.body).code, 'insufficient_scope');
    assert.match(String(refused.headers['www-authenticate']), /^Bearer error="insufficient_scope"/);
    assert.ok(!refused.body.includes('"handled"'), 'the handler did not run');
    const allowed = await send(app.url, { method: 'POST', path: '/orders', headers: { authorization: `Bearer ${writeToken}` } });
    assert.equal(allowed.status, 200);
    assert.deepEqual(JSON.parse(allowed.body).scopes, ['orders:read', 'orders:write']);
  });

  test('through Express 5: no token is 401 credentials_missing; a forged one is 401 token_invalid', async () => {
    const missing = await send(app.url, { path: '/orders' });
    assert.equal(missing.status, 401);
    assert.equal(JSON.parse(missing.body).code, 'credentials_missing');
    assert.match(String(missing.headers['www-authenticate']), /^Bearer/);
    const forged = await send(app.url, { path: '/orders', headers: { authorization: `Bearer ${await tokenFromUnpublishedKey(rig)}` } });
    assert.equal(forged.status, 401);
    assert.equal(JSON.parse(forged.body).code, 'token_invalid');
  });

  test('a cached token is refused once the policy clock passes its exp (+ tolerance)', async () => {
    let clock = Date.now();
    const { decide } = await guarded(rig, { clockToleranceSeconds: 30 }, { clock: () => clock });
    assert.equal((await decide(readToken)).outcome, 'allow');
    const exp = (await decide(readToken)).identity?.claims['exp'];
    assert.equal(typeof exp, 'number');
    clock = (exp as number) * 1_000 + 30_000;
    const expired = await decide(readToken);
    assert.equal(expired.status, 401);
    assert.equal(expired.code, 'token_expired');
  });
});

describe('jwt() with oidc-provider: key rotation', () => {
  let rig: OidcRig;
  before(async () => {
    rig = await startOidcProvider({ signingKeys: [await generateSigningKey('key-1')] });
  });
  after(() => rig.close());

  test('a new kid is fetched on first sight; a token of the removed key is refused, even though it was cached', async () => {
    const { decide, diagnostics } = await guarded(rig);
    const oldToken = await rig.clientCredentials({ scope: 'orders:read', resource: JWT_RESOURCE });
    assert.equal((await decide(oldToken)).outcome, 'allow');
    assert.equal((await decide(oldToken)).outcome, 'allow', 'now served from the verified-token cache');

    await rig.rotate([await generateSigningKey('key-2')]);
    const newToken = await rig.clientCredentials({ scope: 'orders:read', resource: JWT_RESOURCE });
    const fresh = await decide(newToken);
    assert.equal(fresh.outcome, 'allow', 'the unknown kid made the guard refresh the JWKS');
    assert.equal(fresh.identity?.clientId, RIG_CLIENT.id);

    const stale = await decide(oldToken);
    assert.equal(stale.status, 401, 'the cached verification was dropped with its key');
    assert.equal(stale.code, 'token_invalid');
    assert.equal(stale.annotations['auth.reason'], 'unknown-key');
    assert.deepEqual(diagnostics.filter((d) => d.code === 'PC_JWKS_FETCH_FAILED'), []);
  });

  test('while both keys are published (overlap), tokens of both pass', async () => {
    const current = await generateSigningKey('key-3');
    await rig.rotate([current]);
    const { decide } = await guarded(rig);
    const older = await rig.clientCredentials({ scope: 'orders:read', resource: JWT_RESOURCE });
    // The provider signs with the first key; the second stays published for verification.
    await rig.rotate([await generateSigningKey('key-4'), current]);
    const newer = await rig.clientCredentials({ scope: 'orders:read', resource: JWT_RESOURCE });
    assert.equal((await decide(newer)).outcome, 'allow');
    assert.equal((await decide(older)).outcome, 'allow');
  });
});

describe('jwt() with oidc-provider: JWKS outage', () => {
  let rig: OidcRig;
  before(async () => {
    rig = await startOidcProvider();
  });
  after(() => rig.close());

  test('known keys keep working (last-known-good); an unknown kid follows onError; restart restores refresh', async () => {
    // cooldownMs 0: every unknown kid may refresh, so the outage and the recovery are both seen.
    const deny = await guarded(rig, { jwksUri: { url: rig.jwksUri, cooldownMs: 0 } });
    const allow = await guarded(rig, { jwksUri: { url: rig.jwksUri, cooldownMs: 0 }, onError: 'allow' });
    const known = await rig.clientCredentials({ scope: 'orders:read', resource: JWT_RESOURCE });
    const unknownKid = await tokenFromUnpublishedKey(rig);

    await rig.stop();
    try {
      const lastKnownGood = await deny.decide(known);
      assert.equal(lastKnownGood.outcome, 'allow', 'a token of a known key verifies without the endpoint');
      assert.equal(lastKnownGood.identity?.clientId, RIG_CLIENT.id);

      const refused = await deny.decide(unknownKid);
      assert.equal(refused.status, 503, 'an unknown kid while the JWKS cannot be fetched is an outage, not a bad token');
      assert.equal(refused.code, 'guard_unavailable');
      assert.ok(deny.diagnostics.some((d) => d.code === 'PC_JWKS_FETCH_FAILED'));

      // onError 'allow': the guard lets the request through without an identity...
      const passed = await allow.decide(unknownKid, 'GET', '/status');
      assert.equal(passed.outcome, 'allow');
      assert.equal(passed.identity, undefined);
      assert.deepEqual(passed.results.filter((r) => r.guard === 'jwt').map((r) => [r.outcome, r.failureMode]), [['error', 'allow']]);
      // ...so a route that requires a scope still refuses it (authorization needs an identity).
      const scoped = await allow.decide(unknownKid);
      assert.equal(scoped.status, 401);
      assert.equal(scoped.code, 'authentication_required');
      assert.ok(allow.diagnostics.some((d) => d.code === 'PC_JWKS_FETCH_FAILED'));
      assert.ok(!JSON.stringify(deny.diagnostics).includes(unknownKid), 'no token in diagnostics');
    } finally {
      await rig.restart();
    }

    // The endpoint answers again: the unknown kid is now the token's fault (401), not an outage.
    const afterRestart = await deny.decide(unknownKid);
    assert.equal(afterRestart.status, 401);
    assert.equal(afterRestart.annotations['auth.reason'], 'unknown-key');
    // And a key published after the outage is picked up.
    await rig.rotate([await generateSigningKey('after-outage')]);
    const newKeyToken = await rig.clientCredentials({ scope: 'orders:read', resource: JWT_RESOURCE });
    assert.equal((await deny.decide(newKeyToken)).outcome, 'allow');
  });
});
