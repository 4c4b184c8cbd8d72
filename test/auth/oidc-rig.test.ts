// The OIDC test rig itself: a real oidc-provider on loopback issues JWT access tokens that verify
// against its JWKS, and opaque tokens that its introspection endpoint reports active.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  JWT_RESOURCE,
  OPAQUE_RESOURCE,
  RIG_CLIENT,
  RIG_RESOURCE_SERVER,
  basicAuthorization,
  generateSigningKey,
  startOidcProvider,
  type OidcRig,
} from '../support/oidc/provider.js';

async function introspect(rig: OidcRig, token: string, credentials = basicAuthorization(RIG_RESOURCE_SERVER)): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(rig.introspectionUrl, {
    method: 'POST',
    headers: { authorization: credentials, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('OIDC rig (oidc-provider on loopback)', () => {
  let rig: OidcRig;
  before(async () => {
    rig = await startOidcProvider({ signingKeys: [await generateSigningKey('rig-test-key')] });
  });
  after(() => rig.close());

  test('issues a JWT access token for the JWT resource that verifies against the JWKS', async () => {
    const token = await rig.clientCredentials({ scope: 'orders:read orders:write', resource: JWT_RESOURCE });
    assert.equal(decodeProtectedHeader(token).kid, 'rig-test-key');
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(rig.jwksUri)), {
      issuer: rig.issuer,
      audience: JWT_RESOURCE,
      algorithms: ['ES256'],
      typ: 'at+jwt',
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.iss, rig.issuer);
    assert.equal(payload.aud, JWT_RESOURCE);
    assert.equal(payload['client_id'], RIG_CLIENT.id);
    assert.equal(payload['scope'], 'orders:read orders:write');
    assert.equal(typeof payload.exp, 'number');
  });

  test('the issuer is the loopback URL the provider listens on', () => {
    assert.match(rig.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(rig.jwksUri, `${rig.issuer}/jwks`);
  });

  test('issues an opaque token that introspects as active, with audience, scope and client id', async () => {
    const token = await rig.clientCredentials({ scope: 'orders:read', resource: OPAQUE_RESOURCE });
    assert.equal(token.split('.').length, 1, 'an opaque token is not a JWS');
    const { status, body } = await introspect(rig, token);
    assert.equal(status, 200);
    assert.equal(body['active'], true);
    assert.equal(body['client_id'], RIG_CLIENT.id);
    assert.equal(body['scope'], 'orders:read');
    assert.equal(body['aud'], OPAQUE_RESOURCE);
    assert.equal(body['iss'], rig.issuer);
  });

  test('an unknown token introspects as inactive', async () => {
    const { status, body } = await introspect(rig, 'not-a-token-the-provider-issued');
    assert.equal(status, 200);
    assert.deepEqual(body, { active: false });
  });

  test('introspection needs the form-encoded resource-server credentials (RFC 6749 §2.3.1)', async () => {
    const token = await rig.clientCredentials({ scope: 'orders:read' });
    const raw = `Basic ${Buffer.from(`${RIG_RESOURCE_SERVER.id}:${RIG_RESOURCE_SERVER.secret}`).toString('base64')}`;
    const refused = await introspect(rig, token, raw);
    // `%an` does not URL-decode (400 invalid_request); were it decodable, the secret would not match (401).
    assert.ok(refused.status === 400 || refused.status === 401, `expected a refusal, got ${refused.status}`);
    assert.equal(refused.body['active'], undefined);
    // The token's own client is authenticated but not allowed to introspect: inactive.
    const asClient = await introspect(rig, token, basicAuthorization(RIG_CLIENT));
    assert.deepEqual(asClient.body, { active: false });
  });

  test('an unknown resource is refused (invalid_target)', async () => {
    await assert.rejects(rig.clientCredentials({ scope: 'orders:read', resource: 'https://unknown.example' }), /invalid_target/);
  });

  test('stop refuses connections; restart serves the same issuer and still knows issued tokens', async () => {
    const token = await rig.clientCredentials({ scope: 'orders:read', resource: OPAQUE_RESOURCE });
    const issuer = rig.issuer;
    await rig.stop();
    assert.equal(rig.running, false);
    await assert.rejects(fetch(rig.jwksUri, { signal: AbortSignal.timeout(5_000) }));
    await rig.restart();
    assert.equal(rig.running, true);
    assert.equal(rig.issuer, issuer);
    assert.equal((await introspect(rig, token)).body['active'], true);
  });

  test('rotate serves the new key set and signs with it', async () => {
    const next = await generateSigningKey('rig-test-key-2');
    await rig.rotate([next]);
    const jwks = (await (await fetch(rig.jwksUri, { signal: AbortSignal.timeout(5_000) })).json()) as { keys: { kid: string; d?: string }[] };
    assert.deepEqual(jwks.keys.map((k) => k.kid), ['rig-test-key-2']);
    assert.ok(jwks.keys.every((k) => k.d === undefined), 'the JWKS publishes public keys only');
    const token = await rig.clientCredentials({ scope: 'orders:read', resource: JWT_RESOURCE });
    assert.equal(decodeProtectedHeader(token).kid, 'rig-test-key-2');
    assert.deepEqual(rig.serverErrors, []);
  });
});
