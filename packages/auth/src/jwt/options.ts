import {
  COMMON_GUARD_KEYS,
  PolicyError,
  childPath,
  describeValue,
  isPlainObject,
  readArray,
  readBoolean,
  readCommonGuardOptions,
  readInteger,
  readObject,
  readOptionalString,
  readString,
  readStringArray,
  type CommonGuardOptions,
  type PolicyPath,
} from '@portcullis/core';
import { readTokenLocations, type CompiledLocation, type TokenLocation } from '../credentials.js';
import { compileIdentityMapping, type CompiledIdentityMapping, type IdentityMappingOptions } from '../identity-mapping.js';
import { isJwtAlgorithm, isSymmetric, minimumSecretBytes, JWT_ALGORITHMS, type JwtAlgorithm } from './algorithms.js';
import { describePublicKey, type PublicKeyMaterial, type SecretMaterial } from './key-set.js';
import type { RemoteJwksSettings } from './remote-jwks.js';

export interface JwtSecret {
  readonly kid: string;
  readonly secret: string | Uint8Array;
}

export type JwtPublicKey =
  | { readonly pem: string; readonly kid?: string; readonly alg?: JwtAlgorithm }
  | { readonly jwk: JsonWebKey & { readonly kid?: string; readonly alg?: string }; readonly kid?: string; readonly alg?: JwtAlgorithm };

export interface JwksUriOptions {
  readonly url: string;
  /** Default 10 minutes. */
  readonly cacheMaxAgeMs?: number;
  /** Minimum gap between refreshes caused by an unknown kid. Default 30 s. */
  readonly cooldownMs?: number;
  /** Bound on one fetch. Default 5 s. */
  readonly timeoutMs?: number;
  /** How long last-known-good keys are used while the endpoint fails. Default 24 h. */
  readonly maxStaleMs?: number;
}

export interface JwtOptions {
  readonly id?: string;
  readonly mode?: 'enforce' | 'monitor';
  /** What a key-set outage does: `deny` (default, 503) or `allow` (without identity). */
  readonly onError?: 'deny' | 'allow';
  readonly timeoutMs?: number;
  /** Let requests without a token through without identity (authorization may still require one). */
  readonly optional?: boolean;
  /** Required: the algorithms accepted, e.g. `['ES256']`. Never `none`. */
  readonly algorithms: readonly JwtAlgorithm[];
  /** Shared secret(s) for HS*; an array of `{ kid, secret }` for rotation. At least 32 bytes. */
  readonly secret?: string | Uint8Array | readonly JwtSecret[];
  readonly publicKeys?: readonly JwtPublicKey[];
  /** A local JWKS document. */
  readonly jwks?: { readonly keys: readonly JsonWebKey[] };
  /** A remote JWKS endpoint (https, or http on loopback). */
  readonly jwksUri?: string | JwksUriOptions;
  /** Required: the exact expected `iss` (or several), or `false` to accept any issuer. */
  readonly issuer: string | readonly string[] | false;
  /** Required: the expected `aud` (any of several), or `false` to skip the audience check. */
  readonly audience: string | readonly string[] | false;
  /** Default 30. Applies to `exp`, `nbf` and a future `iat`. */
  readonly clockToleranceSeconds?: number;
  /** Claims that must be present. Default `['exp']`. */
  readonly requiredClaims?: readonly string[];
  /** Refuse tokens whose `iat` is older than this. */
  readonly maxTokenAgeSeconds?: number;
  /** The JOSE `typ` required, e.g. `at+jwt` (RFC 9068). Default: not checked. */
  readonly type?: string;
  /** `crit` header parameters this service understands. Default none: a token with `crit` is refused. */
  readonly criticalHeaders?: readonly string[];
  /** Default 8192 characters. */
  readonly maxTokenLength?: number;
  readonly from?: TokenLocation | readonly TokenLocation[];
  readonly identity?: IdentityMappingOptions;
  /** The verified-token cache. Default 10,000 tokens. `false` verifies every request. */
  readonly cache?: { readonly maxEntries?: number } | false;
  /** The `realm` of the `WWW-Authenticate` challenge. */
  readonly realm?: string;
}

