// introspection() against a real authorization server: oidc-provider on loopback issues opaque
// client-credentials tokens, and the guard asks its RFC 7662 endpoint about them over real HTTP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createFirewall, type Decision, type Diagnostic, type Firewall } from '@portcullis/core';
import { introspection, type IntrospectionOptions } from '@portcullis/auth';
import { OPAQUE_RESOURCE, RIG_CLIENT, RIG_RESOURCE_SERVER, startOidcProvider, type OidcRig } from '../support/oidc/provider.js';

describe('introspection() with oidc-provider', () => {
  let rig: OidcRig;
  const firewalls: Firewall[] = [];
  before(async () => {
    rig = await startOidcProvider();
  });
  after(async () => {
    await Promise.all(firewalls.map((f) => f.close()));
    await rig.close();
  });

  /** A firewall with the guard pointed at the rig. The real clock: the provider's exp is real time. */
  async function guarded(options: Partial<IntrospectionOptions> = {}): Promise<{ decide(token: string): Promise<Decision>; diagnostics: Diagnostic[] }> {
    const diagnostics: Diagnostic[] = [];
    const firewall = createFirewall({
      guards: [introspection({ url: rig.introspectionUrl, client: RIG_RESOURCE_SERVER, issuer: rig.issuer, audience: OPAQUE_RESOURCE, ...options })],
      telemetry: { onDecision() {}, onDiagnostic: (d) => diagnostics.push(d) },
    });
    firewalls.push(firewall);
    await firewall.ready();
    return {
      diagnostics,
      decide: (token) => firewall.decide({ method: 'GET', target: '/orders', headers: [['authorization', `Bearer ${token}`]], remoteAddress: '127.0.0.1' }),
    };
  }

  test('an active opaque token becomes the identity: client id, scopes, audience checked', async () => {
    const token = await rig.clientCredentials({ scope: 'orders:read orders:write', resource: OPAQUE_RESOURCE });
    const decision = await (await guarded()).decide(token);
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.identity?.method, 'introspection');
    assert.equal(decision.identity?.clientId, RIG_CLIENT.id);
    assert.deepEqual(decision.identity?.scopes, ['orders:read', 'orders:write']);
    assert.equal(decision.identity?.claims['aud'], OPAQUE_RESOURCE);
    assert.equal(decision.identity?.claims['iss'], rig.issuer);
  });

  test('a token the provider never issued is 401 token_invalid (inactive)', async () => {
    const decision = await (await guarded()).decide('random-token-the-provider-never-issued');
    assert.equal(decision.status, 401);
    assert.equal(decision.code, 'token_invalid');
    assert.equal(decision.annotations['auth.reason'], 'inactive');
  });

  test('an active token for another audience is refused (reason audience)', async () => {
    const withoutResource = await rig.clientCredentials({ scope: 'orders:read' });
    const decision = await (await guarded()).decide(withoutResource);
    assert.equal(decision.code, 'token_invalid');
    assert.equal(decision.annotations['auth.reason'], 'audience');
  });

  test('wrong resource-server credentials: the provider refuses, so the guard fails closed (503)', async () => {
    const token = await rig.clientCredentials({ scope: 'orders:read', resource: OPAQUE_RESOURCE });
    const decision = await (await guarded({ client: { id: RIG_RESOURCE_SERVER.id, secret: 'wrong-secret' } })).decide(token);
    assert.equal(decision.status, 503);
    assert.equal(decision.code, 'guard_unavailable');
  });

  test('provider stopped: a cached token still passes, an uncached one is 503 (deny) or passes without identity (allow)', async () => {
    const cachedToken = await rig.clientCredentials({ scope: 'orders:read', resource: OPAQUE_RESOURCE });
    const uncachedToken = await rig.clientCredentials({ scope: 'orders:write', resource: OPAQUE_RESOURCE });
    const deny = await guarded();
    const allow = await guarded({ onError: 'allow' });
    assert.equal((await deny.decide(cachedToken)).outcome, 'allow');
    await rig.stop();
    try {
      const cached = await deny.decide(cachedToken);
      assert.equal(cached.outcome, 'allow');
      assert.deepEqual(cached.identity?.scopes, ['orders:read']);
      const uncached = await deny.decide(uncachedToken);
      assert.equal(uncached.status, 503);
      assert.equal(uncached.code, 'guard_unavailable');
      assert.equal(uncached.identity, undefined);
      const allowed = await allow.decide(uncachedToken);
      assert.equal(allowed.outcome, 'allow');
      assert.equal(allowed.identity, undefined);
      const reported = JSON.stringify([...deny.diagnostics, ...allow.diagnostics]);
      assert.ok(!reported.includes(uncachedToken) && !reported.includes(RIG_RESOURCE_SERVER.secret));
    } finally {
      await rig.restart();
    }
    // One failure does not open the breaker (threshold 5): the provider is asked again at once.
    const back = await deny.decide(uncachedToken);
    assert.equal(back.outcome, 'allow');
    assert.deepEqual(back.identity?.scopes, ['orders:write']);
  });

  test('the breaker opens against a stopped provider and closes once it is back (after resetMs)', async () => {
    const token = await rig.clientCredentials({ scope: 'orders:read', resource: OPAQUE_RESOURCE });
    let clock = Date.now();
    const diagnostics: Diagnostic[] = [];
    // A fixed clock that starts at real time, so the provider's exp stays in the future.
    const firewall = createFirewall({
      guards: [introspection({ url: rig.introspectionUrl, client: RIG_RESOURCE_SERVER, breaker: { failureThreshold: 2, resetMs: 5_000 } })],
      clock: () => clock,
      telemetry: { onDecision() {}, onDiagnostic: (d) => diagnostics.push(d) },
    });
    firewalls.push(firewall);
    await firewall.ready();
    const decide = () => firewall.decide({ method: 'GET', target: '/', headers: [['authorization', `Bearer ${token}`]], remoteAddress: '127.0.0.1' });
    await rig.stop();
    try {
      assert.equal((await decide()).status, 503);
      assert.equal((await decide()).status, 503);
      assert.ok(diagnostics.some((d) => d.code === 'PC_INTROSPECTION_UNAVAILABLE'));
    } finally {
      await rig.restart();
    }
    assert.equal((await decide()).status, 503, 'still open: no request until resetMs');
    clock += 5_000;
    const recovered = await decide();
    assert.equal(recovered.outcome, 'allow');
    assert.ok(diagnostics.some((d) => d.code === 'PC_INTROSPECTION_RECOVERED'));
  });
});
