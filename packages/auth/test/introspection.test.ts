// introspection(): RFC 7662 token introspection, against a small real introspection server on
// loopback (node:http) whose answers and hit count each test controls.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFirewall, FirewallError, type Decision, type Diagnostic, type Firewall, type Policy } from '@portcullis/core';
import { introspection } from '../src/introspection/introspection-guard.js';
import type { IntrospectionOptions } from '../src/introspection/options.js';

const NOW_MS = Date.UTC(2026, 0, 1);
const NOW_S = NOW_MS / 1000;
const CLIENT = { id: 'orders api', secret: 's3cret: with+plus & space' };
const ACTIVE_TOKEN = 'active-token-0123456789';
const INACTIVE_TOKEN = 'inactive-token-0123456789';

interface Hit {
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: URLSearchParams;
}

type Answer = { status: number; body: string | Buffer; headers?: Record<string, string> } | 'hang';

/** A real introspection endpoint on 127.0.0.1: answers with `answer(token)`, records every hit. */
class FakeEndpoint {
  readonly hits: Hit[] = [];
  answer: (token: string) => Answer | Promise<Answer> = () => ({ status: 200, body: '{"active":false}' });
  readonly #server: Server;
  readonly #hanging = new Set<ServerResponse>();
  url = '';

  constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/introspect`;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    this.hits.push({ authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
    const answer = await this.answer(body.get('token') ?? '');
    if (answer === 'hang') {
      this.#hanging.add(res);
      return;
    }
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body);
  }

  reset(): void {
    this.hits.length = 0;
    this.answer = () => ({ status: 200, body: '{"active":false}' });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

function active(extra: Record<string, unknown> = {}): Answer {
  return {
    status: 200,
    body: JSON.stringify({ active: true, client_id: 'orders-client', sub: 'user-1', scope: 'orders:read orders:write', exp: NOW_S + 600, iat: NOW_S, ...extra }),
  };
}

const endpoint = new FakeEndpoint();
before(() => endpoint.start());
after(() => endpoint.close());
beforeEach(() => endpoint.reset());

interface Rig {
  readonly firewall: Firewall;
  readonly diagnostics: Diagnostic[];
  clock: number;
  decide(token?: string, headers?: [string, string][]): Promise<Decision>;
}

async function rig(options: Partial<IntrospectionOptions> = {}, policy: Partial<Policy> = {}): Promise<Rig> {
  const diagnostics: Diagnostic[] = [];
  const state = { clock: NOW_MS };
  const firewall = createFirewall({
    guards: [introspection({ url: endpoint.url, client: CLIENT, realm: 'orders', ...options })],
    clock: () => state.clock,
    telemetry: { onDecision() {}, onDiagnostic: (d) => diagnostics.push(d) },
    ...policy,
  });
  await firewall.ready();
  return {
    firewall,
    diagnostics,
    get clock() {
      return state.clock;
    },
    set clock(value: number) {
      state.clock = value;
    },
    decide(token, headers = []) {
      return firewall.decide({
        method: 'GET',
        target: '/orders',
        headers: token === undefined ? headers : [['authorization', `Bearer ${token}`], ...headers],
        remoteAddress: '127.0.0.1',
      });
    },
  };
}

function header(decision: Decision, name: string): string | undefined {
  return decision.response?.headers.find(([n]) => n === name)?.[1];
}

describe('introspection: options', () => {
  const compile = (options: Record<string, unknown>) => () =>
    createFirewall({ guards: [introspection({ url: 'https://as.example/introspect', client: CLIENT, ...options } as IntrospectionOptions)] });

  test('an http URL is refused unless the host is loopback or allowInsecureHttp is set', () => {
    assert.throws(compile({ url: 'http://as.example/introspect' }), /guards\[0\]\.url: is http on a non-loopback host/);
    assert.doesNotThrow(compile({ url: 'http://as.example/introspect', allowInsecureHttp: true }));
    for (const url of ['http://127.0.0.1:9/x', 'http://localhost:9/x', 'http://[::1]:9/x', 'http://127.10.0.3/x']) assert.doesNotThrow(compile({ url }), url);
    assert.throws(compile({ url: 'http://127.0.0.1.example/x' }), /non-loopback/);
  });

  test('bad values are start-up errors naming their path', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ url: 'ftp://as.example/x' }, /guards\[0\]\.url: expected an https URL/],
      [{ url: 'not a url' }, /guards\[0\]\.url: expected an absolute http\(s\) URL/],
      [{ url: 'https://user:pw@as.example/x' }, /guards\[0\]\.url: expected no credentials/],
      [{ client: { id: 'a' } }, /guards\[0\]\.client\.secret: expected a non-empty string/],
      [{ client: { id: 'a', secret: 'x', extra: 1 } }, /guards\[0\]\.client\.extra: unknown option/],
      [{ requestTimeoutMs: 0 }, /guards\[0\]\.requestTimeoutMs: expected an integer/],
      [{ requestTimeoutMs: 3_000, timeoutMs: 1_000 }, /guards\[0\]\.requestTimeoutMs: is longer than timeoutMs/],
      [{ cache: { maxTtlMs: 1_000, negativeTtlMs: 2_000 } }, /guards\[0\]\.cache\.negativeTtlMs: expected an integer from 0 to 1000/],
      [{ cache: true }, /guards\[0\]\.cache: expected an object/],
      [{ breaker: { failureThreshold: 0 } }, /guards\[0\]\.breaker\.failureThreshold/],
      [{ audience: [] }, /guards\[0\]\.audience: expected a string or a non-empty array/],
      [{ realm: 'a"b' }, /guards\[0\]\.realm/],
      [{ fetch: 'fetch' }, /guards\[0\]\.fetch: expected a function/],
      [{ optional: 'yes' }, /guards\[0\]\.optional: expected true or false/],
      [{ form: 'authorization' }, /guards\[0\]\.form: unknown option/],
    ];
    for (const [options, message] of cases) {
      assert.throws(compile(options), (error: unknown) => error instanceof FirewallError && error.code === 'ERR_POLICY_INVALID' && message.test(error.message), String(message));
    }
  });

  test('a bad client secret is never echoed in the error', () => {
    assert.throws(compile({ client: { id: 'a', secret: 12345678 } }), (error: unknown) => error instanceof Error && !error.message.includes('12345678'));
  });
});

describe('introspection: answers', () => {
  test('an active token yields the identity, with the client secret form-encoded in Basic auth', async () => {
    endpoint.answer = (token) => (token === ACTIVE_TOKEN ? active({ groups: ['admins'] }) : { status: 200, body: '{"active":false}' });
    const r = await rig({ identity: { roles: 'groups' } });
    const decision = await r.decide(ACTIVE_TOKEN);
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.identity?.method, 'introspection');
    assert.equal(decision.identity?.clientId, 'orders-client');
    assert.equal(decision.identity?.subject, 'user-1');
    assert.deepEqual(decision.identity?.scopes, ['orders:read', 'orders:write']);
    assert.deepEqual(decision.identity?.roles, ['admins']);
    assert.equal(decision.identity?.claims['active'], undefined, '`active` is the answer, not a claim');
    assert.equal(endpoint.hits.length, 1);
    const hit = endpoint.hits[0] as Hit;
    assert.equal(hit.contentType, 'application/x-www-form-urlencoded');
    assert.equal(hit.body.get('token'), ACTIVE_TOKEN);
    assert.equal(hit.body.get('token_type_hint'), 'access_token');
    // RFC 6749 §2.3.1: each of id and secret form-encoded, then joined and Base64-encoded.
    const decoded = Buffer.from((hit.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
    assert.equal(decoded, 'orders+api:s3cret%3A+with%2Bplus+%26+space');
    const [id, secret] = decoded.split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
    assert.deepEqual([id, secret], [CLIENT.id, CLIENT.secret]);
  });

  test('an inactive token is refused 401 token_invalid (reason inactive), without echoing the token', async () => {
    const r = await rig();
    const decision = await r.decide(INACTIVE_TOKEN);
    assert.equal(decision.status, 401);
    assert.equal(decision.code, 'token_invalid');
    assert.equal(decision.annotations['auth.reason'], 'inactive');
    assert.equal(header(decision, 'www-authenticate'), 'Bearer realm="orders", error="invalid_token"');
    assert.ok(!(decision.response?.body ?? '').includes(INACTIVE_TOKEN));
  });

  test('a missing credential is 401 credentials_missing with a bare challenge; no request is made', async () => {
    const r = await rig();
    const decision = await r.decide();
    assert.equal(decision.status, 401);
    assert.equal(decision.code, 'credentials_missing');
    assert.equal(header(decision, 'www-authenticate'), 'Bearer realm="orders"');
    assert.equal(endpoint.hits.length, 0);
  });

  test('optional: a request without a credential passes without identity; a bad one is still refused', async () => {
    const r = await rig({ optional: true });
    const without = await r.decide();
    assert.equal(without.outcome, 'allow');
    assert.equal(without.identity, undefined);
    assert.equal((await r.decide(INACTIVE_TOKEN)).code, 'token_invalid');
  });

  test('two credentials are 400 credentials_ambiguous; a malformed one is 401 (reason malformed); neither is sent', async () => {
    const r = await rig({ from: ['authorization', { header: 'x-token' }] });
    const twice = await r.decide(ACTIVE_TOKEN, [['x-token', ACTIVE_TOKEN]]);
    assert.equal(twice.status, 400);
    assert.equal(twice.code, 'credentials_ambiguous');
    assert.equal(header(twice, 'www-authenticate'), 'Bearer realm="orders", error="invalid_request"');
    const malformed = await r.decide(undefined, [['x-token', 'bad token"with quotes']]);
    assert.equal(malformed.code, 'token_invalid');
    assert.equal(malformed.annotations['auth.reason'], 'malformed');
    const tooLong = await (await rig({ maxTokenLength: 32 })).decide('a'.repeat(33));
    assert.equal(tooLong.annotations['auth.reason'], 'malformed');
    assert.equal(endpoint.hits.length, 0);
  });

  test('exp and nbf of a fresh answer are honoured', async () => {
    endpoint.answer = (token) => (token === 'expired-token-000' ? active({ exp: NOW_S - 1 }) : active({ nbf: NOW_S + 60 }));
    const r = await rig();
    const expired = await r.decide('expired-token-000');
    assert.equal(expired.status, 401);
    assert.equal(expired.code, 'token_expired');
    assert.equal(expired.annotations['auth.reason'], 'expired');
    const early = await r.decide('early-token-000');
    assert.equal(early.code, 'token_invalid');
    assert.equal(early.annotations['auth.reason'], 'not-yet-valid');
  });

  test('a non-numeric exp is refused (reason claim-type)', async () => {
    endpoint.answer = () => active({ exp: 'tomorrow' });
    const decision = await (await rig()).decide(ACTIVE_TOKEN);
    assert.equal(decision.annotations['auth.reason'], 'claim-type');
  });

  test('audience and issuer checks', async () => {
    endpoint.answer = (token) =>
      token === 'aud-array-token' ? active({ aud: ['https://other.example', 'https://api.example'], iss: 'https://as.example' })
        : token === 'wrong-aud-token' ? active({ aud: 'https://other.example', iss: 'https://as.example' })
          : token === 'no-aud-token' ? active({ iss: 'https://as.example' })
            : active({ aud: 'https://api.example', iss: 'https://evil.example' });
    const r = await rig({ audience: ['https://api.example'], issuer: 'https://as.example' });
    assert.equal((await r.decide('aud-array-token')).outcome, 'allow');
    for (const [token, reason] of [['wrong-aud-token', 'audience'], ['no-aud-token', 'audience'], ['wrong-iss-token', 'issuer']] as const) {
      const decision = await r.decide(token);
      assert.equal(decision.code, 'token_invalid', token);
      assert.equal(decision.annotations['auth.reason'], reason, token);
    }
  });

  test('a custom fetch is used for the request', async () => {
    endpoint.answer = () => active();
    let calls = 0;
    const r = await rig({
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    assert.equal((await r.decide(ACTIVE_TOKEN)).outcome, 'allow');
    assert.equal(calls, 1);
  });
});

describe('introspection: cache', () => {
  test('an active answer is reused (one request) until maxTtlMs', async () => {
    endpoint.answer = () => active({ exp: NOW_S + 3_600 });
    const r = await rig({ cache: { maxTtlMs: 60_000 } });
    assert.equal((await r.decide(ACTIVE_TOKEN)).outcome, 'allow');
    assert.equal((await r.decide(ACTIVE_TOKEN)).outcome, 'allow');
    assert.equal(endpoint.hits.length, 1);
    r.clock = NOW_MS + 60_000;
    assert.equal((await r.decide(ACTIVE_TOKEN)).outcome, 'allow');
    assert.equal(endpoint.hits.length, 2, 'past maxTtlMs the endpoint is asked again');
  });

  test('an active answer is cached no longer than its exp; then the token is refused as expired', async () => {
    endpoint.answer = () => active({ exp: NOW_S + 60 });
    const r = await rig();
    assert.equal((await r.decide(ACTIVE_TOKEN)).outcome, 'allow');
    r.clock = NOW_MS + 59_999;
    assert.equal((await r.decide(ACTIVE_TOKEN)).outcome, 'allow');
    assert.equal(endpoint.hits.length, 1, 'served from the cache before exp');
    r.clock = NOW_MS + 60_000;
    const decision = await r.decide(ACTIVE_TOKEN);
    assert.equal(decision.code, 'token_expired');
    assert.equal(endpoint.hits.length, 2, 'the entry ended at exp, so the endpoint was asked again');
  });

  test('a cached verdict is re-checked on every use (nbf)', async () => {
    endpoint.answer = () => active({ nbf: NOW_S + 10 });
    const r = await rig();
    assert.equal((await r.decide(ACTIVE_TOKEN)).annotations['auth.reason'], 'not-yet-valid');
    r.clock = NOW_MS + 10_000;
    const later = await r.decide(ACTIVE_TOKEN);
    assert.equal(later.outcome, 'allow');
    assert.equal(endpoint.hits.length, 1, 'the same cached answer, judged at the time of use');
  });

  test('an inactive answer is remembered for negativeTtlMs', async () => {
    const r = await rig({ cache: { negativeTtlMs: 5_000 } });
    assert.equal((await r.decide(INACTIVE_TOKEN)).code, 'token_invalid');
    assert.equal((await r.decide(INACTIVE_TOKEN)).code, 'token_invalid');
    assert.equal(endpoint.hits.length, 1);
    r.clock = NOW_MS + 5_000;
    assert.equal((await r.decide(INACTIVE_TOKEN)).code, 'token_invalid');
    assert.equal(endpoint.hits.length, 2);
  });

  test('negativeTtlMs 0 and cache false: every request asks the endpoint', async () => {
    const noNegative = await rig({ cache: { negativeTtlMs: 0 } });
    await noNegative.decide(INACTIVE_TOKEN);
    await noNegative.decide(INACTIVE_TOKEN);
    assert.equal(endpoint.hits.length, 2);
    endpoint.answer = () => active();
    const noCache = await rig({ cache: false });
    await noCache.decide(ACTIVE_TOKEN);
    await noCache.decide(ACTIVE_TOKEN);
    assert.equal(endpoint.hits.length, 4);
  });

  test('concurrent requests for one uncached token share one introspection (single flight)', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    endpoint.answer = async () => {
      await gate;
      return active();
    };
    const r = await rig();
    const decisions = Array.from({ length: 10 }, () => r.decide(ACTIVE_TOKEN));
    // Each decide() reached the guard synchronously (the firewall is ready); wait for the one
    // request to arrive before letting it answer.
    for (let i = 0; i < 200 && endpoint.hits.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    const all = await Promise.all(decisions);
    assert.ok(all.every((d) => d.outcome === 'allow' && d.identity?.clientId === 'orders-client'));
    assert.equal(endpoint.hits.length, 1);
    // Distinct tokens are not merged.
    await Promise.all([r.decide('other-token-aaaa'), r.decide('other-token-bbbb')]);
    assert.equal(endpoint.hits.length, 3);
  });
});

describe('introspection: failures', () => {
  test('an endpoint that never answers is refused per onError (deny → 503), bounded by requestTimeoutMs', async () => {
    endpoint.answer = () => 'hang';
    const r = await rig({ requestTimeoutMs: 100 });
    const decision = await r.decide(ACTIVE_TOKEN);
    assert.equal(decision.status, 503);
    assert.equal(decision.code, 'guard_unavailable');
    assert.equal(decision.results.find((result) => result.guard === 'introspection')?.error, 'ERR_GUARD_FAILED');
  });

  const broken: [string, Answer][] = [
    ['a 5xx', { status: 502, body: '{"active":true}' }],
    ['a 4xx (the client credentials refused)', { status: 401, body: '{"error":"invalid_client"}' }],
    ['an empty body', { status: 200, body: '' }],
    ['invalid JSON', { status: 200, body: '{"active":tru' }],
    ['a JSON array', { status: 200, body: '[{"active":true}]' }],
    ['an object without a boolean active', { status: 200, body: '{"active":"true"}' }],
    ['invalid UTF-8', { status: 200, body: Buffer.concat([Buffer.from('{"active":true,"sub":"'), Buffer.from([0xff]), Buffer.from('"}')]) }],
    ['an oversized answer', { status: 200, body: JSON.stringify({ active: true, padding: 'x'.repeat(70 * 1024) }) }],
  ];
  for (const [name, answer] of broken) {
    test(`${name} is a failure: 503 with onError deny`, async () => {
      endpoint.answer = () => answer;
      const r = await rig();
      const decision = await r.decide(ACTIVE_TOKEN);
      assert.equal(decision.status, 503, name);
      assert.equal(decision.code, 'guard_unavailable');
      assert.equal(decision.identity, undefined);
    });
  }

  test('a redirect is not followed: the token goes nowhere but the configured URL', async () => {
    const elsewhere = new FakeEndpoint();
    await elsewhere.start();
    try {
      elsewhere.answer = () => active();
      endpoint.answer = () => ({ status: 307, body: '', headers: { location: elsewhere.url } });
      const decision = await (await rig()).decide(ACTIVE_TOKEN);
      assert.equal(decision.status, 503);
      assert.equal(elsewhere.hits.length, 0);
    } finally {
      await elsewhere.close();
    }
  });

  test('an oversized answer declared by content-length is refused too', async () => {
    endpoint.answer = () => ({ status: 200, body: JSON.stringify({ active: true, padding: 'x'.repeat(70 * 1024) }), headers: { 'content-length': String(70 * 1024 + 30) } });
    assert.equal((await (await rig()).decide(ACTIVE_TOKEN)).status, 503);
  });

  test('onError allow: the request passes without identity', async () => {
    endpoint.answer = () => ({ status: 500, body: 'down' });
    const decision = await (await rig({ onError: 'allow' })).decide(ACTIVE_TOKEN);
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.identity, undefined);
    assert.equal(decision.results.find((result) => result.guard === 'introspection')?.failureMode, 'allow');
  });

  test('the breaker opens after N consecutive failures, stops asking, and closes after resetMs', async () => {
    endpoint.answer = () => ({ status: 503, body: 'down' });
    const r = await rig({ breaker: { failureThreshold: 3, resetMs: 10_000 } });
    for (let i = 0; i < 3; i++) assert.equal((await r.decide(ACTIVE_TOKEN)).status, 503);
    assert.equal(endpoint.hits.length, 3);
    assert.deepEqual(r.diagnostics.filter((d) => d.code === 'PC_INTROSPECTION_UNAVAILABLE').map((d) => d.severity), ['error']);
    for (let i = 0; i < 5; i++) assert.equal((await r.decide(`${ACTIVE_TOKEN}-${i}`)).status, 503);
    assert.equal(endpoint.hits.length, 3, 'an open breaker sends nothing');

    endpoint.answer = () => active();
    r.clock = NOW_MS + 9_999;
    assert.equal((await r.decide(ACTIVE_TOKEN)).status, 503);
    assert.equal(endpoint.hits.length, 3);
    r.clock = NOW_MS + 10_000;
    assert.equal((await r.decide(ACTIVE_TOKEN)).outcome, 'allow', 'the half-open trial succeeds');
    assert.equal(endpoint.hits.length, 4);
    assert.ok(r.diagnostics.some((d) => d.code === 'PC_INTROSPECTION_RECOVERED' && d.severity === 'info'));
    assert.equal((await r.decide('fresh-token-after-recovery')).outcome, 'allow');
    assert.equal(endpoint.hits.length, 5, 'closed again: requests go out');
  });

  test('a failed half-open trial opens the breaker for another resetMs', async () => {
    endpoint.answer = () => ({ status: 500, body: 'down' });
    const r = await rig({ breaker: { failureThreshold: 1, resetMs: 1_000 } });
    await r.decide(ACTIVE_TOKEN);
    assert.equal(endpoint.hits.length, 1);
    r.clock = NOW_MS + 1_000;
    assert.equal((await r.decide(ACTIVE_TOKEN)).status, 503);
    assert.equal(endpoint.hits.length, 2, 'one trial');
    assert.equal((await r.decide(ACTIVE_TOKEN)).status, 503);
    assert.equal(endpoint.hits.length, 2, 'open again');
    r.clock = NOW_MS + 2_000;
    endpoint.answer = () => active();
    assert.equal((await r.decide(ACTIVE_TOKEN)).outcome, 'allow');
  });

  test('a cached active token keeps working while the endpoint is down; an uncached one is refused', async () => {
    endpoint.answer = () => active();
    const r = await rig({ breaker: { failureThreshold: 2, resetMs: 60_000 }, requestTimeoutMs: 100 });
    assert.equal((await r.decide(ACTIVE_TOKEN)).outcome, 'allow');
    endpoint.answer = () => 'hang';
    for (let i = 0; i < 3; i++) {
      const uncached = await r.decide(`uncached-token-${i}`);
      assert.equal(uncached.status, 503);
    }
    assert.equal(endpoint.hits.length, 3, 'two timeouts opened the breaker; the third was not sent');
    const cached = await r.decide(ACTIVE_TOKEN);
    assert.equal(cached.outcome, 'allow');
    assert.equal(cached.identity?.clientId, 'orders-client');
  });

  test('neither the token nor the client secret appears in diagnostics', async () => {
    endpoint.answer = () => ({ status: 500, body: `echo ${ACTIVE_TOKEN}` });
    const r = await rig({ breaker: { failureThreshold: 1, resetMs: 1_000 } });
    await r.decide(ACTIVE_TOKEN);
    assert.ok(r.diagnostics.length > 0);
    const text = JSON.stringify(r.diagnostics);
    assert.ok(!text.includes(ACTIVE_TOKEN));
    assert.ok(!text.includes(CLIENT.secret) && !text.includes('s3cret'));
  });
});
