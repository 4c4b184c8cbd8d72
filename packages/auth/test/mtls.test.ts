/**
 * clientCertificate() through a real firewall (`createFirewall` + `decide`), the TLS peer given as
 * core's adapters report it (`tls: () => ({ authorized, subject, subjectAltName, fingerprint256 })`),
 * and the forwarded-certificate header (Envoy XFCC, nginx URL-encoded PEM) from trusted and
 * untrusted peers. The PEM cases use the committed fixtures of test/auth/fixtures/mtls (the same
 * certificates the adapter test presents over real TLS).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createFirewall,
  defineGuard,
  isFirewallError,
  type Decision,
  type Diagnostic,
  type GuardDefinition,
  type Identity,
  type Policy,
  type TlsPeer,
} from '@portcullis/core';
import { clientCertificate, type ClientCertificateOptions } from '../src/mtls/index.js';
import { commonNameOfDn, parseXfccElements, readXfcc } from '../src/mtls/xfcc.js';
import { splitSubjectAltName, toNodeFingerprint } from '../src/mtls/certificate.js';

const FIXTURES = new URL('../../../test/auth/fixtures/mtls/', import.meta.url);
const CLIENT_PEM = readFileSync(new URL('client.pem', FIXTURES), 'utf8');
const CLIENT = new X509Certificate(CLIENT_PEM);

const FP_A = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
const FP_B = '11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF';
const HEX_A = FP_A.replaceAll(':', '').toLowerCase();

/** The peer of an allowed, CA-verified client certificate. */
/** The identity the orders client's certificate (SAN URI, CN, SAN DNS) establishes, with its fingerprint. */
function ordersClientIdentity(fingerprint256: string | undefined): Identity {
  return {
    method: 'mtls',
    subject: 'spiffe://example.org/orders',
    clientId: 'orders-client',
    scopes: [],
    roles: [],
    claims: { cn: 'orders-client', san: ['URI:spiffe://example.org/orders', 'DNS:orders.client.example'], fingerprint256 },
  };
}

const PEER_A: TlsPeer = Object.freeze({
  authorized: true,
  subject: { O: 'Acme', CN: 'orders-client' },
  subjectAltName: 'URI:spiffe://example.org/orders, DNS:orders.client.example',
  fingerprint256: FP_A,
});

interface Setup {
  decide(init?: { tls?: TlsPeer | undefined; headers?: [string, string][]; remoteAddress?: string }): Promise<Decision>;
  readonly diagnostics: Diagnostic[];
}

async function setup(guards: GuardDefinition[], extra: Partial<Policy> = {}): Promise<Setup> {
  const diagnostics: Diagnostic[] = [];
  const now = Date.UTC(2030, 0, 1);
  const firewall = createFirewall({
    clock: () => now,
    guards,
    telemetry: { onDecision: () => undefined, onDiagnostic: (d) => void diagnostics.push(d) },
    ...extra,
  });
  await firewall.ready();
  return {
    diagnostics,
    decide: ({ tls, headers = [], remoteAddress = '198.51.100.20' } = {}) =>
      firewall.decide({ method: 'GET', target: '/orders', headers: [['host', 'api.example'], ...headers], remoteAddress, tls: () => tls }),
  };
}

/** Core refuses a request whose headers pass `limits.headerBytes` (16 KiB) first: raised for the tests of the guard's own bounds. */
const LARGE_HEADERS: Partial<Policy> = { limits: { headerBytes: 100_000 } };

async function one(options: ClientCertificateOptions = {}, extra: Partial<Policy> = {}): Promise<Setup> {
  return setup([clientCertificate(options)], extra);
}

function assertDenied(decision: Decision, status: number, code: string, reason: string): void {
  assert.equal(decision.outcome, 'deny', `expected a denial, got ${decision.outcome}`);
  assert.equal(decision.status, status);
  assert.equal(decision.code, code);
  assert.equal(decision.guard, 'mtls');
  assert.equal(decision.annotations['auth.reason'], reason);
  assert.equal(decision.identity, undefined);
  const headers = decision.response?.headers.map(([name]) => name) ?? [];
  assert.ok(!headers.includes('www-authenticate'), 'TLS has no HTTP authentication scheme to challenge with');
  // Nothing from the certificate or the headers is echoed to the client.
  assert.ok(!/orders-client|spiffe|example\.org/.test(decision.response?.body ?? ''), decision.response?.body);
}