const JWT_KEYS = [
  ...COMMON_GUARD_KEYS, 'optional', 'algorithms', 'secret', 'publicKeys', 'jwks', 'jwksUri', 'issuer', 'audience',
  'clockToleranceSeconds', 'requiredClaims', 'maxTokenAgeSeconds', 'type', 'criticalHeaders', 'maxTokenLength', 'from',
  'identity', 'cache', 'realm',
] as const;
const KEY_SOURCES = ['secret', 'publicKeys', 'jwks', 'jwksUri'] as const;
const REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const encoder = new TextEncoder();

export type KeySource =
  | { readonly kind: 'static'; readonly materials: readonly (PublicKeyMaterial | SecretMaterial)[] }
  | { readonly kind: 'remote'; readonly settings: RemoteJwksSettings };

export interface CompiledJwtOptions {
  readonly common: CommonGuardOptions;
  readonly optional: boolean;
  readonly algorithms: readonly JwtAlgorithm[];
  readonly keySource: KeySource;
  readonly issuer: string | string[] | undefined;
  readonly audience: string | string[] | undefined;
  readonly clockToleranceSeconds: number;
  readonly requiredClaims: readonly string[];
  readonly maxTokenAgeSeconds: number | undefined;
  readonly type: string | undefined;
  readonly criticalHeaders: readonly string[];
  readonly maxTokenLength: number;
  readonly locations: readonly CompiledLocation[];
  readonly mapping: CompiledIdentityMapping;
  readonly cacheEntries: number;
  readonly realm: string | undefined;
}

function readStringOrList(value: unknown, path: PolicyPath, what: string): string | string[] | undefined {
  if (value === false) return undefined;
  if (value === undefined) throw new PolicyError(path, `is required: the expected ${what}, or false to skip the check`);
  if (typeof value === 'string') return readString(value, path);
  return readStringArray(value, path, { nonEmpty: true });
}

function secretBytes(value: unknown, path: PolicyPath, algorithms: readonly JwtAlgorithm[]): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === 'string') bytes = encoder.encode(value);
  else if (value instanceof Uint8Array) bytes = value;
  else throw new PolicyError(path, `expected a string or Uint8Array secret, got ${describeValue(value)}`);
  const needed = Math.max(...algorithms.map(minimumSecretBytes));
  if (bytes.byteLength < needed) throw new PolicyError(path, `expected a secret of at least ${needed} bytes for ${algorithms.join(', ')}`);
  return bytes;
}

function readSecrets(value: unknown, path: PolicyPath, algorithms: readonly JwtAlgorithm[]): SecretMaterial[] {
  if (typeof value === 'string' || value instanceof Uint8Array) {
    return [{ kid: undefined, secret: secretBytes(value, path, algorithms), algorithms, fingerprint: `secret|${path}` }];
  }
  const kids = new Set<string>();
  return readArray(value, path, { nonEmpty: true }).map((entry, i) => {
    const entryPath = childPath(path, i);
    const o = readObject(entry, entryPath, ['kid', 'secret']);
    const kid = readString(o['kid'], childPath(entryPath, 'kid'));
    if (kids.has(kid)) throw new PolicyError(childPath(entryPath, 'kid'), `repeats the kid ${JSON.stringify(kid)}`);
    kids.add(kid);
    return { kid, secret: secretBytes(o['secret'], childPath(entryPath, 'secret'), algorithms), algorithms, fingerprint: `secret|${kid}` };
  });
}

