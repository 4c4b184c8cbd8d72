import {
  ALLOW,
  defineGuard,
  parseIp,
  readCommonGuardOptions,
  readObject,
  type AllowOutcome,
  type CompileContext,
  type DenyOutcome,
  type FirewallRequest,
  type Guard,
  type GuardDefinition,
  type GuardOutcome,
  type Identity,
  type TlsPeer,
} from '@portcullis/core';
import { BoundedCache } from '../bounded-cache.js';
import { authDeny } from '../codes.js';
import { sha256Key } from '../hash.js';
import { splitSubjectAltName, subjectOf, toNodeFingerprint, type CertificateFacts } from './certificate.js';
import {
  CLIENT_CERTIFICATE_KEYS,
  readClientCertificateOptions,
  type ClientCertificateOptions,
  type CompiledClientCertificateOptions,
  type CompiledHeaderSource,
} from './options.js';
import { readPemHeader, type PemRead } from './pem-header.js';
import { readXfcc } from './xfcc.js';

/** Why a presented certificate was refused: the `auth.reason` annotation of a 403 `client_certificate_refused`. */
export type ClientCertificateRefusal = 'unauthorized' | 'subject' | 'san' | 'fingerprint' | 'malformed-header' | 'malformed-certificate';

const UNTRUSTED_HEADER_REASON = 'untrusted-forwarded-cert';

// TLS has no HTTP authentication scheme, so no WWW-Authenticate challenge accompanies the 401.
const MISSING = authDeny('client_certificate_required', undefined, 'missing');
const MISSING_UNTRUSTED_HEADER = authDeny('client_certificate_required', undefined, UNTRUSTED_HEADER_REASON);
const REFUSED: Readonly<Record<ClientCertificateRefusal, DenyOutcome>> = Object.freeze({
  unauthorized: authDeny('client_certificate_refused', undefined, 'unauthorized'),
  subject: authDeny('client_certificate_refused', undefined, 'subject'),
  san: authDeny('client_certificate_refused', undefined, 'san'),
  fingerprint: authDeny('client_certificate_refused', undefined, 'fingerprint'),
  'malformed-header': authDeny('client_certificate_refused', undefined, 'malformed-header'),
  'malformed-certificate': authDeny('client_certificate_refused', undefined, 'malformed-certificate'),
});
const UNTRUSTED_ANNOTATIONS = Object.freeze({ 'auth.reason': UNTRUSTED_HEADER_REASON });
const ALLOW_UNTRUSTED_HEADER: AllowOutcome = Object.freeze({ outcome: 'allow' as const, annotations: UNTRUSTED_ANNOTATIONS });

/** What the request presents, from the socket or from a trusted proxy's header. */
type Presented =
  | { readonly kind: 'none' }
  | { readonly kind: 'malformed'; readonly reason: 'malformed-header' | 'malformed-certificate' }
  | { readonly kind: 'certificate'; readonly facts: CertificateFacts };

const NONE: Presented = Object.freeze({ kind: 'none' });
const MALFORMED_HEADER: Presented = Object.freeze({ kind: 'malformed', reason: 'malformed-header' });
const MALFORMED_CERTIFICATE: Presented = Object.freeze({ kind: 'malformed', reason: 'malformed-certificate' });

const TRUST_CACHE_SIZE = 10_000;
const PEM_CACHE_SIZE = 1_000;
const PEM_CACHE_TTL_MS = 10 * 60_000;

/** The certificate on the TLS socket, as core's adapters report it (tlsPeerReader). */
function fromSocket(peer: TlsPeer | undefined): Presented {
  // Not TLS, or TLS without a client certificate (Node reports an empty certificate).
  if (peer === undefined || (peer.fingerprint256 === undefined && peer.subject === undefined && peer.subjectAltName === undefined)) return NONE;
  const sans = splitSubjectAltName(peer.subjectAltName);
  const fingerprint256 = peer.fingerprint256 === undefined ? undefined : toNodeFingerprint(peer.fingerprint256);
  if (sans === undefined || (peer.fingerprint256 !== undefined && fingerprint256 === undefined)) return MALFORMED_CERTIFICATE;
  return { kind: 'certificate', facts: { authorized: peer.authorized, commonName: peer.subject?.['CN'], sans, fingerprint256 } };
}

function fromHeaderRead(read: PemRead): Presented {
  if (read.kind === 'none') return NONE;
  if (read.kind === 'malformed') return MALFORMED_HEADER;
  return { kind: 'certificate', facts: read.facts };
}

function identityOf(facts: CertificateFacts): Identity {
  const subject = subjectOf(facts);
  const claims: Record<string, unknown> = { san: Object.freeze([...facts.sans]) };
  if (facts.commonName !== undefined) claims['cn'] = facts.commonName;
  if (facts.fingerprint256 !== undefined) claims['fingerprint256'] = facts.fingerprint256;
  return Object.freeze({
    method: 'mtls' as const,
    ...(subject === undefined ? {} : { subject }),
    ...(facts.commonName === undefined ? {} : { clientId: facts.commonName }),
    scopes: [],
    roles: [],
    claims: Object.freeze(claims),
  });
}

