/**
 * Webhook signatures through a real firewall (`createFirewall` + `decide`) with a fixed clock and
 * a real MemoryStore: deliveries signed with the exported `signWebhook`, tampered, late, replayed,
 * signed with a rotated secret, and the GitHub style without a timestamp.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createFirewall, isFirewallError, MemoryStore, type BodySource, type Decision, type Diagnostic, type Firewall, type Policy } from '@portcullis/core';
import { signWebhook, webhookSignature, type WebhookSignatureOptions } from '../src/webhook/index.js';

const SECRET = 'whsec_5f2b9c0e7a4d1f8b3e6c9a2d5f8b1e4c';
const NEXT_SECRET = 'whsec_rotated_7d1a4f8c2e5b9d3a6f0c4e8b';
const NOW_S = 1_735_689_600;
const BODY = '{"event":"invoice.paid","id":"evt_1"}';
const encoder = new TextEncoder();

interface Harness {
  readonly firewall: Firewall;
  readonly diagnostics: Diagnostic[];
  at(seconds: number): void;
}

async function harness(options: Partial<WebhookSignatureOptions> = {}, extra: Partial<Policy> = {}): Promise<Harness> {
  let now = NOW_S * 1000;
  const clock = (): number => now;
  const diagnostics: Diagnostic[] = [];
  const firewall = createFirewall({
    clock,
    store: new MemoryStore({ now: clock }),
    telemetry: { onDecision: () => undefined, onDiagnostic: (d) => void diagnostics.push(d) },
    routes: [{ path: '/hooks/billing', methods: ['POST'], guards: [webhookSignature({ secrets: [SECRET], ...options })] }],
    ...extra,
  });
  await firewall.ready();
  return { firewall, diagnostics, at: (s) => void (now = s * 1000) };
}

function deliver(h: Harness, headers: [string, string][], body: string = BODY, source?: BodySource): Promise<Decision> {
  const bytes = encoder.encode(body);
  return h.firewall.decide({
    method: 'POST',
    target: '/hooks/billing',
    headers: [['content-type', 'application/json'], ['content-length', String(bytes.byteLength)], ...headers],
    remoteAddress: '127.0.0.1',
    body: source ?? { kind: 'read', result: { kind: 'ok', bytes } },
  });
}

function signedHeaders(options: { secret?: string; timestamp?: number; body?: string } = {}): [string, string][] {
  const { signature, timestamp } = signWebhook({ secret: options.secret ?? SECRET, body: options.body ?? BODY, timestamp: options.timestamp ?? NOW_S });
  return [['x-signature', signature], ['x-signature-timestamp', timestamp as string]];
}

function assertDenied(decision: Decision, status: number, code: string, reason: string): void {
  assert.equal(decision.outcome, 'deny', `expected ${code}/${reason}`);
  assert.equal(decision.status, status);
  assert.equal(decision.code, code);
  assert.equal(decision.guard, 'webhook');
  assert.equal(decision.annotations['auth.reason'], reason);
  assert.equal(decision.identity, undefined);
  assert.ok(!(decision.response?.body ?? '').includes('sha256='));
}

describe('webhookSignature', () => {
  it('signWebhook is HMAC-SHA256 over "<timestamp>.<body>", in hex', () => {
    const { signature, timestamp } = signWebhook({ secret: SECRET, body: BODY, timestamp: NOW_S });
    assert.equal(timestamp, String(NOW_S));
    assert.equal(signature, `sha256=${createHmac('sha256', SECRET).update(`${NOW_S}.${BODY}`).digest('hex')}`);
  });

  it('a valid delivery passes with the webhook identity', async () => {
    const h = await harness();
    const decision = await deliver(h, signedHeaders());
    assert.equal(decision.outcome, 'allow');
    assert.deepEqual(decision.identity, { method: 'webhook', clientId: 'webhook', scopes: [], roles: [], claims: {} });
    assert.equal(decision.body?.kind, 'json');
  });

  it('a tampered body, or a signature made with another secret, is signature_invalid', async () => {
    const h = await harness();
    assertDenied(await deliver(h, signedHeaders(), BODY.replace('evt_1', 'evt_2')), 401, 'signature_invalid', 'mismatch');
    assertDenied(await deliver(h, signedHeaders({ secret: 'whsec_someone_else_entirely_000' })), 401, 'signature_invalid', 'mismatch');
    const moved = signedHeaders();
    moved[1] = ['x-signature-timestamp', String(NOW_S + 1)];
    assertDenied(await deliver(h, moved), 401, 'signature_invalid', 'mismatch');
  });

  it('a stale or future timestamp beyond the tolerance is signature_expired', async () => {
    const h = await harness({ toleranceSeconds: 60 });
    assert.equal((await deliver(h, signedHeaders({ timestamp: NOW_S - 60 }))).outcome, 'allow');
    assert.equal((await deliver(h, signedHeaders({ timestamp: NOW_S + 60 }))).outcome, 'allow');
    assertDenied(await deliver(h, signedHeaders({ timestamp: NOW_S - 61 })), 401, 'signature_expired', 'expired');
    assertDenied(await deliver(h, signedHeaders({ timestamp: NOW_S + 61 })), 401, 'signature_expired', 'expired');
  });

  it('the same delivery twice is signature_replayed, for as long as its timestamp is acceptable', async () => {
    const h = await harness({ toleranceSeconds: 60 });
    const headers = signedHeaders({ timestamp: NOW_S + 60 });
    assert.equal((await deliver(h, headers)).outcome, 'allow');
    assertDenied(await deliver(h, headers), 401, 'signature_replayed', 'replayed');
    h.at(NOW_S + 120);
    assertDenied(await deliver(h, headers), 401, 'signature_replayed', 'replayed');
    const off = await harness({ replay: false });
    const again = signedHeaders();
    assert.equal((await deliver(off, again)).outcome, 'allow');
    assert.equal((await deliver(off, again)).outcome, 'allow', 'replay: false');
  });

  it('rotated secrets: either verifies', async () => {
    const h = await harness({ secrets: [NEXT_SECRET, new TextEncoder().encode(SECRET)] });
    assert.equal((await deliver(h, signedHeaders({ secret: SECRET }))).outcome, 'allow');
    assert.equal((await deliver(h, signedHeaders({ secret: NEXT_SECRET, timestamp: NOW_S + 1 }))).outcome, 'allow');
  });

  it('GitHub style: the body alone, no timestamp, no window', async () => {
    const h = await harness({ header: 'X-Hub-Signature-256', timestampHeader: false, clientId: 'github' });
    const { signature, timestamp } = signWebhook({ secret: SECRET, body: BODY, timestamp: false });
    assert.equal(timestamp, undefined);
    assert.equal(signature, `sha256=${createHmac('sha256', SECRET).update(BODY).digest('hex')}`);
    const decision = await deliver(h, [['x-hub-signature-256', signature]]);
    assert.equal(decision.identity?.clientId, 'github');
    h.at(NOW_S + 86_400 * 365);
    assert.equal((await deliver(h, [['x-hub-signature-256', signature]])).outcome, 'allow', 'no window, and no replay refusal without a timestamp');
    assertDenied(await deliver(h, [['x-hub-signature-256', signature]], `${BODY} `), 401, 'signature_invalid', 'mismatch');
  });

  it('missing, repeated and malformed headers', async () => {
    const h = await harness();
    const missing = await deliver(h, []);
    assertDenied(missing, 401, 'credentials_missing', 'missing');
    assert.ok(missing.response?.headers.some(([n]) => n === 'www-authenticate'));
    const good = signedHeaders();
    assertDenied(await deliver(h, [...good, good[0] as [string, string]]), 400, 'credentials_ambiguous', 'ambiguous');
    assertDenied(await deliver(h, [good[0] as [string, string]]), 401, 'signature_invalid', 'malformed');
    const [, sig] = good[0] as [string, string];
    for (const bad of [sig.replace('sha256=', 'sha1='), sig.slice(0, -1), `${sig}0`, sig.replace('sha256=', 'sha256=z').slice(0, -1)]) {
      assertDenied(await deliver(h, [['x-signature', bad], good[1] as [string, string]]), 401, 'signature_invalid', 'malformed');
    }
    assertDenied(await deliver(h, [good[0] as [string, string], ['x-signature-timestamp', '17e8']]), 401, 'signature_invalid', 'malformed');
    assert.equal((await deliver(h, [['x-signature', sig.toUpperCase().replace('SHA256=', 'sha256=')], good[1] as [string, string]])).outcome, 'allow', 'upper-case hex');
  });

  it('a body parsed by the framework cannot be verified: refused, with one diagnostic', async () => {
    const h = await harness();
    for (let i = 0; i < 2; i++) {
      const decision = await deliver(h, signedHeaders({ timestamp: NOW_S + i }), BODY, { kind: 'parsed', value: JSON.parse(BODY) as unknown });
      assertDenied(decision, 401, 'signature_invalid', 'body-unverifiable');
    }
    assert.equal(h.diagnostics.filter((d) => d.code === 'PC_SIGNATURE_BODY_UNAVAILABLE' && d.guard === 'webhook').length, 1);
  });

  it('route authorize rules run before the body stage: one that requires an identity refuses even a valid delivery', async () => {
    const guard = webhookSignature({ secrets: [SECRET] });
    const strict = await harness({}, { routes: [{ path: '/hooks/billing', methods: ['POST'], guards: [guard], authorize: { authenticated: true } }] });
    const refused = await deliver(strict, signedHeaders());
    assert.equal(refused.code, 'authentication_required');
    assert.ok(!refused.results.some((r) => r.guard === 'webhook'), 'the webhook guard never ran');
    const open = await harness({}, { routes: [{ path: '/hooks/billing', methods: ['POST'], guards: [guard], authorize: { authenticated: false } }] });
    const passed = await deliver(open, signedHeaders());
    assert.equal(passed.outcome, 'allow');
    assert.equal(passed.identity?.method, 'webhook');
  });
});

describe('webhookSignature: policy errors name their path', () => {
  const errorOf = (options: unknown): { path: string | undefined; message: string } => {
    try {
      createFirewall({ routes: [{ path: '/h', guards: [webhookSignature(options as WebhookSignatureOptions)] }] });
    } catch (error) {
      assert.ok(isFirewallError(error));
      return { path: error.path, message: error.message };
    }
    assert.fail('expected the policy to be refused');
  };

  it('an unset environment variable or a short secret, never showing it', () => {
    const e = errorOf({ secrets: [process.env['PORTCULLIS_TEST_UNSET_WEBHOOK_SECRET']] });
    assert.equal(e.path, 'routes[0].guards[0].secrets[0]');
    assert.match(e.message, /environment variable/);
    const short = errorOf({ secrets: [SECRET, 'tiny-secret'] });
    assert.equal(short.path, 'routes[0].guards[0].secrets[1]');
    assert.ok(!short.message.includes('tiny-secret'));
    assert.equal(errorOf({ secrets: [] }).path, 'routes[0].guards[0].secrets');
  });

  it('replay or a tolerance without a timestamp, and other bad values', () => {
    assert.equal(errorOf({ secrets: [SECRET], timestampHeader: false, replay: true }).path, 'routes[0].guards[0].replay');
    assert.equal(errorOf({ secrets: [SECRET], timestampHeader: false, toleranceSeconds: 10 }).path, 'routes[0].guards[0].toleranceSeconds');
    assert.equal(errorOf({ secrets: [SECRET], timestampHeader: 'x-signature' }).path, 'routes[0].guards[0].timestampHeader');
    assert.equal(errorOf({ secrets: [SECRET], header: 'bad header' }).path, 'routes[0].guards[0].header');
    assert.equal(errorOf({ secrets: [SECRET], toleranceSeconds: 0 }).path, 'routes[0].guards[0].toleranceSeconds');
    assert.equal(errorOf({ secrets: [SECRET], prefix: 5 }).path, 'routes[0].guards[0].prefix');
    assert.equal(errorOf({ secrets: [SECRET], secret: SECRET }).path, 'routes[0].guards[0].secret');
  });

  it('the one-liner compiles', () => {
    process.env['PORTCULLIS_TEST_WEBHOOK_SECRET'] = SECRET;
    try {
      createFirewall({ routes: [{ path: '/hooks', methods: ['POST'], guards: [webhookSignature({ secrets: [process.env['PORTCULLIS_TEST_WEBHOOK_SECRET']] })] }] });
    } finally {
      delete process.env['PORTCULLIS_TEST_WEBHOOK_SECRET'];
    }
  });
});