const refused = (decision: Decision, reason: string): void => assertDenied(decision, 403, 'client_certificate_refused', reason);
const missing = (decision: Decision, reason = 'missing'): void => assertDenied(decision, 401, 'client_certificate_required', reason);

function policyError(path: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(isFirewallError(error), String(error));
    assert.equal(error.code, 'ERR_POLICY_INVALID');
    assert.equal(error.path, path, error.message);
    return true;
  };
}

/** An XFCC element as Envoy writes it. */
function xfcc(fields: { hash?: string; subject?: string; uri?: string; dns?: string; by?: string }): string {
  const parts: string[] = [];
  if (fields.by !== undefined) parts.push(`By=${fields.by}`);
  if (fields.hash !== undefined) parts.push(`Hash=${fields.hash}`);
  if (fields.subject !== undefined) parts.push(`Subject="${fields.subject}"`);
  if (fields.uri !== undefined) parts.push(`URI=${fields.uri}`);
  if (fields.dns !== undefined) parts.push(`DNS=${fields.dns}`);
  return parts.join(';');
}

describe('clientCertificate: the certificate on the TLS socket', () => {
  it('a verified certificate establishes the identity: subject from the SAN URI, clientId from the CN', async () => {
    const { decide } = await one();
    const decision = await decide({ tls: PEER_A });
    assert.equal(decision.outcome, 'allow');
    assert.deepEqual(decision.identity, ordersClientIdentity(FP_A));
    assert.equal(decision.annotations['auth.reason'], undefined);
  });

  it('without a SAN URI the subject is the CN', async () => {
    const { decide } = await one();
    const decision = await decide({ tls: { ...PEER_A, subjectAltName: 'DNS:orders.client.example' } });
    assert.equal(decision.identity?.subject, 'orders-client');
    assert.equal(decision.identity?.clientId, 'orders-client');
  });

  it('no certificate: 401 client_certificate_required, on plain HTTP and on TLS without a client certificate', async () => {
    const { decide } = await one();
    missing(await decide({ tls: undefined }));
    missing(await decide({ tls: { authorized: false } }));
  });

  it('a certificate the TLS stack did not verify: 403 unauthorized, even one that names an allowed subject', async () => {
    const { decide } = await one({ subjects: ['orders-client'] });
    refused(await decide({ tls: { ...PEER_A, authorized: false } }), 'unauthorized');
  });

  it('optional: no certificate passes without identity; a refused one is still refused', async () => {
    const { decide } = await one({ optional: true });
    const decision = await decide({ tls: undefined });
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.identity, undefined);
    refused(await decide({ tls: { ...PEER_A, authorized: false } }), 'unauthorized');
  });

  it('no certificate after an earlier identity guard established one: passes, keeping that identity', async () => {
    const earlier = defineGuard('earlier', () => ({
      id: 'earlier',
      kind: 'earlier',
      phase: 'identity',
      mode: undefined,
      onError: 'deny',
      timeoutMs: undefined,
      evaluate: () => ({ outcome: 'allow', identity: { method: 'api-key', clientId: 'batch', scopes: [], roles: [], claims: {} } }),
    }));
    const { decide } = await setup([earlier, clientCertificate()]);
    const decision = await decide({ tls: undefined });
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.identity?.clientId, 'batch');
  });

  it('subjects: the CN must be listed exactly', async () => {
    const { decide } = await one({ subjects: ['billing', 'orders-client'] });
    assert.equal((await decide({ tls: PEER_A })).outcome, 'allow');
    refused(await decide({ tls: { ...PEER_A, subject: { CN: 'Orders-Client' } } }), 'subject');
    refused(await decide({ tls: { ...PEER_A, subject: { O: 'Acme' } } }), 'subject');
  });

  it('sans: one of the certificate\'s entries must be listed, exactly as Node names it', async () => {
    const { decide } = await one({ sans: ['URI:spiffe://example.org/billing', 'DNS:orders.client.example'] });
    assert.equal((await decide({ tls: PEER_A })).outcome, 'allow');
    refused(await decide({ tls: { ...PEER_A, subjectAltName: 'URI:spiffe://example.org/orders, DNS:other.example' } }), 'san');
    refused(await decide({ tls: { ...PEER_A, subjectAltName: undefined } }), 'san');
  });

  it('sans: a value Node quoted (it holds a separator) is matched unquoted', async () => {
    const { decide } = await one({ sans: ['URI:spiffe://example.org/a, b'] });
    const decision = await decide({ tls: { ...PEER_A, subjectAltName: 'DNS:x.example, URI:"spiffe://example.org/a, b"' } });
    assert.equal(decision.outcome, 'allow');
    assert.deepEqual(decision.identity?.claims['san'], ['DNS:x.example', 'URI:spiffe://example.org/a, b']);
    assert.equal(decision.identity?.subject, 'spiffe://example.org/a, b');
  });

  it('fingerprints: listed in any case, with or without colons', async () => {
    const { decide } = await one({ fingerprints: [HEX_A, FP_B.toLowerCase()] });
    assert.equal((await decide({ tls: PEER_A })).outcome, 'allow');
    assert.equal((await decide({ tls: { ...PEER_A, fingerprint256: FP_B } })).outcome, 'allow');
    refused(await decide({ tls: { ...PEER_A, fingerprint256: FP_A.replace('AB', 'AC') } }), 'fingerprint');
  });

  it('every list given must match', async () => {
    const { decide } = await one({ subjects: ['orders-client'], sans: ['DNS:orders.client.example'], fingerprints: [FP_B] });
    refused(await decide({ tls: PEER_A }), 'fingerprint');
    assert.equal((await decide({ tls: { ...PEER_A, fingerprint256: FP_B } })).outcome, 'allow');
  });

  it('requireAuthorized: false pins by fingerprint: an unverified but pinned certificate passes, others do not', async () => {
    const { decide } = await one({ requireAuthorized: false, fingerprints: [FP_A] });
    const decision = await decide({ tls: { ...PEER_A, authorized: false } });
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.identity?.clientId, 'orders-client');
    refused(await decide({ tls: { ...PEER_A, authorized: false, fingerprint256: FP_B } }), 'fingerprint');
  });

  it('a certificate whose subjectAltName text cannot be read is refused, not guessed at', async () => {
    const { decide } = await one();
    refused(await decide({ tls: { ...PEER_A, subjectAltName: 'URI:"unterminated' } }), 'malformed-certificate');
    refused(await decide({ tls: { ...PEER_A, subjectAltName: 'no-type-here' } }), 'malformed-certificate');
  });
});

