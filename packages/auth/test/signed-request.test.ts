/**
 * Signed requests through a real firewall (`createFirewall` + `decide`) with a fixed clock and a
 * real MemoryStore for nonces. Requests are signed with the exported `signRequest` helper, then
 * sent as is or tampered with one field at a time.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createFirewall,
  isFirewallError,
  MemoryStore,
  type BodySource,
  type Decision,
  type Diagnostic,
  type Firewall,
  type GuardDefinition,
  type Policy,
  type Store,
} from '@portcullis/core';
import { signRequest, signedRequest, type SignRequestInput, type SignedRequestOptions } from '../src/signed-request/index.js';

const SECRET_1 = 'k1-secret-0123456789abcdef0123456789abcdef';
const SECRET_2 = new Uint8Array(48).fill(7);
const NOW_S = 1_735_689_600; // 2025-01-01T00:00:00Z
const HOST = 'api.example.test';
const encoder = new TextEncoder();
let nonceCounter = 0;

interface Harness {
  readonly firewall: Firewall;
  readonly diagnostics: Diagnostic[];
  readonly store: MemoryStore;
  /** Sets the clock, in unix seconds. */
  at(seconds: number): void;
}

async function harness(options: Partial<SignedRequestOptions> = {}, extra: Partial<Policy> = {}): Promise<Harness> {
  let now = NOW_S * 1000;
  const clock = (): number => now;
  const store = new MemoryStore({ now: clock });
  const diagnostics: Diagnostic[] = [];
  const guard: GuardDefinition = signedRequest({
    keys: [
      { id: 'k1', secret: SECRET_1, clientId: 'billing', scopes: ['orders:write'], roles: ['service'] },
      { id: 'k2', secret: SECRET_2 },
    ],
    ...options,
  });
  const firewall = createFirewall({
    clock,
    store,
    telemetry: { onDecision: () => undefined, onDiagnostic: (d) => void diagnostics.push(d) },
    routes: [
      { path: '/orders', methods: ['GET', 'POST'], guards: [guard] },
      { path: '/orders/:id', methods: ['GET', 'PUT', 'DELETE'], guards: [guard] },
    ],
    ...extra,
  });
  await firewall.ready();
  return {
    firewall,
    diagnostics,
    store,
    at: (seconds) => {
      now = seconds * 1000;
    },
  };
}

interface Outgoing {
  method: string;
  target: string;
  headers: [string, string][];
  body: Uint8Array | undefined;
}