function readPublicKeys(value: unknown, path: PolicyPath, algorithms: readonly JwtAlgorithm[], fromJwks: boolean): PublicKeyMaterial[] {
  return readArray(value, path, { nonEmpty: true }).map((entry, i) => {
    const entryPath = childPath(path, i);
    let source: { pem: string } | { jwk: Record<string, unknown> };
    let kid: string | undefined;
    let alg: string | undefined;
    if (fromJwks) {
      if (!isPlainObject(entry)) throw new PolicyError(entryPath, `expected a JWK, got ${describeValue(entry)}`);
      source = { jwk: entry };
      kid = entry['kid'] === undefined ? undefined : readString(entry['kid'], childPath(entryPath, 'kid'));
      alg = entry['alg'] === undefined ? undefined : readString(entry['alg'], childPath(entryPath, 'alg'));
    } else {
      const o = readObject(entry, entryPath, ['pem', 'jwk', 'kid', 'alg']);
      if ((o['pem'] === undefined) === (o['jwk'] === undefined)) throw new PolicyError(entryPath, 'expected exactly one of `pem` or `jwk`');
      if (o['pem'] !== undefined) source = { pem: readString(o['pem'], childPath(entryPath, 'pem')) };
      else {
        if (!isPlainObject(o['jwk'])) throw new PolicyError(childPath(entryPath, 'jwk'), `expected a JWK, got ${describeValue(o['jwk'])}`);
        source = { jwk: o['jwk'] };
      }
      const jwk = 'jwk' in source ? source.jwk : undefined;
      kid = readOptionalString(o['kid'], childPath(entryPath, 'kid')) ?? (typeof jwk?.['kid'] === 'string' ? jwk['kid'] : undefined);
      alg = readOptionalString(o['alg'], childPath(entryPath, 'alg')) ?? (typeof jwk?.['alg'] === 'string' ? jwk['alg'] : undefined);
    }
    const material = describePublicKey(source, kid, alg, algorithms);
    if (typeof material === 'string') throw new PolicyError(entryPath, material);
    return material;
  });
}

