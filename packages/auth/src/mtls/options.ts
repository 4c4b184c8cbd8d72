import {
  COMMON_GUARD_KEYS,
  CidrList,
  PolicyError,
  childPath,
  parseCidr,
  readBoolean,
  readEnum,
  readObject,
  readString,
  readStringArray,
  type FailureMode,
  type Mode,
  type PolicyPath,
} from '@portcullis/core';
import { toNodeFingerprint } from './certificate.js';

export interface ClientCertificateHeaderOptions {
  /** The header a TLS-terminating proxy sets, e.g. `x-forwarded-client-cert` (Envoy) or `x-client-cert` (nginx). */
  readonly name: string;
  /**
   * Addresses or CIDRs of the proxies allowed to set it (required). The header is believed only
   * when the socket peer (`request.remoteAddress`) is one of them; from anyone else it is ignored.
   */
  readonly trustedProxies: readonly string[];
  /** `xfcc`: Envoy's x-forwarded-client-cert. `pem`: a URL-encoded PEM (nginx `$ssl_client_escaped_cert`). */
  readonly format: 'xfcc' | 'pem';
}

export interface ClientCertificateOptions {
  /** Default `mtls`. */
  readonly id?: string;
  readonly mode?: Mode;
  /** Default `deny`. */
  readonly onError?: FailureMode;
  readonly timeoutMs?: number;
  /** When true, a request without a certificate passes without identity (a refused one is still refused). */
  readonly optional?: boolean;
  /**
   * Require that the TLS stack verified the chain against the server's CA list (`ca` of
   * `https.createServer`, with `requestCert: true`). Default true. `false` needs `fingerprints`:
   * without chain verification any CN or SAN can be self-signed, only a pinned certificate counts.
   */
  readonly requireAuthorized?: boolean;
  /** Allowed subject CNs (exact). */
  readonly subjects?: readonly string[];
  /** Allowed subjectAltName entries, exactly as Node names them: `DNS:client.example`, `URI:spiffe://example.org/svc`. */
  readonly sans?: readonly string[];
  /** Allowed SHA-256 fingerprints, hex in any case, with or without colons. */
  readonly fingerprints?: readonly string[];
  /** Read the certificate from a trusted proxy's header instead of the socket. */
  readonly fromHeader?: ClientCertificateHeaderOptions;
}

export interface CompiledHeaderSource {
  readonly name: string;
  readonly trustedProxies: CidrList;
  readonly format: 'xfcc' | 'pem';
}

export interface CompiledClientCertificateOptions {
  readonly optional: boolean;
  readonly requireAuthorized: boolean;
  readonly subjects: ReadonlySet<string> | undefined;
  readonly sans: ReadonlySet<string> | undefined;
  /** Node's form: colon-separated upper-case hex. */
  readonly fingerprints: ReadonlySet<string> | undefined;
  readonly fromHeader: CompiledHeaderSource | undefined;
}

export const CLIENT_CERTIFICATE_KEYS = ['optional', 'requireAuthorized', 'subjects', 'sans', 'fingerprints', 'fromHeader', ...COMMON_GUARD_KEYS] as const;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** The subjectAltName types Node prints (`DNS:`, `IP Address:`...). */
const SAN_TYPES = ['DNS', 'URI', 'IP Address', 'email', 'DirName', 'Registered ID', 'othername'];

function readList(value: unknown, path: PolicyPath, check?: (item: string, itemPath: PolicyPath) => string): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  const items = readStringArray(value, path, { nonEmpty: true });
  return new Set(items.map((item, index) => (check === undefined ? item : check(item, childPath(path, index)))));
}

function checkSan(item: string, path: PolicyPath): string {
  const colon = item.indexOf(':');
  const type = colon === -1 ? '' : item.slice(0, colon);
  if (!SAN_TYPES.includes(type) || colon === item.length - 1) {
    throw new PolicyError(path, `expected a subjectAltName entry as Node names it (${SAN_TYPES.map((t) => `${t}:…`).join(', ')}), e.g. "DNS:client.example"`);
  }
  return item;
}

function checkFingerprint(item: string, path: PolicyPath): string {
  const fingerprint = toNodeFingerprint(item);
  if (fingerprint === undefined) throw new PolicyError(path, 'expected a SHA-256 fingerprint: 64 hex digits, with or without colons between bytes');
  return fingerprint;
}

function readHeaderSource(value: unknown, path: PolicyPath): CompiledHeaderSource | undefined {
  if (value === undefined) return undefined;
  const o = readObject(value, path, ['name', 'trustedProxies', 'format']);
  const name = readString(o['name'], childPath(path, 'name')).toLowerCase();
  if (!HEADER_NAME.test(name)) throw new PolicyError(childPath(path, 'name'), 'expected a header name');
  const proxiesPath = childPath(path, 'trustedProxies');
  if (o['trustedProxies'] === undefined) throw new PolicyError(proxiesPath, 'is required: the addresses of the proxies allowed to set the header');
  const trustedProxies = new CidrList(
    readStringArray(o['trustedProxies'], proxiesPath, { nonEmpty: true }).map((text, index) => {
      const cidr = parseCidr(text);
      if (cidr === undefined) throw new PolicyError(childPath(proxiesPath, index), `expected an IPv4/IPv6 address or CIDR, got ${JSON.stringify(text)}`);
      return cidr;
    }),
  );
  const format = readEnum<'xfcc' | 'pem'>(o['format'], childPath(path, 'format'), ['xfcc', 'pem']);
  return { name, trustedProxies, format };
}

export function readClientCertificateOptions(o: Record<string, unknown>, path: PolicyPath): CompiledClientCertificateOptions {
  const optional = readBoolean(o['optional'], childPath(path, 'optional'), false);
  const requireAuthorized = readBoolean(o['requireAuthorized'], childPath(path, 'requireAuthorized'), true);
  const subjects = readList(o['subjects'], childPath(path, 'subjects'));
  const sans = readList(o['sans'], childPath(path, 'sans'), checkSan);
  const fingerprints = readList(o['fingerprints'], childPath(path, 'fingerprints'), checkFingerprint);
  const fromHeader = readHeaderSource(o['fromHeader'], childPath(path, 'fromHeader'));
  // Without chain verification, anyone can mint a certificate with any CN or SAN: only the
  // fingerprint (pinning the exact certificate) still identifies someone.
  if (!requireAuthorized && fingerprints === undefined) {
    throw new PolicyError(childPath(path, 'requireAuthorized'), 'false needs `fingerprints` (pinned certificates): without chain verification any CN or SAN can be self-signed');
  }
  return { optional, requireAuthorized, subjects, sans, fingerprints, fromHeader };
}
