import {
  COMMON_GUARD_KEYS,
  PolicyError,
  childPath,
  describeValue,
  readBoolean,
  readCommonGuardOptions,
  readFunction,
  readInteger,
  readObject,
  readOptionalString,
  readString,
  type CommonGuardOptions,
  type FailureMode,
  type Mode,
  type PolicyPath,
} from '@portcullis/core';
import { readTokenLocations, type CompiledLocation, type TokenLocation } from '../credentials.js';
import { compileIdentityMapping, type CompiledIdentityMapping, type IdentityMappingOptions } from '../identity-mapping.js';

/** The fetch function the guard calls: `globalThis.fetch` by default, or one with a custom agent. */
export type IntrospectionFetch = (input: string, init: RequestInit) => Promise<Response>;

export interface IntrospectionCacheOptions {
  /** Default 10,000 tokens. */
  readonly maxEntries?: number;
  /** An active token is trusted from the cache for at most this long (and never past its `exp`). Default 300,000 ms. */
  readonly maxTtlMs?: number;
  /** An inactive token is remembered this long (0: not at all). Default 10,000 ms. */
  readonly negativeTtlMs?: number;
}

export interface IntrospectionBreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  readonly failureThreshold?: number;
  /** How long an open breaker refuses without asking the endpoint; then one trial request. Default 30,000 ms. */
  readonly resetMs?: number;
}

/** Options of `introspection()`. See docs/auth/introspection.md. */
export interface IntrospectionOptions {
  readonly id?: string;
  readonly mode?: Mode;
  /** Default `deny`: an unreachable endpoint answers 503 `guard_unavailable`. */
  readonly onError?: FailureMode;
  readonly timeoutMs?: number;
  /** Let requests without a credential through without identity (a present but bad one is still refused). */
  readonly optional?: boolean;
  /** The introspection endpoint (RFC 7662). https, or http on a loopback host. */
  readonly url: string;
  /** Allow an http URL on a non-loopback host (tokens and client secret then travel in clear). */
  readonly allowInsecureHttp?: boolean;
  /** The resource server's client credentials, sent with client_secret_basic. */
  readonly client: { readonly id: string; readonly secret: string };
  /** Where the bearer token is read. Default the Authorization header. */
  readonly from?: TokenLocation | readonly TokenLocation[];
  /** Longer tokens are refused without a request. Default 8,192. */
  readonly maxTokenLength?: number;
  readonly identity?: IdentityMappingOptions;
  /** The response's `aud` (a string or an array) must name one of these. */
  readonly audience?: string | readonly string[];
  /** The response's `iss` must be exactly this. */
  readonly issuer?: string;
  /** Bound on one introspection request, body included. Default 2,000 ms. */
  readonly requestTimeoutMs?: number;
  readonly cache?: IntrospectionCacheOptions | false;
  readonly breaker?: IntrospectionBreakerOptions;
  readonly fetch?: IntrospectionFetch;
  /** The `realm` of the `WWW-Authenticate` challenge. */
  readonly realm?: string;
}

export const INTROSPECTION_KEYS = [
  ...COMMON_GUARD_KEYS,
  'optional', 'url', 'allowInsecureHttp', 'client', 'from', 'maxTokenLength', 'identity', 'audience', 'issuer',
  'requestTimeoutMs', 'cache', 'breaker', 'fetch', 'realm',
] as const;

export interface CompiledIntrospectionOptions {
  readonly common: CommonGuardOptions;
  readonly optional: boolean;
  readonly url: URL;
  /** `Basic ...` with the form-encoded id and secret, built once. */
  readonly authorization: string;
  readonly locations: readonly CompiledLocation[];
  readonly maxTokenLength: number;
  readonly identity: CompiledIdentityMapping;
  readonly audience: ReadonlySet<string> | undefined;
  readonly issuer: string | undefined;
  readonly requestTimeoutMs: number;
  readonly cache: { readonly maxEntries: number; readonly maxTtlMs: number; readonly negativeTtlMs: number } | undefined;
  readonly breaker: { readonly failureThreshold: number; readonly resetMs: number };
  readonly fetch: IntrospectionFetch;
  readonly realm: string | undefined;
}

const REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
const LOOPBACK_V4 = /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_V4.test(hostname);
}

function readUrl(value: unknown, path: PolicyPath, allowInsecureHttp: boolean): URL {
  const text = readString(value, path);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PolicyError(path, 'expected an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PolicyError(path, `expected an https URL, got ${url.protocol}`);
  // fetch refuses URLs with credentials; the client's are sent in the Authorization header.
  if (url.username !== '' || url.password !== '') throw new PolicyError(path, 'expected no credentials in the URL (use `client`)');
  if (url.hash !== '') throw new PolicyError(path, 'expected no fragment');
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopback(url.hostname)) {
    throw new PolicyError(path, 'is http on a non-loopback host: tokens and the client secret would travel in clear (use https, or set allowInsecureHttp: true)');
  }
  return url;
}

