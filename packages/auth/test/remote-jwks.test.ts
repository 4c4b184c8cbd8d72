import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Diagnostic } from '@portcullis/core';
import { jwt } from '../src/index.js';
import { AUDIENCE, ISSUER, NOW_S, bearer, claims, decideWith, ecKey, es256, firewallWith, type EcKey } from './jwt-support.js';

/** A JWKS endpoint on loopback whose answers the test controls, counting the fetches it serves. */
class KeyServer {
  keys: EcKey[] = [];
  mode: 'ok' | 'error' | 'garbage' | 'huge' | 'redirect' | 'private' = 'ok';
  fetches = 0;
  readonly #server: Server = createServer((req, res) => {
    this.fetches++;
    if (this.mode === 'error') return void res.writeHead(500).end();
    if (this.mode === 'garbage') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": [');
    if (this.mode === 'huge') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [], pad: 'x'.repeat(600 * 1024) }));
    if (this.mode === 'redirect') return void res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    const published = this.keys.map((k) => (this.mode === 'private' ? { ...k.privateKey.export({ format: 'jwk' }), kid: k.publicJwk['kid'] } : k.publicJwk));
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: published }));
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/jwks`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function policyFor(server: KeyServer, diagnostics: Diagnostic[], jwksUri: Record<string, unknown> = {}, onError: 'deny' | 'allow' = 'deny') {
  return firewallWith({
    // Real time: the key server's freshness is measured on the real clock.
    clock: Date.now,
    telemetry: { onDecision() {}, onDiagnostic: (d) => void diagnostics.push(d) },
    guards: [jwt({ algorithms: ['ES256'], jwksUri: { url: server.url, cooldownMs: 0, ...jwksUri }, issuer: ISSUER, audience: AUDIENCE, onError })],
  });
}

const fresh = () => claims({ iat: Math.floor(Date.now() / 1000) - 5, exp: Math.floor(Date.now() / 1000) + 600 });

describe('jwt with a remote JWKS', () => {
  const server = new KeyServer();
  before(() => server.start());
  after(() => server.stop());

  test('ready() fetches the key set; tokens verify; an unknown kid triggers one refresh', async () => {
    const a = ecKey('a');
    const b = ecKey('b');
    server.mode = 'ok';
    server.keys = [a];
    server.fetches = 0;
    const fw = policyFor(server, []);
    await fw.ready();
    assert.equal(server.fetches, 1);
    assert.equal((await decideWith(fw, bearer(es256(a, fresh())))).outcome, 'allow');
    assert.equal(server.fetches, 1, 'a known kid needs no fetch');
    server.keys = [a, b];
    assert.equal((await decideWith(fw, bearer(es256(b, fresh())))).outcome, 'allow', 'the new key is fetched on its first use');
    assert.equal(server.fetches, 2);
    await fw.close();
  });

  test('unknown kids cannot flood the endpoint: refreshes wait for the cooldown', async () => {
    const a = ecKey('a');
    server.mode = 'ok';
    server.keys = [a];
    server.fetches = 0;
    const fw = policyFor(server, [], { cooldownMs: 60_000 });
    await fw.ready();
    const before = server.fetches;
    for (let i = 0; i < 20; i++) {
      const d = await decideWith(fw, bearer(es256(ecKey(`attacker-${i}`), fresh())));
      assert.equal(d.code, 'token_invalid');
      assert.equal(d.annotations['auth.reason'], 'unknown-key');
    }
    assert.equal(server.fetches - before, 1, 'one refresh for twenty unknown kids inside the cooldown');
    await fw.close();
  });

  test('a removed key is dropped from the verified-token cache after the refresh', async () => {
    const a = ecKey('a');
    const b = ecKey('b');
    server.mode = 'ok';
    server.keys = [a];
    const fw = policyFor(server, []);
    await fw.ready();
    const tokenA = es256(a, fresh());
    assert.equal((await decideWith(fw, bearer(tokenA))).outcome, 'allow');
    assert.equal((await decideWith(fw, bearer(tokenA))).outcome, 'allow', 'served from the cache');
    // The provider rotates: a leaves, b arrives. b's first token triggers the refresh.
    server.keys = [b];
    assert.equal((await decideWith(fw, bearer(es256(b, fresh())))).outcome, 'allow');
    const again = await decideWith(fw, bearer(tokenA));
    assert.equal(again.code, 'token_invalid', 'the cached verification of a token signed by a removed key is not reused');
    await fw.close();
  });

  test('an outage keeps last-known-good keys; an unknown kid then follows onError; recovery is reported', async () => {
    const a = ecKey('a');
    server.mode = 'ok';
    server.keys = [a];
    const diagnostics: Diagnostic[] = [];
    const fw = policyFor(server, diagnostics);
    await fw.ready();
    server.mode = 'error';
    assert.equal((await decideWith(fw, bearer(es256(a, fresh())))).outcome, 'allow', 'known key, endpoint down');
    const unknown = await decideWith(fw, bearer(es256(ecKey('c'), fresh())));
    assert.equal(unknown.status, 503);
    assert.equal(unknown.code, 'guard_unavailable');
    assert.ok(diagnostics.some((d) => d.code === 'PC_JWKS_FETCH_FAILED' && /last-known-good/.test(d.message)));
    assert.ok(!diagnostics.some((d) => d.message.includes('eyJ')), 'no token in diagnostics');
    server.mode = 'ok';
    const c = ecKey('c2');
    server.keys = [a, c];
    assert.equal((await decideWith(fw, bearer(es256(c, fresh())))).outcome, 'allow');
    assert.ok(diagnostics.some((d) => d.code === 'PC_JWKS_RECOVERED'));
    await fw.close();
  });

  test('onError allow: an unverifiable token passes without identity during an outage', async () => {
    server.mode = 'error';
    const diagnostics: Diagnostic[] = [];
    const fw = policyFor(server, diagnostics, {}, 'allow');
    await fw.ready();
    const d = await decideWith(fw, bearer(es256(ecKey('a'), fresh())));
    assert.equal(d.outcome, 'allow');
    assert.equal(d.identity, undefined);
    assert.equal(d.results.find((r) => r.guard === 'jwt')?.outcome, 'error');
    assert.ok(diagnostics.some((d) => d.code === 'PC_JWKS_FETCH_FAILED' && /no keys yet/.test(d.message)));
    await fw.close();
  });

  for (const mode of ['garbage', 'huge', 'redirect', 'private'] as const) {
    test(`a ${mode} answer is a failed fetch, never a key set`, async () => {
      server.mode = mode;
      server.keys = [ecKey('a')];
      const diagnostics: Diagnostic[] = [];
      const fw = policyFor(server, diagnostics);
      await fw.ready();
      const d = await decideWith(fw, bearer(es256(server.keys[0] as EcKey, fresh())));
      assert.equal(d.status, 503);
      assert.ok(diagnostics.some((x) => x.code === 'PC_JWKS_FETCH_FAILED'));
      await fw.close();
    });
  }

  test('keys older than cacheMaxAgeMs + maxStaleMs are no longer trusted', async () => {
    const a = ecKey('a');
    server.mode = 'ok';
    server.keys = [a];
    const diagnostics: Diagnostic[] = [];
    const fw = policyFor(server, diagnostics, { cacheMaxAgeMs: 1_000, maxStaleMs: 0, cooldownMs: 0 });
    await fw.ready();
    server.mode = 'error';
    // Let the key set go stale (a real wait: freshness is measured on the real clock).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const d = await decideWith(fw, bearer(es256(a, fresh())));
    assert.equal(d.status, 503);
    assert.ok(diagnostics.some((x) => x.code === 'PC_JWKS_STALE'));
    await fw.close();
  });

  test('the expiry of a token is still the policy clock\'s business', async () => {
    const a = ecKey('a');
    server.mode = 'ok';
    server.keys = [a];
    const fw = policyFor(server, []);
    await fw.ready();
    const d = await decideWith(fw, bearer(es256(a, claims({ exp: NOW_S }))));
    assert.equal(d.code, 'token_expired');
    await fw.close();
  });
});