describe('clientCertificate: options are checked at start-up', () => {
  const cases: [string, unknown, string][] = [
    ['an unknown option', { subject: ['x'] }, 'guards[0].subject'],
    ['an empty list', { subjects: [] }, 'guards[0].subjects'],
    ['a SAN without its type', { sans: ['orders.client.example'] }, 'guards[0].sans[0]'],
    ['a SAN with an unknown type', { sans: ['IP:127.0.0.1'] }, 'guards[0].sans[0]'],
    ['a fingerprint that is not SHA-256', { fingerprints: [FP_A, 'abc123'] }, 'guards[0].fingerprints[1]'],
    ['a fingerprint with misplaced colons', { fingerprints: [`${HEX_A.slice(0, 3)}:${HEX_A.slice(3)}`] }, 'guards[0].fingerprints[0]'],
    ['requireAuthorized: false without fingerprints', { requireAuthorized: false, subjects: ['orders-client'] }, 'guards[0].requireAuthorized'],
    ['optional: not a boolean', { optional: 'yes' }, 'guards[0].optional'],
    ['fromHeader without trustedProxies', { fromHeader: { name: 'x-forwarded-client-cert', format: 'xfcc' } }, 'guards[0].fromHeader.trustedProxies'],
    ['fromHeader with an empty trustedProxies', { fromHeader: { name: 'x-forwarded-client-cert', format: 'xfcc', trustedProxies: [] } }, 'guards[0].fromHeader.trustedProxies'],
    ['a trusted proxy that is not an address', { fromHeader: { name: 'x-forwarded-client-cert', format: 'xfcc', trustedProxies: ['10.0.0.0/8', 'proxy.internal'] } }, 'guards[0].fromHeader.trustedProxies[1]'],
    ['an unknown header format', { fromHeader: { name: 'x-client-cert', format: 'der', trustedProxies: ['10.0.0.1'] } }, 'guards[0].fromHeader.format'],
    ['a header name with a space', { fromHeader: { name: 'x client cert', format: 'pem', trustedProxies: ['10.0.0.1'] } }, 'guards[0].fromHeader.name'],
  ];
  for (const [what, options, path] of cases) {
    it(`refuses ${what} (${path})`, () => {
      assert.throws(() => createFirewall({ guards: [clientCertificate(options as ClientCertificateOptions)] }), policyError(path));
    });
  }
});