/** client_secret_basic: id and secret each application/x-www-form-urlencoded (RFC 6749 §2.3.1), then Base64. */
function basicAuthorization(id: string, secret: string): string {
  const formEncode = (value: string): string => new URLSearchParams([['', value]]).toString().slice(1);
  return `Basic ${Buffer.from(`${formEncode(id)}:${formEncode(secret)}`, 'utf8').toString('base64')}`;
}

function readClient(value: unknown, path: PolicyPath): string {
  const o = readObject(value, path, ['id', 'secret']);
  const id = readString(o['id'], childPath(path, 'id'));
  // The secret is never described in an error: only its path and what was expected.
  if (typeof o['secret'] !== 'string' || o['secret'] === '') throw new PolicyError(childPath(path, 'secret'), 'expected a non-empty string');
  return basicAuthorization(id, o['secret']);
}

function readAudience(value: unknown, path: PolicyPath): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return new Set([readString(value, path)]);
  if (!Array.isArray(value) || value.length === 0) throw new PolicyError(path, `expected a string or a non-empty array of strings, got ${describeValue(value)}`);
  return new Set(value.map((item, i) => readString(item, childPath(path, i))));
}

function readCache(value: unknown, path: PolicyPath): CompiledIntrospectionOptions['cache'] {
  if (value === false) return undefined;
  const o = value === undefined ? {} : readObject(value, path, ['maxEntries', 'maxTtlMs', 'negativeTtlMs']);
  const maxEntries = o['maxEntries'] === undefined ? 10_000 : readInteger(o['maxEntries'], childPath(path, 'maxEntries'), { min: 1, max: 1_000_000 });
  const maxTtlMs = o['maxTtlMs'] === undefined ? 300_000 : readInteger(o['maxTtlMs'], childPath(path, 'maxTtlMs'), { min: 1, max: 86_400_000 });
  const negativeTtlMs = o['negativeTtlMs'] === undefined ? Math.min(10_000, maxTtlMs) : readInteger(o['negativeTtlMs'], childPath(path, 'negativeTtlMs'), { min: 0, max: maxTtlMs });
  return { maxEntries, maxTtlMs, negativeTtlMs };
}

function readBreaker(value: unknown, path: PolicyPath): CompiledIntrospectionOptions['breaker'] {
  const o = value === undefined ? {} : readObject(value, path, ['failureThreshold', 'resetMs']);
  return {
    failureThreshold: o['failureThreshold'] === undefined ? 5 : readInteger(o['failureThreshold'], childPath(path, 'failureThreshold'), { min: 1, max: 1_000 }),
    resetMs: o['resetMs'] === undefined ? 30_000 : readInteger(o['resetMs'], childPath(path, 'resetMs'), { min: 1, max: 3_600_000 }),
  };
}

export function readIntrospectionOptions(options: unknown, path: PolicyPath): CompiledIntrospectionOptions {
  const o = readObject(options, path, INTROSPECTION_KEYS);
  const common = readCommonGuardOptions(o, path, { id: 'introspection', onError: 'deny' });
  const allowInsecureHttp = readBoolean(o['allowInsecureHttp'], childPath(path, 'allowInsecureHttp'), false);
  const url = readUrl(o['url'], childPath(path, 'url'), allowInsecureHttp);
  const requestTimeoutMs = o['requestTimeoutMs'] === undefined ? 2_000 : readInteger(o['requestTimeoutMs'], childPath(path, 'requestTimeoutMs'), { min: 1, max: 60_000 });
  if (common.timeoutMs !== undefined && requestTimeoutMs > common.timeoutMs) {
    throw new PolicyError(childPath(path, 'requestTimeoutMs'), `is longer than timeoutMs (${common.timeoutMs}): the guard would time out before its request does`);
  }
  const realm = readOptionalString(o['realm'], childPath(path, 'realm'));
  if (realm !== undefined && !REALM.test(realm)) throw new PolicyError(childPath(path, 'realm'), 'expected printable ASCII without quotes or backslashes (at most 128 characters)');
  const custom = o['fetch'] === undefined ? undefined : readFunction<IntrospectionFetch>(o['fetch'], childPath(path, 'fetch'));
  return {
    common,
    optional: readBoolean(o['optional'], childPath(path, 'optional'), false),
    url,
    authorization: readClient(o['client'], childPath(path, 'client')),
    locations: readTokenLocations(o['from'], childPath(path, 'from')),
    maxTokenLength: o['maxTokenLength'] === undefined ? 8_192 : readInteger(o['maxTokenLength'], childPath(path, 'maxTokenLength'), { min: 16, max: 65_536 }),
    identity: compileIdentityMapping(o['identity'], childPath(path, 'identity')),
    audience: readAudience(o['audience'], childPath(path, 'audience')),
    issuer: readOptionalString(o['issuer'], childPath(path, 'issuer')),
    requestTimeoutMs,
    cache: readCache(o['cache'], childPath(path, 'cache')),
    breaker: readBreaker(o['breaker'], childPath(path, 'breaker')),
    // Looked up per call, so a fetch replaced after start-up (instrumentation) is honoured.
    fetch: custom ?? ((input, init) => globalThis.fetch(input, init)),
    realm,
  };
}
