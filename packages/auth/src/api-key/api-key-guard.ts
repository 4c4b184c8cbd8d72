import {
  ALLOW,
  COMMON_GUARD_KEYS,
  PolicyError,
  childPath,
  defineGuard,
  readArray,
  readBoolean,
  readCommonGuardOptions,
  readFunction,
  readInteger,
  readObject,
  readString,
  type DenyOutcome,
  type FailureMode,
  type Guard,
  type GuardDefinition,
  type GuardOutcome,
  type Mode,
  type PolicyPath,
} from '@portcullis/core';
import { authDeny } from '../codes.js';
import { constantTimeEqual, sha256 } from '../hash.js';
import { readKeyHash } from './key-hash.js';
import { compileKeyEntry, type ApiKeyEntry, type ApiKeyRecord, type CompiledKeyRecord } from './key-record.js';
import { cachedSource, listSource, storeFetch, type KeyCacheSettings, type KeySource } from './key-source.js';
import { readApiKey, type ApiKeyLocations } from './read-api-key.js';

export interface ApiKeyCacheOptions {
  /** Default 10,000. 0 disables caching. */
  readonly maxEntries?: number;
  /** How long a found record is reused, in ms. Default 60,000. */
  readonly ttlMs?: number;
  /** How long an unknown key is remembered, in ms. Default 5,000. */
  readonly negativeTtlMs?: number;
}

export interface ApiKeyOptions {
  /** Default `api-key`. */
  readonly id?: string;
  readonly mode?: Mode;
  /** What a failing lookup or Store leads to. Default `deny` (503 `guard_unavailable`). */
  readonly onError?: FailureMode;
  readonly timeoutMs?: number;
  /** When true, a request without a key passes without identity (a bad key is still refused). */
  readonly optional?: boolean;
  /** Header carrying the key. Default `x-api-key`. */
  readonly header?: string;
  /** Query parameter carrying the key. Off unless set: URLs end up in logs and browser history. */
  readonly query?: string;
  /** The keys, as hashes (`hashApiKey(key)`). Exactly one of `keys`, `lookup` and `store`. */
  readonly keys?: readonly ApiKeyEntry[];
  /** Finds a key's record by its hash (`sha256:<base64url>`); cached. */
  readonly lookup?: (hash: string) => ApiKeyRecord | undefined | Promise<ApiKeyRecord | undefined>;
  /** Records kept as JSON in the policy Store under `prefix + hash`; cached. */
  readonly store?: { readonly prefix: string };
  /** Cache of `lookup` and `store` results. */
  readonly cache?: ApiKeyCacheOptions;
  /** Hashes refused whatever the key source says. */
  readonly revoked?: readonly string[];
  /** Longest key accepted, in characters. Default 256. */
  readonly maxLength?: number;
}

const KEYS = ['optional', 'header', 'query', 'keys', 'lookup', 'store', 'cache', 'revoked', 'maxLength', ...COMMON_GUARD_KEYS] as const;
const SOURCES = ['keys', 'lookup', 'store'] as const;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const DEFAULT_CACHE: KeyCacheSettings = { maxEntries: 10_000, ttlMs: 60_000, negativeTtlMs: 5_000 };
const DAY_MS = 86_400_000;

/**
 * API keys have no standard challenge; this one names the scheme and a realm so a 401 always
 * carries WWW-Authenticate (RFC 9110 §11.6.1). Documented in docs/auth/api-keys.md.
 */
const CHALLENGE: ReadonlyArray<readonly [string, string]> = Object.freeze([Object.freeze(['www-authenticate', 'ApiKey realm="api"'] as const)]);

type InvalidReason = 'unknown' | 'revoked' | 'expired' | 'malformed';

const MISSING = authDeny('credentials_missing', CHALLENGE, 'missing');
const AMBIGUOUS = authDeny('credentials_ambiguous', undefined, 'ambiguous');
const INVALID: Readonly<Record<InvalidReason, DenyOutcome>> = Object.freeze({
  unknown: authDeny('api_key_invalid', CHALLENGE, 'unknown'),
  revoked: authDeny('api_key_invalid', CHALLENGE, 'revoked'),
  expired: authDeny('api_key_invalid', CHALLENGE, 'expired'),
  malformed: authDeny('api_key_invalid', CHALLENGE, 'malformed'),
});

function readLocations(o: Record<string, unknown>, path: PolicyPath): ApiKeyLocations {
  let header = 'x-api-key';
  if (o['header'] !== undefined) {
    header = readString(o['header'], childPath(path, 'header')).toLowerCase();
    if (!HEADER_NAME.test(header)) throw new PolicyError(childPath(path, 'header'), 'expected a header name');
  }
  const query = o['query'] === undefined ? undefined : readString(o['query'], childPath(path, 'query'));
  return { header, query };
}