describe('clientCertificate: a certificate forwarded by a proxy (fromHeader, XFCC)', () => {
  const fromHeader = { name: 'x-forwarded-client-cert', format: 'xfcc', trustedProxies: ['10.0.0.0/8', '2001:db8::/32'] } as const;
  const ELEMENT_A = xfcc({ by: 'spiffe://example.org/api', hash: HEX_A, subject: 'CN=orders-client,O=Acme', uri: 'spiffe://example.org/orders', dns: 'orders.client.example' });
  const ELEMENT_B = xfcc({ by: 'spiffe://example.org/edge', hash: FP_B.replaceAll(':', ''), subject: 'CN=edge-client', uri: 'spiffe://example.org/edge' });

  it('from a trusted proxy: the last (closest) element is the client, with identity and fingerprint', async () => {
    const { decide } = await one({ fromHeader, fingerprints: [FP_A] });
    const decision = await decide({ remoteAddress: '10.1.2.3', headers: [['x-forwarded-client-cert', `${ELEMENT_B},${ELEMENT_A}`]] });
    assert.equal(decision.outcome, 'allow');
    assert.deepEqual(decision.identity, ordersClientIdentity(FP_A));
  });

  it('repeated header lines are one list: the last element still wins', async () => {
    const { decide } = await one({ fromHeader });
    const decision = await decide({
      remoteAddress: '10.1.2.3',
      headers: [
        ['x-forwarded-client-cert', ELEMENT_B],
        ['x-forwarded-client-cert', ELEMENT_A],
      ],
    });
    assert.equal(decision.identity?.clientId, 'orders-client');
  });

  it('from a trusted proxy, IPv6 and IPv4-mapped peers are matched too', async () => {
    const { decide } = await one({ fromHeader });
    for (const remoteAddress of ['2001:db8::7', '::ffff:10.9.9.9']) {
      const decision = await decide({ remoteAddress, headers: [['x-forwarded-client-cert', ELEMENT_A]] });
      assert.equal(decision.identity?.clientId, 'orders-client', remoteAddress);
    }
  });

  it('behind a trusted proxy, the socket certificate is the proxy\'s own and never the client\'s', async () => {
    const { decide } = await one({ fromHeader });
    missing(await decide({ remoteAddress: '10.1.2.3', tls: PEER_A }));
    const decision = await decide({ remoteAddress: '10.1.2.3', tls: PEER_A, headers: [['x-forwarded-client-cert', ELEMENT_B]] });
    assert.equal(decision.identity?.clientId, 'edge-client');
  });

  it('allowlists apply to the forwarded certificate', async () => {
    const { decide } = await one({ fromHeader, subjects: ['orders-client'] });
    refused(await decide({ remoteAddress: '10.1.2.3', headers: [['x-forwarded-client-cert', ELEMENT_B]] }), 'subject');
    const sans = await one({ fromHeader, sans: ['URI:spiffe://example.org/orders'] });
    refused(await sans.decide({ remoteAddress: '10.1.2.3', headers: [['x-forwarded-client-cert', ELEMENT_B]] }), 'san');
  });

  it('from an untrusted peer the header is ignored: its socket certificate counts, the request is annotated', async () => {
    const { decide, diagnostics } = await one({ fromHeader });
    const spoofed = [['x-forwarded-client-cert', ELEMENT_B]] as [string, string][];
    const withSocketCert = await decide({ remoteAddress: '198.51.100.20', tls: PEER_A, headers: spoofed });
    assert.equal(withSocketCert.outcome, 'allow');
    assert.equal(withSocketCert.identity?.clientId, 'orders-client', 'the socket certificate, not the header');
    assert.equal(withSocketCert.annotations['auth.reason'], 'untrusted-forwarded-cert');

    missing(await decide({ remoteAddress: '198.51.100.20', headers: spoofed }), 'untrusted-forwarded-cert');
    const reported = diagnostics.filter((d) => d.code === 'PC_UNTRUSTED_CLIENT_CERT_HEADER');
    assert.equal(reported.length, 1, 'reported once (core limits a guard\'s run-time reports to one a minute)');
    assert.equal(reported[0]?.severity, 'warn');
    assert.equal(reported[0]?.guard, 'mtls');
    assert.ok(!/198\.51|orders|edge|spiffe/.test(reported[0]?.message ?? ''), 'no request data in the diagnostic');
  });

  it('from an untrusted peer without a header: nothing is annotated or reported', async () => {
    const { decide, diagnostics } = await one({ fromHeader });
    const decision = await decide({ remoteAddress: '198.51.100.20', tls: PEER_A });
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.annotations['auth.reason'], undefined);
    assert.deepEqual(diagnostics.filter((d) => d.code === 'PC_UNTRUSTED_CLIENT_CERT_HEADER'), []);
  });

  it('optional, untrusted header, no certificate: passes without identity, annotated', async () => {
    const { decide } = await one({ fromHeader, optional: true });
    const decision = await decide({ remoteAddress: '203.0.113.9', headers: [['x-forwarded-client-cert', ELEMENT_A]] });
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.identity, undefined);
    assert.equal(decision.annotations['auth.reason'], 'untrusted-forwarded-cert');
  });

  it('an empty header from a trusted proxy means no certificate', async () => {
    const { decide } = await one({ fromHeader });
    missing(await decide({ remoteAddress: '10.1.2.3', headers: [['x-forwarded-client-cert', '']] }));
  });

  const malformed: [string, string][] = [
    ['an unterminated quote', `Hash=${HEX_A};Subject="CN=x`],
    ['no Hash', 'Subject="CN=orders-client";URI=spiffe://example.org/orders'],
    ['a Hash that is not SHA-256', 'Hash=abc123;URI=spiffe://example.org/orders'],
    ['two Hashes', `Hash=${HEX_A};Hash=${FP_B.replaceAll(':', '')}`],
    ['two Subjects', `Hash=${HEX_A};Subject="CN=a";Subject="CN=b"`],
    ['a trailing separator', `Hash=${HEX_A};`],
    ['a trailing comma', `${ELEMENT_A},`],
    ['a quote inside a bare value', `Hash=${HEX_A};URI=spiffe://a"b`],
    ['an = inside a bare value', `Hash=${HEX_A};URI=spiffe://a?b=c`],
    ['a pair without =', `Hash=${HEX_A};URI`],
    ['a bad escape in a quoted value', `Hash=${HEX_A};Subject="CN=\\x"`],
    ['a key with odd characters', `Hash=${HEX_A};U-RI=x`],
    ['a header past the length bound', `Hash=${HEX_A};DNS=${'a'.repeat(20_000)}`],
  ];
  for (const [what, header] of malformed) {
    it(`from a trusted proxy, ${what}: 403 malformed-header`, async () => {
      const { decide } = await one({ fromHeader }, LARGE_HEADERS);
      refused(await decide({ remoteAddress: '10.1.2.3', headers: [['x-forwarded-client-cert', header]] }), 'malformed-header');
    });
  }
});