/** A request signed with `signRequest`, as the list of header pairs that will be sent. */
function signed(input: Partial<SignRequestInput> & { method?: string; target?: string; json?: unknown } = {}): Outgoing {
  const { json, ...rest } = input;
  const body = json === undefined ? (typeof input.body === 'string' ? encoder.encode(input.body) : input.body) : encoder.encode(JSON.stringify(json));
  const headers: Record<string, string> = { host: HOST, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...input.headers };
  const added = signRequest({
    keyId: 'k1',
    secret: SECRET_1,
    method: 'GET',
    target: '/orders',
    timestamp: NOW_S,
    nonce: `nonce-${(nonceCounter += 1)}-0000000000`,
    ...rest,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const pairs: [string, string][] = [...Object.entries(headers), ...Object.entries(added)];
  if (body !== undefined) pairs.push(['content-length', String(body.byteLength)]);
  return { method: input.method ?? 'GET', target: input.target ?? '/orders', headers: pairs, body };
}

function send(h: Harness, out: Outgoing, source?: BodySource): Promise<Decision> {
  const body: BodySource | undefined = source ?? (out.body === undefined ? undefined : { kind: 'read', result: { kind: 'ok', bytes: out.body } });
  return h.firewall.decide({ method: out.method, target: out.target, headers: out.headers, remoteAddress: '127.0.0.1', ...(body === undefined ? {} : { body }) });
}

/** A body that arrives as a Web stream, as fetch runtimes and HTTP/2 give it (no Content-Length needed). */
function webStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

function replaceHeader(out: Outgoing, name: string, value: string): Outgoing {
  return { ...out, headers: out.headers.map(([n, v]) => [n, n === name ? value : v] as [string, string]) };
}

function authorizationOf(out: Outgoing): string {
  return (out.headers.find(([n]) => n === 'authorization') as [string, string])[1];
}

function assertDenied(decision: Decision, status: number, code: string, reason: string, guard = 'signed-request'): void {
  assert.equal(decision.outcome, 'deny', `expected a denial (${code}/${reason})`);
  assert.equal(decision.status, status);
  assert.equal(decision.code, code);
  assert.equal(decision.annotations['auth.reason'], reason);
  assert.equal(decision.guard, guard);
  const body = decision.response?.body ?? '';
  // The problem body never carries the key id, the nonce or the precise reason (telemetry only).
  assert.ok(!body.includes('k1') && !body.includes('k2') && !body.includes('nonce-'), body);
  if (!code.includes(reason)) assert.ok(!body.includes(reason), body);
}

describe('signedRequest: requests that pass', () => {
  it('a signed GET establishes the identity of its key', async () => {
    const h = await harness();
    const decision = await send(h, signed());
    assert.equal(decision.outcome, 'allow');
    assert.deepEqual(decision.identity, { method: 'hmac', clientId: 'billing', scopes: ['orders:write'], roles: ['service'], claims: { keyId: 'k1' } });
  });

  it('a signed JSON POST passes both stages and hands on the body', async () => {
    const h = await harness();
    const decision = await send(h, signed({ method: 'POST', json: { item: 'pen', qty: 2 } }));
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.identity?.clientId, 'billing');
    assert.deepEqual(decision.body?.kind === 'json' ? decision.body.value : undefined, { item: 'pen', qty: 2 });
    assert.ok(decision.results.some((r) => r.guard === 'signed-request:body' && r.outcome === 'allow'));
  });

  it('a body streamed without Content-Length (as over HTTP/2) is checked against its digest', async () => {
    const h = await harness();
    const out = signed({ method: 'POST', json: { a: 1 } });
    const withoutLength = { ...out, headers: out.headers.filter(([n]) => n !== 'content-length') };
    const stream = (bytes: Uint8Array): BodySource => ({ kind: 'web-stream', stream: webStream(bytes) });
    assert.equal((await send(h, withoutLength, stream(out.body as Uint8Array))).outcome, 'allow');
    const other = signed({ method: 'POST', json: { a: 1 } });
    const tampered = { ...other, headers: other.headers.filter(([n]) => n !== 'content-length') };
    assertDenied(await send(h, tampered, stream(encoder.encode('{"a":2}'))), 401, 'signature_invalid', 'digest-mismatch', 'signed-request:body');
  });

  it('the query names may arrive in another order, but a repeated name keeps the order of its values', async () => {
    const h = await harness();
    const out = signed({ target: '/orders?b=2&a=1&a=0' });
    assert.equal((await send(h, { ...out, target: '/orders?a=1&b=2&a=0' })).outcome, 'allow');
    // `a=0` before `a=1` is another request to an application that reads the first value.
    const swapped = await send(h, { ...signed({ target: '/orders?b=2&a=1&a=0' }), target: '/orders?a=0&b=2&a=1' });
    assert.equal(swapped.code, 'signature_invalid');
    assert.equal(swapped.annotations['auth.reason'], 'mismatch');
    // A pair without `=` is not the same as an empty value.
    const bare = await send(h, { ...signed({ target: '/orders?flag' }), target: '/orders?flag=' });
    assert.equal(bare.code, 'signature_invalid');
  });

  it('a signed header that arrives twice is refused (it would sign like one joined value)', async () => {
    const h = await harness({ signedHeaders: ['host', 'x-tenant'] });
    const out = signed({ headers: { host: 'api.example.com', 'x-tenant': '1, 2' }, signedHeaders: ['host', 'x-tenant'] });
    const twice = await send(h, { ...out, headers: [...out.headers.filter(([n]) => n !== 'x-tenant'), ['x-tenant', '1'], ['x-tenant', '2']] });
    assert.equal(twice.code, 'signature_invalid');
    assert.equal(twice.annotations['auth.reason'], 'malformed');
  });

  it('rotation: either key verifies, each giving its own identity', async () => {
    const h = await harness();
    assert.equal((await send(h, signed())).identity?.clientId, 'billing');
    const second = await send(h, signed({ keyId: 'k2', secret: SECRET_2 }));
    assert.deepEqual(second.identity, { method: 'hmac', clientId: 'k2', scopes: [], roles: [], claims: { keyId: 'k2' } });
  });

  it('sha512: PC-HMAC-SHA512 verifies; the other algorithm is refused', async () => {
    const h = await harness({ algorithm: 'sha512' });
    const out = signed({ algorithm: 'sha512' });
    assert.match(authorizationOf(out), /^PC-HMAC-SHA512 /);
    assert.equal((await send(h, out)).outcome, 'allow');
    assertDenied(await send(h, signed()), 401, 'signature_invalid', 'malformed');
    const missing = await h.firewall.decide({ method: 'GET', target: '/orders', headers: [['host', HOST]], remoteAddress: '127.0.0.1' });
    assert.deepEqual(missing.response?.headers.find(([n]) => n === 'www-authenticate'), ['www-authenticate', 'PC-HMAC-SHA512']);
  });

  it('the documented worked example (docs/auth/signed-requests.md) reproduces', () => {
    const added = signRequest({
      keyId: 'k1',
      secret: 'an-example-secret-of-32-bytes-or-more',
      method: 'POST',
      target: '/orders?sort=asc&page=2',
      headers: { host: 'api.example.com', 'content-type': 'application/json' },
      body: '{"item":"pen"}',
      timestamp: 1735689600,
      nonce: 'b2ba8bde1f0a4c65a7',
    });
    assert.deepEqual(added, {
      'content-digest': 'sha-256=:gjHRZyys4X8J4FRybKmh9dfVgw4TysQPmCj8HncGFxs=:',
      authorization:
        'PC-HMAC-SHA256 keyId="k1", timestamp="1735689600", nonce="b2ba8bde1f0a4c65a7", headers="host;content-type;content-digest", signature="bwo7yryQb3GQzswn27sBZUq3znOfc_oNWUilBgT-xFo"',
    });
  });
});

describe('signedRequest: tampering', () => {
  const cases: ReadonlyArray<readonly [string, (out: Outgoing) => Outgoing]> = [
    ['the method', (out) => ({ ...out, method: 'DELETE' })],
    ['the path', (out) => ({ ...out, target: '/orders/2' })],
    ['the path, to an equivalent form', (out) => ({ ...out, target: '/orders//1' })],
    ['a query value', (out) => ({ ...out, target: '/orders/1?expand=all' })],
    ['an added query pair', (out) => ({ ...out, target: '/orders/1?expand=items&x=1' })],
    ['a signed header value', (out) => replaceHeader(out, 'host', 'evil.example.test')],
    ['the timestamp', (out) => replaceHeader(out, 'authorization', authorizationOf(out).replace(`timestamp="${NOW_S}"`, `timestamp="${NOW_S + 1}"`))],
    ['the nonce', (out) => replaceHeader(out, 'authorization', authorizationOf(out).replace(/nonce="([^"]*)"/, 'nonce="another-nonce-0123456789"'))],
    ['the key id (to another valid key)', (out) => replaceHeader(out, 'authorization', authorizationOf(out).replace('keyId="k1"', 'keyId="k2"'))],
    ['the signed header list', (out) => replaceHeader(out, 'authorization', authorizationOf(out).replace('headers="host;x-tenant"', 'headers="host"'))],
  ];
  for (const [what, tamper] of cases) {
    it(`changing ${what} fails the signature`, async () => {
      const h = await harness();
      const out = signed({ method: 'GET', target: '/orders/1?expand=items', headers: { host: HOST, 'x-tenant': 'acme' } });
      assertDenied(await send(h, tamper(out)), 401, 'signature_invalid', 'mismatch');
    });
  }

  it('an unknown key id is refused as unknown-key', async () => {
    const h = await harness();
    const out = signed();
    assertDenied(await send(h, replaceHeader(out, 'authorization', authorizationOf(out).replace('keyId="k1"', 'keyId="k9"'))), 401, 'signature_invalid', 'unknown-key');
  });

  it('a changed body byte fails the digest in the body stage', async () => {
    const h = await harness();
    const out = signed({ method: 'POST', json: { amount: 100 } });
    const decision = await send(h, { ...out, body: encoder.encode('{"amount":900}') });
    assertDenied(decision, 401, 'signature_invalid', 'digest-mismatch', 'signed-request:body');
  });

  it('a changed Content-Digest header fails the signature', async () => {
    const h = await harness();
    const out = signed({ method: 'POST', json: { amount: 100 } });
    const body = encoder.encode('{"amount":900}');
    const digest = `sha-256=:${Buffer.from(await crypto.subtle.digest('SHA-256', body)).toString('base64')}:`;
    assertDenied(await send(h, { ...replaceHeader(out, 'content-digest', digest), body }), 401, 'signature_invalid', 'mismatch');
  });

  it('a body sent without a signed Content-Digest is refused', async () => {
    const h = await harness();
    const out = signed({ method: 'POST' });
    const body = encoder.encode('{"a":1}');
    const withBody: Outgoing = { ...out, headers: [...out.headers, ['content-type', 'application/json'], ['content-length', String(body.byteLength)]], body };
    assertDenied(await send(h, withBody), 401, 'signature_invalid', 'header-not-signed');
    // Without Content-Length the identity stage cannot know; the body stage refuses it.
    const streamed = await send(h, signed({ method: 'POST', headers: { host: HOST, 'content-type': 'application/json' } }), { kind: 'web-stream', stream: webStream(body) });
    assertDenied(streamed, 401, 'signature_invalid', 'header-not-signed', 'signed-request:body');
  });

  it('a header the policy requires must be signed', async () => {
    const h = await harness({ signedHeaders: ['host', 'X-Tenant'] });
    assertDenied(await send(h, signed({ headers: { host: HOST, 'x-tenant': 'acme' }, signedHeaders: ['host'] })), 401, 'signature_invalid', 'header-not-signed');
    assert.equal((await send(h, signed({ headers: { host: HOST, 'x-tenant': 'acme' } }))).outcome, 'allow');
  });

  it('a signed header that did not arrive is malformed', async () => {
    const h = await harness();
    const out = signed({ headers: { host: HOST, 'x-tenant': 'acme' } });
    assertDenied(await send(h, { ...out, headers: out.headers.filter(([n]) => n !== 'x-tenant') }), 401, 'signature_invalid', 'malformed');
  });
});

describe('signedRequest: time window and replay', () => {
  it('accepts a timestamp up to windowSeconds either side of now, and no further', async () => {
    const h = await harness({ windowSeconds: 300 });
    for (const skew of [-300, 300, 0]) assert.equal((await send(h, signed({ timestamp: NOW_S + skew }))).outcome, 'allow', `skew ${skew}`);
    for (const skew of [-301, 301, -86_400]) assertDenied(await send(h, signed({ timestamp: NOW_S + skew })), 401, 'signature_expired', 'expired');
  });

  it('the same request twice is a replay; another nonce passes', async () => {
    const h = await harness();
    const out = signed({ nonce: 'replay-me-0123456789' });
    assert.equal((await send(h, out)).outcome, 'allow');
    assertDenied(await send(h, out), 401, 'signature_replayed', 'replayed');
    h.at(NOW_S + 299);
    assertDenied(await send(h, out), 401, 'signature_replayed', 'replayed');
    h.at(NOW_S);
    assert.equal((await send(h, signed({ nonce: 'replay-me-9876543210' }))).outcome, 'allow');
  });

  it('a nonce is remembered for twice the window, so no replay fits inside it', async () => {
    const h = await harness({ windowSeconds: 60 });
    const out = signed({ timestamp: NOW_S + 60, nonce: 'early-bird-0123456789' });
    assert.equal((await send(h, out)).outcome, 'allow');
    h.at(NOW_S + 120);
    assertDenied(await send(h, out), 401, 'signature_replayed', 'replayed');
    h.at(NOW_S + 121);
    assertDenied(await send(h, out), 401, 'signature_expired', 'expired');
  });

  it('a forged request does not use up the nonce', async () => {
    const h = await harness();
    const out = signed({ nonce: 'contested-0123456789' });
    assertDenied(await send(h, replaceHeader(out, 'host', 'other.test')), 401, 'signature_invalid', 'mismatch');
    assert.equal((await send(h, out)).outcome, 'allow');
  });

  it('a Store failure is not a pass: core applies onError (503 guard_unavailable)', async () => {
    const broken: Store = {
      name: 'broken',
      increment: () => Promise.reject(new Error('down')),
      setIfAbsent: () => Promise.reject(new Error('down')),
      get: () => Promise.reject(new Error('down')),
      set: () => Promise.reject(new Error('down')),
      delete: () => Promise.reject(new Error('down')),
    };
    const h = await harness({}, { store: broken });
    const decision = await send(h, signed());
    assert.equal(decision.status, 503);
    assert.equal(decision.code, 'guard_unavailable');
    assert.equal(decision.identity, undefined);
    assert.ok(h.diagnostics.some((d) => d.code === 'PC_GUARD_FAILED' && d.guard === 'signed-request'));
  });
});

describe('signedRequest: credentials', () => {
  it('no Authorization is 401 credentials_missing with the scheme as challenge', async () => {
    const h = await harness();
    const decision = await h.firewall.decide({ method: 'GET', target: '/orders', headers: [['host', HOST]], remoteAddress: '127.0.0.1' });
    assertDenied(decision, 401, 'credentials_missing', 'missing');
    assert.deepEqual(decision.response?.headers.find(([n]) => n === 'www-authenticate'), ['www-authenticate', 'PC-HMAC-SHA256']);
  });

  it('another scheme is not this guard\'s: missing, or a pass when optional', async () => {
    const required = await harness();
    const bearer: Outgoing = { method: 'GET', target: '/orders', headers: [['host', HOST], ['authorization', 'Bearer abc.def.ghi']], body: undefined };
    assertDenied(await send(required, bearer), 401, 'credentials_missing', 'missing');
    const optional = await harness({ optional: true });
    const passed = await send(optional, bearer);
    assert.equal(passed.outcome, 'allow');
    assert.equal(passed.identity, undefined);
    assertDenied(await send(optional, replaceHeader(signed(), 'host', 'x.test')), 401, 'signature_invalid', 'mismatch');
  });

  it('two Authorization headers are 400 credentials_ambiguous', async () => {
    const h = await harness();
    const out = signed();
    assertDenied(await send(h, { ...out, headers: [...out.headers, ['authorization', authorizationOf(out)]] }), 400, 'credentials_ambiguous', 'ambiguous');
  });

  it('malformed parameters are refused before any HMAC is computed', async () => {
    const h = await harness();
    const good = authorizationOf(signed());
    const variants = [
      'PC-HMAC-SHA256',
      good.replace(/, signature="[^"]*"/, ''),
      `${good}, keyId="k1"`,
      `${good}, extra="1"`,
      good.replace('keyId="k1"', 'keyId=k1'),
      good.replace('keyId="k1"', 'keyId="k\\1"'),
      good.replace(/nonce="[^"]*"/, 'nonce="short"'),
      good.replace(/nonce="[^"]*"/, 'nonce="has a space in it 0123"'),
      good.replace(`timestamp="${NOW_S}"`, 'timestamp="-5"'),
      good.replace(`timestamp="${NOW_S}"`, 'timestamp="1e9"'),
      good.replace('headers="host"', 'headers="Host"'),
      good.replace('headers="host"', 'headers="host;host"'),
      good.replace('headers="host"', 'headers="host;authorization"'),
      good.replace(/signature="([^"]*)"/, 'signature="$1="'),
      good.replace(/signature="([^"]*)"/, 'signature="$1A"'),
      good.replace(/signature="[^"]*"/, `signature="${'+'.repeat(43)}"`),
      good.replace(/"$/, ''),
      `${good},`,
      `${good}${' '.repeat(2100)}x`,
      `${good.slice(0, -1)}${'a'.repeat(2100)}"`,
    ];
    for (const value of variants) {
      const out = replaceHeader(signed(), 'authorization', value);
      assertDenied(await send(h, out), 401, 'signature_invalid', 'malformed');
    }
  });

  it('parameter names and the scheme are case-insensitive; spacing around commas is free', async () => {
    const h = await harness();
    const out = signed();
    const relaxed = authorizationOf(out).replace('PC-HMAC-SHA256', 'pc-hmac-sha256').replace('keyId=', 'KEYID=').replaceAll(', ', ' ,\t');
    assert.equal((await send(h, replaceHeader(out, 'authorization', relaxed))).outcome, 'allow');
  });

  it('a body parsed by the framework cannot be verified: refused, with one diagnostic', async () => {
    const h = await harness();
    const out = signed({ method: 'POST', json: { a: 1 } });
    for (let i = 0; i < 2; i++) {
      const decision = await send(h, signed({ method: 'POST', json: { a: 1 } }), { kind: 'parsed', value: { a: 1 } });
      assertDenied(decision, 401, 'signature_invalid', 'body-unverifiable', 'signed-request:body');
    }
    assert.equal(h.diagnostics.filter((d) => d.code === 'PC_SIGNATURE_BODY_UNAVAILABLE').length, 1);
    const diagnostic = h.diagnostics.find((d) => d.code === 'PC_SIGNATURE_BODY_UNAVAILABLE') as Diagnostic;
    assert.equal(diagnostic.guard, 'signed-request:body');
    assert.ok(!diagnostic.message.includes(authorizationOf(out).slice(-20)));
  });
});

describe('signedRequest: policy errors name their path', () => {
  const build = (options: unknown): unknown => createFirewall({ routes: [{ path: '/x', guards: [signedRequest(options as SignedRequestOptions)] }] });
  const errorOf = (options: unknown): { path: string | undefined; message: string } => {
    try {
      build(options);
    } catch (error) {
      assert.ok(isFirewallError(error));
      assert.equal(error.code, 'ERR_POLICY_INVALID');
      return { path: error.path, message: error.message };
    }
    assert.fail('expected the policy to be refused');
  };
  const key = { id: 'k1', secret: SECRET_1 };

  it('a secret shorter than 32 bytes, or missing, is refused without showing it', () => {
    const short = 'short-secret-31-bytes-long-xxxx';
    const e = errorOf({ keys: [key, { id: 'k2', secret: short }] });
    assert.equal(e.path, 'routes[0].guards[0].keys[1].secret');
    assert.ok(!e.message.includes(short));
    assert.equal(errorOf({ keys: [{ id: 'k2', secret: new Uint8Array(31) }] }).path, 'routes[0].guards[0].keys[0].secret');
    assert.match(errorOf({ keys: [{ id: 'k2', secret: process.env['PORTCULLIS_TEST_UNSET_SECRET'] }] }).message, /environment variable/);
  });

  it('other bad values', () => {
    assert.equal(errorOf({ keys: [key, { ...key }] }).path, 'routes[0].guards[0].keys[1].id');
    assert.equal(errorOf({ keys: [{ ...key, id: 'has space' }] }).path, 'routes[0].guards[0].keys[0].id');
    assert.equal(errorOf({ keys: [] }).path, 'routes[0].guards[0].keys');
    assert.equal(errorOf({}).path, 'routes[0].guards[0].keys');
    assert.equal(errorOf({ keys: [{ ...key, key: 'x' }] }).path, 'routes[0].guards[0].keys[0].key');
    assert.equal(errorOf({ keys: [key], algorithm: 'md5' }).path, 'routes[0].guards[0].algorithm');
    assert.equal(errorOf({ keys: [key], signedHeaders: ['authorization'] }).path, 'routes[0].guards[0].signedHeaders[0]');
    assert.equal(errorOf({ keys: [key], signedHeaders: ['host', 'HOST'] }).path, 'routes[0].guards[0].signedHeaders[1]');
    assert.equal(errorOf({ keys: [key], windowSeconds: 0 }).path, 'routes[0].guards[0].windowSeconds');
    assert.equal(errorOf({ keys: [key], windowSeconds: 100, nonceTtlSeconds: 199 }).path, 'routes[0].guards[0].nonceTtlSeconds');
    assert.equal(errorOf({ keys: [key], window: 5 }).path, 'routes[0].guards[0].window');
  });

  it('compiles to two guards with distinct ids, so two signed-request guards need distinct ids', () => {
    const twice = (): unknown => createFirewall({ routes: [{ path: '/x', guards: [signedRequest({ keys: [key] }), signedRequest({ keys: [key] })] }] });
    assert.throws(twice, (error: unknown) => isFirewallError(error) && /signed-request/.test(error.message));
    createFirewall({ routes: [{ path: '/x', guards: [signedRequest({ keys: [key] }), signedRequest({ id: 'partner', keys: [key], optional: true })] }] });
  });
});

describe('signRequest', () => {
  it('refuses bad input without showing the secret', () => {
    const base = { keyId: 'k1', secret: SECRET_1, method: 'GET', target: '/x', headers: { host: HOST } };
    assert.throws(() => signRequest({ ...base, secret: 'too-short' }), (e: unknown) => e instanceof TypeError && !e.message.includes('too-short'));
    assert.throws(() => signRequest({ ...base, headers: {} }), /host/);
    assert.throws(() => signRequest({ ...base, target: 'http://h/x' }), /origin-form/);
    assert.throws(() => signRequest({ ...base, nonce: 'short' }), /nonce/);
    assert.throws(() => signRequest({ ...base, signedHeaders: ['host', 'x-missing'] }), /x-missing/);
  });

  it('signs every given header by default and adds content-digest for a body', () => {
    const added = signRequest({ keyId: 'k1', secret: SECRET_1, method: 'put', target: '/x', headers: { Host: HOST, 'X-Trace': 't' }, body: '' });
    assert.match(added['authorization'] as string, /headers="host;x-trace;content-digest"/);
    assert.equal(added['content-digest'], 'sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:');
  });
});