function readCacheSettings(value: unknown, path: PolicyPath): KeyCacheSettings {
  if (value === undefined) return DEFAULT_CACHE;
  const c = readObject(value, path, ['maxEntries', 'ttlMs', 'negativeTtlMs']);
  return {
    maxEntries: c['maxEntries'] === undefined ? DEFAULT_CACHE.maxEntries : readInteger(c['maxEntries'], childPath(path, 'maxEntries'), { min: 0, max: 1_000_000 }),
    ttlMs: c['ttlMs'] === undefined ? DEFAULT_CACHE.ttlMs : readInteger(c['ttlMs'], childPath(path, 'ttlMs'), { min: 0, max: DAY_MS }),
    negativeTtlMs: c['negativeTtlMs'] === undefined ? DEFAULT_CACHE.negativeTtlMs : readInteger(c['negativeTtlMs'], childPath(path, 'negativeTtlMs'), { min: 0, max: DAY_MS }),
  };
}

function readKeyList(value: unknown, path: PolicyPath): ReadonlyMap<string, CompiledKeyRecord> {
  const records = new Map<string, CompiledKeyRecord>();
  const where = new Map<string, number>();
  readArray(value, path, { nonEmpty: true }).forEach((entry, index) => {
    const entryPath = childPath(path, index);
    const { canonical, record } = compileKeyEntry(entry, entryPath);
    const first = where.get(canonical);
    if (first !== undefined) throw new PolicyError(childPath(entryPath, 'hash'), `the same key hash is already listed at ${childPath(path, first)}`);
    where.set(canonical, index);
    records.set(canonical, record);
  });
  return records;
}

function readSource(o: Record<string, unknown>, path: PolicyPath): KeySource {
  const given = SOURCES.filter((name) => o[name] !== undefined);
  if (given.length === 0) throw new PolicyError(path, 'expected exactly one key source: `keys`, `lookup` or `store`');
  if (given.length > 1) throw new PolicyError(childPath(path, given[1] as string), `only one key source is allowed, and \`${given[0] as string}\` is already set`);
  const source = given[0] as (typeof SOURCES)[number];
  if (source === 'keys') {
    if (o['cache'] !== undefined) throw new PolicyError(childPath(path, 'cache'), 'only applies to `lookup` and `store` (listed keys need no cache)');
    return listSource(readKeyList(o['keys'], childPath(path, 'keys')));
  }
  const cache = readCacheSettings(o['cache'], childPath(path, 'cache'));
  if (source === 'lookup') {
    const lookup = readFunction<(hash: string) => unknown>(o['lookup'], childPath(path, 'lookup'));
    return cachedSource((hash) => lookup(hash), cache);
  }
  const s = readObject(o['store'], childPath(path, 'store'), ['prefix']);
  return cachedSource(storeFetch(readString(s['prefix'], childPath(childPath(path, 'store'), 'prefix'))), cache);
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/**
 * The verdict on the record found for the presented key's digest.
 *
 * Finding the record by hash in a Map (or a database index) leaks nothing useful through timing:
 * the attacker chooses the key, not its SHA-256, so they cannot steer the comparison towards a
 * stored hash byte by byte. The digest comparison below is defence in depth, for a source that
 * returns a record for a hash it only approximately matched (e.g. a case-insensitive index).
 */
function verdict(record: CompiledKeyRecord | undefined, digest: Buffer, now: number): GuardOutcome {
  if (record === undefined) return INVALID.unknown;
  if (record.digest !== undefined && !constantTimeEqual(record.digest, digest)) return INVALID.unknown;
  if (record.revoked) return INVALID.revoked;
  if (record.expiresAt !== undefined && now >= record.expiresAt) return INVALID.expired;
  return { outcome: 'allow', identity: record.identity };
}

/**
 * An API key in a header (or, when opted in, a query parameter), checked by its SHA-256 hash
 * against keys listed in the policy, a lookup function, or records in the policy Store.
 */
export function apiKey(options: ApiKeyOptions): GuardDefinition {
  return defineGuard('api-key', ({ path }) => {
    const o = readObject(options, path, KEYS);
    const common = readCommonGuardOptions(o, path, { id: 'api-key', onError: 'deny' });
    const optional = readBoolean(o['optional'], childPath(path, 'optional'), false);
    const locations = readLocations(o, path);
    const maxLength = o['maxLength'] === undefined ? 256 : readInteger(o['maxLength'], childPath(path, 'maxLength'), { min: 16, max: 4096 });
    const revoked = new Set(
      o['revoked'] === undefined ? [] : readArray(o['revoked'], childPath(path, 'revoked')).map((hash, i) => readKeyHash(hash, childPath(childPath(path, 'revoked'), i)).canonical),
    );
    const source = readSource(o, path);

    return Object.freeze<Guard>({
      ...common,
      kind: 'api-key',
      phase: 'identity' as const,
      evaluate(request, context) {
        const read = readApiKey(request, locations, maxLength);
        if (read.kind === 'none') return optional || context.identity !== undefined ? ALLOW : MISSING;
        if (read.kind === 'ambiguous') return AMBIGUOUS;
        if (read.kind === 'malformed') return INVALID.malformed;
        const digest = sha256(read.key);
        const hash = `sha256:${digest.toString('base64url')}`;
        if (revoked.has(hash)) return INVALID.revoked;
        const found = source.find(hash, context);
        if (isPromise(found)) return found.then((record) => verdict(record, digest, context.now()));
        return verdict(found, digest, context.now());
      },
    });
  });
}