function readJwksUri(value: unknown, path: PolicyPath): RemoteJwksSettings {
  const o = typeof value === 'string' ? { url: value } : readObject(value, path, ['url', 'cacheMaxAgeMs', 'cooldownMs', 'timeoutMs', 'maxStaleMs']);
  const urlPath = typeof value === 'string' ? path : childPath(path, 'url');
  let url: URL;
  try {
    url = new URL(readString(o['url'], urlPath));
  } catch (error) {
    if (error instanceof PolicyError) throw error;
    throw new PolicyError(urlPath, 'expected an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new PolicyError(urlPath, 'expected an https URL (plain http only on a loopback host)');
  }
  const ms = (key: string, fallback: number, min: number, max: number): number =>
    o[key] === undefined ? fallback : readInteger(o[key], childPath(path, key), { min, max });
  return {
    url,
    cacheMaxAgeMs: ms('cacheMaxAgeMs', 600_000, 1_000, 86_400_000),
    cooldownMs: ms('cooldownMs', 30_000, 0, 3_600_000),
    timeoutMs: ms('timeoutMs', 5_000, 100, 60_000),
    maxStaleMs: ms('maxStaleMs', 86_400_000, 0, 7 * 86_400_000),
  };
}

export function readJwtOptions(value: unknown, path: PolicyPath): CompiledJwtOptions {
  const o = readObject(value, path, JWT_KEYS);
  const common = readCommonGuardOptions(o, path, { id: 'jwt', onError: 'deny' });
  const algPath = childPath(path, 'algorithms');
  if (o['algorithms'] === undefined) throw new PolicyError(algPath, `is required: list the accepted algorithms (${JWT_ALGORITHMS.join(', ')})`);
  const algorithms = readStringArray(o['algorithms'], algPath, { nonEmpty: true }).map((alg, i) => {
    if (!isJwtAlgorithm(alg)) throw new PolicyError(childPath(algPath, i), `expected one of ${JWT_ALGORITHMS.join(', ')}, got ${JSON.stringify(alg)}`);
    return alg;
  });
  const sources = KEY_SOURCES.filter((k) => o[k] !== undefined);
  if (sources.length !== 1) throw new PolicyError(path, `expected exactly one key source (${KEY_SOURCES.join(', ')}), got ${sources.length === 0 ? 'none' : sources.join(' and ')}`);
  const source = sources[0] as (typeof KEY_SOURCES)[number];
  // One key kind per guard: a shared secret never meets an asymmetric algorithm, which rules out
  // the classic confusion of an HS256 token "signed" with the RSA public key.
  const symmetric = algorithms.filter(isSymmetric);
  if (source === 'secret' && symmetric.length !== algorithms.length) {
    throw new PolicyError(algPath, `a shared secret verifies only HS* algorithms; ${algorithms.filter((a) => !isSymmetric(a)).join(', ')} need public keys`);
  }
  if (source !== 'secret' && symmetric.length > 0) {
    throw new PolicyError(algPath, `${symmetric.join(', ')} need a shared \`secret\`, not ${source}`);
  }
  let keySource: KeySource;
  if (source === 'secret') keySource = { kind: 'static', materials: readSecrets(o['secret'], childPath(path, 'secret'), algorithms) };
  else if (source === 'publicKeys') keySource = { kind: 'static', materials: readPublicKeys(o['publicKeys'], childPath(path, 'publicKeys'), algorithms, false) };
  else if (source === 'jwks') {
    const jwksPath = childPath(path, 'jwks');
    const j = readObject(o['jwks'], jwksPath, ['keys']);
    keySource = { kind: 'static', materials: readPublicKeys(j['keys'], childPath(jwksPath, 'keys'), algorithms, true) };
  } else keySource = { kind: 'remote', settings: readJwksUri(o['jwksUri'], childPath(path, 'jwksUri')) };

  const requiredClaims = o['requiredClaims'] === undefined ? ['exp'] : readStringArray(o['requiredClaims'], childPath(path, 'requiredClaims'));
  const criticalHeaders = o['criticalHeaders'] === undefined ? [] : readStringArray(o['criticalHeaders'], childPath(path, 'criticalHeaders'));
  criticalHeaders.forEach((name, i) => {
    if (['alg', 'kid', 'typ', 'cty', 'crit', 'jku', 'jwk', 'x5u', 'x5c', 'x5t', 'x5t#S256'].includes(name)) {
      throw new PolicyError(childPath(childPath(path, 'criticalHeaders'), i), `${JSON.stringify(name)} is a registered header parameter, never a critical extension`);
    }
  });
  const realm = readOptionalString(o['realm'], childPath(path, 'realm'));
  if (realm !== undefined && !REALM.test(realm)) throw new PolicyError(childPath(path, 'realm'), 'expected printable ASCII without quotes or backslashes (at most 128 characters)');
  let cacheEntries = 10_000;
  if (o['cache'] === false) cacheEntries = 0;
  else if (o['cache'] !== undefined) {
    const c = readObject(o['cache'], childPath(path, 'cache'), ['maxEntries']);
    if (c['maxEntries'] !== undefined) cacheEntries = readInteger(c['maxEntries'], childPath(childPath(path, 'cache'), 'maxEntries'), { min: 1, max: 10_000_000 });
  }
  return {
    common,
    optional: readBoolean(o['optional'], childPath(path, 'optional'), false),
    algorithms,
    keySource,
    issuer: readStringOrList(o['issuer'], childPath(path, 'issuer'), 'issuer (iss)'),
    audience: readStringOrList(o['audience'], childPath(path, 'audience'), 'audience (aud)'),
    clockToleranceSeconds: o['clockToleranceSeconds'] === undefined ? 30 : readInteger(o['clockToleranceSeconds'], childPath(path, 'clockToleranceSeconds'), { min: 0, max: 600 }),
    requiredClaims,
    maxTokenAgeSeconds: o['maxTokenAgeSeconds'] === undefined ? undefined : readInteger(o['maxTokenAgeSeconds'], childPath(path, 'maxTokenAgeSeconds'), { min: 1, max: 10 * 365 * 86_400 }),
    type: readOptionalString(o['type'], childPath(path, 'type')),
    criticalHeaders,
    maxTokenLength: o['maxTokenLength'] === undefined ? 8_192 : readInteger(o['maxTokenLength'], childPath(path, 'maxTokenLength'), { min: 16, max: 65_536 }),
    locations: readTokenLocations(o['from'], childPath(path, 'from')),
    mapping: compileIdentityMapping(o['identity'], childPath(path, 'identity')),
    cacheEntries,
    realm,
  };
}