/** The refusal for a presented certificate, or undefined when every configured check passes. */
function refusalOf(facts: CertificateFacts, options: CompiledClientCertificateOptions): ClientCertificateRefusal | undefined {
  if (options.requireAuthorized && !facts.authorized) return 'unauthorized';
  if (options.subjects !== undefined && (facts.commonName === undefined || !options.subjects.has(facts.commonName))) return 'subject';
  if (options.sans !== undefined && !facts.sans.some((entry) => options.sans?.has(entry) === true)) return 'san';
  if (options.fingerprints !== undefined && (facts.fingerprint256 === undefined || !options.fingerprints.has(facts.fingerprint256))) return 'fingerprint';
  return undefined;
}

/** Reads the certificate a trusted proxy forwarded, in the configured format. */
function headerReader(source: CompiledHeaderSource): (request: FirewallRequest, now: number) => Presented {
  if (source.format === 'xfcc') {
    return (request) => {
      // A list header: repeated lines are one list (RFC 9110 §5.3); the last element is the closest hop.
      const values = request.headers.getAll(source.name);
      if (values.length === 0) return NONE;
      return fromHeaderRead(readXfcc(values.join(',')));
    };
  }
  // X509 parsing costs tens of microseconds; a client's certificate is the same on every request.
  const parsed = new BoundedCache<Presented>(PEM_CACHE_SIZE);
  return (request, now) => {
    const values = request.headers.getAll(source.name);
    if (values.length === 0) return NONE;
    // Two certificates for one request: which one is the client's would be a guess.
    if (values.length > 1) return MALFORMED_HEADER;
    const value = values[0] as string;
    const key = sha256Key(value);
    const cached = parsed.get(key, now);
    if (cached !== undefined) return cached;
    const presented = fromHeaderRead(readPemHeader(value));
    parsed.set(key, presented, now + PEM_CACHE_TTL_MS);
    return presented;
  };
}

/** Whether the socket peer is one of the proxies allowed to forward a certificate (cached per address, bounded). */
function proxyTrust(source: CompiledHeaderSource): (remoteAddress: string | undefined) => boolean {
  const verdicts = new Map<string, boolean>();
  return (remoteAddress) => {
    if (remoteAddress === undefined) return false;
    let trusted = verdicts.get(remoteAddress);
    if (trusted === undefined) {
      const ip = parseIp(remoteAddress);
      trusted = ip !== undefined && source.trustedProxies.contains(ip);
      if (verdicts.size >= TRUST_CACHE_SIZE) verdicts.clear();
      verdicts.set(remoteAddress, trusted);
    }
    return trusted;
  };
}

function compile(options: ClientCertificateOptions, context: CompileContext): Guard {
  const { path } = context;
  const o = readObject(options, path, CLIENT_CERTIFICATE_KEYS);
  const common = readCommonGuardOptions(o, path, { id: 'mtls', onError: 'deny' });
  const compiled = readClientCertificateOptions(o, path);
  const source = compiled.fromHeader;
  const readHeader = source === undefined ? undefined : headerReader(source);
  const isTrustedProxy = source === undefined ? undefined : proxyTrust(source);

  const onUntrustedHeader = (): void => {
    // Runtime reports reach telemetry at most once a minute per code and guard (core).
    context.report({
      code: 'PC_UNTRUSTED_CLIENT_CERT_HEADER',
      severity: 'warn',
      message: `a client certificate header (${source?.name ?? ''}) came from a peer outside fromHeader.trustedProxies and was ignored`,
      guard: common.id,
      path,
    });
  };

  return Object.freeze<Guard>({
    ...common,
    kind: 'client-certificate',
    phase: 'identity' as const,
    evaluate(request, guardContext): GuardOutcome {
      let presented: Presented;
      let untrustedHeader = false;
      if (source !== undefined && readHeader !== undefined && isTrustedProxy?.(request.remoteAddress) === true) {
        // Behind the proxy the socket's certificate (if any) is the proxy's own, never the client's.
        presented = readHeader(request, guardContext.now());
      } else {
        presented = fromSocket(request.tls());
        if (source !== undefined && request.headers.has(source.name)) {
          untrustedHeader = true;
          onUntrustedHeader();
        }
      }

      if (presented.kind === 'none') {
        if (compiled.optional || guardContext.identity !== undefined) return untrustedHeader ? ALLOW_UNTRUSTED_HEADER : ALLOW;
        return untrustedHeader ? MISSING_UNTRUSTED_HEADER : MISSING;
      }
      if (presented.kind === 'malformed') return REFUSED[presented.reason];
      const refusal = refusalOf(presented.facts, compiled);
      if (refusal !== undefined) return REFUSED[refusal];
      const identity = identityOf(presented.facts);
      return untrustedHeader ? { outcome: 'allow', identity, annotations: UNTRUSTED_ANNOTATIONS } : { outcome: 'allow', identity };
    },
  });
}

/**
 * Mutual TLS: the client certificate, verified by the TLS stack (or by a trusted proxy that
 * forwards it in a header), optionally pinned to allowlists of subject CNs, subjectAltNames and
 * SHA-256 fingerprints. Establishes an identity `{ method: 'mtls', subject: SAN URI or CN, clientId: CN }`.
 */
export function clientCertificate(options: ClientCertificateOptions = {}): GuardDefinition {
  return defineGuard('client-certificate', (context) => compile(options, context));
}