describe('clientCertificate: a URL-encoded PEM forwarded by nginx (fromHeader, pem)', () => {
  const fromHeader = { name: 'x-client-cert', format: 'pem', trustedProxies: ['127.0.0.1'] } as const;
  const escaped = encodeURIComponent(CLIENT_PEM);

  it('parses the certificate: CN, SANs and fingerprint as Node reports them', async () => {
    const { decide } = await one({ fromHeader, fingerprints: [CLIENT.fingerprint256] });
    const decision = await decide({ remoteAddress: '127.0.0.1', headers: [['x-client-cert', escaped]] });
    assert.equal(decision.outcome, 'allow');
    assert.deepEqual(decision.identity, ordersClientIdentity(CLIENT.fingerprint256));
    // The second time comes from the parse cache and gives the same answer.
    assert.deepEqual((await decide({ remoteAddress: '127.0.0.1', headers: [['x-client-cert', escaped]] })).identity, decision.identity);
  });

  it('a fingerprint allowlist that excludes it refuses it', async () => {
    const { decide } = await one({ fromHeader, fingerprints: [FP_B] });
    refused(await decide({ remoteAddress: '127.0.0.1', headers: [['x-client-cert', escaped]] }), 'fingerprint');
  });

  it('from another peer the header is ignored', async () => {
    const { decide } = await one({ fromHeader });
    missing(await decide({ remoteAddress: '127.0.0.2', headers: [['x-client-cert', escaped]] }), 'untrusted-forwarded-cert');
  });

  const malformed: [string, string][] = [
    ['not a certificate', 'hello'],
    ['a broken escape', '%E0%A4%A'],
    ['a corrupted certificate', encodeURIComponent(CLIENT_PEM.replace(/\n[A-Za-z0-9+/]{10}/, '\nAAAAAAAAAA'))],
    ['two certificates', encodeURIComponent(CLIENT_PEM + CLIENT_PEM)],
    // A valid certificate once decoded and trimmed: only the bound refuses it.
    ['a header past the length bound', encodeURIComponent(CLIENT_PEM + '\n'.repeat(12_000))],
  ];
  for (const [what, header] of malformed) {
    it(`${what}: 403 malformed-header`, async () => {
      const { decide } = await one({ fromHeader }, LARGE_HEADERS);
      refused(await decide({ remoteAddress: '127.0.0.1', headers: [['x-client-cert', header]] }), 'malformed-header');
    });
  }

  it('two header lines: 403 malformed-header (which one is the client\'s would be a guess)', async () => {
    const { decide } = await one({ fromHeader });
    const decision = await decide({
      remoteAddress: '127.0.0.1',
      headers: [
        ['x-client-cert', escaped],
        ['x-client-cert', escaped],
      ],
    });
    refused(decision, 'malformed-header');
  });
});

describe('mTLS parsing helpers', () => {
  it('XFCC: quoted values may hold commas, semicolons, equals signs and escaped quotes', () => {
    const elements = parseXfccElements(`By=a;Subject="CN=x\\"y, O=a;b=c";URI=u1,Hash=${HEX_A};DNS="d,1";DNS=d2`);
    assert.deepEqual(elements, [
      [
        ['By', 'a'],
        ['Subject', 'CN=x"y, O=a;b=c'],
        ['URI', 'u1'],
      ],
      [
        ['Hash', HEX_A],
        ['DNS', 'd,1'],
        ['DNS', 'd2'],
      ],
    ]);
    const read = readXfcc(`Hash=${HEX_A};Subject="CN=orders\\\\client,O=Acme";URI=spiffe://a/b;URI=spiffe://a/c;DNS=x.example`);
    assert.equal(read.kind, 'certificate');
    if (read.kind === 'certificate') {
      assert.deepEqual(read.facts.sans, ['URI:spiffe://a/b', 'URI:spiffe://a/c', 'DNS:x.example']);
      assert.equal(read.facts.fingerprint256, FP_A);
      assert.equal(read.facts.authorized, true);
    }
  });

  it('distinguished names: RFC 4514 with escapes, and the older slash form', () => {
    assert.equal(commonNameOfDn('CN=orders-client,O=Acme'), 'orders-client');
    assert.equal(commonNameOfDn('O=Acme,CN=a\\, b'), 'a, b');
    assert.equal(commonNameOfDn('CN=caf\\C3\\A9,O=x'), 'café');
    assert.equal(commonNameOfDn('/C=US/O=Acme/CN=Test Client'), 'Test Client');
    assert.equal(commonNameOfDn('CN=a+CN=b'), undefined, 'two CNs: no guess');
    assert.equal(commonNameOfDn('O=Acme'), undefined);
    assert.equal(commonNameOfDn('CN=x,'), undefined);
    assert.equal(commonNameOfDn(''), undefined);
  });

  it('subjectAltName text: split on ", " outside quotes; bounded', () => {
    assert.deepEqual(splitSubjectAltName('DNS:a, IP Address:127.0.0.1, URI:"x, y"'), ['DNS:a', 'IP Address:127.0.0.1', 'URI:x, y']);
    assert.deepEqual(splitSubjectAltName(undefined), []);
    assert.equal(splitSubjectAltName('DNS:a, '), undefined);
    assert.equal(splitSubjectAltName(Array.from({ length: 300 }, (_, i) => `DNS:h${i}`).join(', ')), undefined);
  });

  it('fingerprints normalise to Node\'s form', () => {
    assert.equal(toNodeFingerprint(HEX_A), FP_A);
    assert.equal(toNodeFingerprint(FP_A.toLowerCase()), FP_A);
    assert.equal(toNodeFingerprint(HEX_A.slice(2)), undefined);
    assert.equal(toNodeFingerprint(`${HEX_A.slice(0, 62)}zz`), undefined);
  });
});
