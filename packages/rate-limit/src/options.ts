import {
  CidrList,
  COMMON_GUARD_KEYS,
  PolicyError,
  childPath,
  describeValue,
  parseCidr,
  readArray,
  readBoolean,
  readCommonGuardOptions,
  readEnum,
  readInteger,
  readNumber,
  readObject,
  readOptionalString,
  readString,
  readStringArray,
  type CommonGuardOptions,
  type FirewallRequest,
  type GuardContext,
  type PolicyPath,
  type Store,
} from '@portcullis/core';
import { compileKey, type CompiledKey, type KeyPart } from './key.js';

export interface WindowLimit {
  /** Points (requests, at cost 1) allowed per window. */
  readonly points: number;
  readonly windowSeconds: number;
  /** The policy name in the RateLimit headers. Default `w<windowSeconds>`. */
  readonly name?: string;
}

export interface CalendarQuota {
  readonly points: number;
  /** A UTC calendar day or month. */
  readonly period: 'day' | 'month';
  readonly name?: string;
}

export interface PenaltyOptions {
  /** How long a key is blocked after it exceeds a limit. */
  readonly blockSeconds: number;
  /** Each repeat within `strikeWindowSeconds` multiplies the block by this. Default 2. */
  readonly escalation?: number;
  /** Default 86,400 (a day). */
  readonly maxBlockSeconds?: number;
  /** How long a strike is remembered. Default 86,400. */
  readonly strikeWindowSeconds?: number;
}

export interface RateLimitOptions {
  readonly id?: string;
  readonly mode?: 'enforce' | 'monitor';
  /** What a store failure does: `allow` (default: the in-memory insurance limiter answers) or `deny` (503). */
  readonly onError?: 'deny' | 'allow';
  readonly timeoutMs?: number;
  /** Default `ip`. An array is a composite key. */
  readonly key?: KeyPart | readonly KeyPart[];
  /** IPv6 clients are grouped by this prefix. Default 64. */
  readonly ipv6Prefix?: number;
  /** A request whose key cannot be resolved: one `shared` bucket (default) or `deny` (403). */
  readonly unresolved?: 'shared' | 'deny';
  /** Windows evaluated together, e.g. a burst and a sustained window. */
  readonly limits: readonly WindowLimit[];
  /** Points per request: a number, or a function of the request (e.g. GraphQL cost). Default 1. */
  readonly cost?: number | ((request: FirewallRequest, context: GuardContext) => number);
  readonly quota?: CalendarQuota;
  readonly penalty?: PenaltyOptions;
  /** Clients that bypass the limit. */
  readonly allow?: { readonly ips?: readonly string[]; readonly subjects?: readonly string[]; readonly clientIds?: readonly string[] };
  /** IETF RateLimit / RateLimit-Policy headers (draft-ietf-httpapi-ratelimit-headers-10), or `false`. */
  readonly headers?: 'draft-10' | false;
  /** Default: the policy's store. */
  readonly store?: Store;
  /**
   * Bound on one store operation. Default: the store's own bound when it has one
   * (`@portcullis/redis`'s `commandTimeoutMs`), else 250 ms.
   */
  readonly storeTimeoutMs?: number;
  /** After a store failure, the insurance limiter answers for this long before the store is tried again. Default 1,000 ms. */
  readonly storeRetryMs?: number;
  /** Refuse a key over its limit locally until its window ends (no store round trip). Default true. */
  readonly localDenyCache?: boolean;
  /** Store key prefix. Default `rl:<id>:`. */
  readonly prefix?: string;
  /**
   * When the guard runs. `rate-limit` (default): before the body is read. `body`: after the body
   * guards listed before it on the same route, so that `cost` can read what they annotated (e.g.
   * `graphql.cost` from @portcullis/graphql).
   */
  readonly phase?: 'rate-limit' | 'body';
}

const KEYS = [
  ...COMMON_GUARD_KEYS, 'key', 'ipv6Prefix', 'unresolved', 'limits', 'cost', 'quota', 'penalty', 'allow', 'headers', 'store',
  'storeTimeoutMs', 'storeRetryMs', 'localDenyCache', 'prefix', 'phase',
] as const;
const POLICY_NAME = /^[A-Za-z0-9_.-]{1,32}$/;
const MAX_WINDOW_SECONDS = 31 * 86_400;
const MAX_POINTS = 1_000_000_000;

export interface CompiledWindow {
  readonly name: string;
  readonly points: number;
  readonly windowSeconds: number;
}

export interface CompiledRateLimit {
  readonly common: CommonGuardOptions;
  readonly key: CompiledKey;
  readonly unresolved: 'shared' | 'deny';
  readonly windows: readonly CompiledWindow[];
  readonly cost: number | ((request: FirewallRequest, context: GuardContext) => number);
  readonly quota: (CompiledWindow & { readonly period: 'day' | 'month' }) | undefined;
  readonly penalty: { readonly blockMs: number; readonly escalation: number; readonly maxBlockMs: number; readonly strikeWindowMs: number } | undefined;
  readonly allowIps: CidrList | undefined;
  readonly allowSubjects: ReadonlySet<string>;
  readonly allowClientIds: ReadonlySet<string>;
  readonly headers: boolean;
  readonly store: Store | undefined;
  /** Undefined: the store's own command timeout when it has one, else 250 ms. */
  readonly storeTimeoutMs: number | undefined;
  readonly storeRetryMs: number;
  readonly localDenyCache: boolean;
  readonly prefix: string;
  /** Limits of zero points (allowed, but they refuse everything: reported). */
  readonly zeroLimits: readonly string[];
  readonly phase: 'rate-limit' | 'body';
}

/** Store key segments the penalty uses for itself. */
const RESERVED_NAMES = new Set(['ban', 'strikes']);

function readName(value: unknown, path: PolicyPath, fallback: string): string {
  const name = readOptionalString(value, path) ?? fallback;
  if (!POLICY_NAME.test(name)) throw new PolicyError(path, 'expected 1–32 characters of [A-Za-z0-9_.-] (it is sent in the RateLimit headers)');
  if (RESERVED_NAMES.has(name)) throw new PolicyError(path, `"${name}" is reserved for the penalty's own counters; choose another name`);
  return name;
}

function readStore(value: unknown, path: PolicyPath): Store | undefined {
  if (value === undefined) return undefined;
  const s = value as Store;
  if (typeof value !== 'object' || value === null || typeof s.increment !== 'function' || typeof s.get !== 'function' || typeof s.set !== 'function') {
    throw new PolicyError(path, 'expected a Store (increment, setIfAbsent, get, set, delete)');
  }
  return s;
}

export function readRateLimitOptions(value: unknown, path: PolicyPath): CompiledRateLimit {
  const o = readObject(value, path, KEYS);
  const common = readCommonGuardOptions(o, path, { id: 'rate-limit', onError: 'allow' });
  const ipv6Prefix = o['ipv6Prefix'] === undefined ? 64 : readInteger(o['ipv6Prefix'], childPath(path, 'ipv6Prefix'), { min: 16, max: 128 });
  const limitsPath = childPath(path, 'limits');
  if (o['limits'] === undefined) throw new PolicyError(limitsPath, 'is required: at least one { points, windowSeconds }');
  const zeroLimits: string[] = [];
  const names = new Set<string>();
  const windows = readArray(o['limits'], limitsPath, { nonEmpty: true }).map((entry, i) => {
    const p = childPath(limitsPath, i);
    const w = readObject(entry, p, ['points', 'windowSeconds', 'name']);
    const points = readInteger(w['points'], childPath(p, 'points'), { min: 0, max: MAX_POINTS });
    const windowSeconds = readInteger(w['windowSeconds'], childPath(p, 'windowSeconds'), { min: 1, max: MAX_WINDOW_SECONDS });
    const name = readName(w['name'], childPath(p, 'name'), `w${windowSeconds}`);
    if (names.has(name)) throw new PolicyError(childPath(p, 'name'), `repeats the limit name "${name}" (give one a \`name\`)`);
    names.add(name);
    if (points === 0) zeroLimits.push(childPath(p, 'points'));
    return { name, points, windowSeconds };
  });
  let quota: CompiledRateLimit['quota'];
  if (o['quota'] !== undefined) {
    const p = childPath(path, 'quota');
    const q = readObject(o['quota'], p, ['points', 'period', 'name']);
    const period = readEnum<'day' | 'month'>(q['period'], childPath(p, 'period'), ['day', 'month']);
    const points = readInteger(q['points'], childPath(p, 'points'), { min: 0, max: MAX_POINTS });
    const name = readName(q['name'], childPath(p, 'name'), period);
    if (names.has(name)) throw new PolicyError(childPath(p, 'name'), `repeats the limit name "${name}"`);
    if (points === 0) zeroLimits.push(childPath(p, 'points'));
    quota = { name, points, period, windowSeconds: period === 'day' ? 86_400 : 2_592_000 };
  }
  let penalty: CompiledRateLimit['penalty'];
  if (o['penalty'] !== undefined) {
    const p = childPath(path, 'penalty');
    const pe = readObject(o['penalty'], p, ['blockSeconds', 'escalation', 'maxBlockSeconds', 'strikeWindowSeconds']);
    const blockSeconds = readInteger(pe['blockSeconds'], childPath(p, 'blockSeconds'), { min: 1, max: MAX_WINDOW_SECONDS });
    const maxBlockSeconds = pe['maxBlockSeconds'] === undefined ? Math.max(86_400, blockSeconds) : readInteger(pe['maxBlockSeconds'], childPath(p, 'maxBlockSeconds'), { min: blockSeconds, max: MAX_WINDOW_SECONDS });
    penalty = {
      blockMs: blockSeconds * 1000,
      escalation: pe['escalation'] === undefined ? 2 : readNumber(pe['escalation'], childPath(p, 'escalation'), 1, 100),
      maxBlockMs: maxBlockSeconds * 1000,
      strikeWindowMs: (pe['strikeWindowSeconds'] === undefined ? 86_400 : readInteger(pe['strikeWindowSeconds'], childPath(p, 'strikeWindowSeconds'), { min: 1, max: MAX_WINDOW_SECONDS })) * 1000,
    };
  }
  let cost: CompiledRateLimit['cost'] = 1;
  if (o['cost'] !== undefined) {
    if (typeof o['cost'] === 'function') cost = o['cost'] as CompiledRateLimit['cost'];
    else cost = readInteger(o['cost'], childPath(path, 'cost'), { min: 0, max: MAX_POINTS });
  }
  let allowIps: CidrList | undefined;
  let allowSubjects = new Set<string>();
  let allowClientIds = new Set<string>();
  if (o['allow'] !== undefined) {
    const p = childPath(path, 'allow');
    const a = readObject(o['allow'], p, ['ips', 'subjects', 'clientIds']);
    if (a['ips'] !== undefined) {
      allowIps = new CidrList(readStringArray(a['ips'], childPath(p, 'ips')).map((text, i) => {
        const cidr = parseCidr(text);
        if (cidr === undefined) throw new PolicyError(childPath(childPath(p, 'ips'), i), `expected an IPv4/IPv6 address or CIDR, got ${JSON.stringify(text)}`);
        return cidr;
      }));
    }
    if (a['subjects'] !== undefined) allowSubjects = new Set(readStringArray(a['subjects'], childPath(p, 'subjects')));
    if (a['clientIds'] !== undefined) allowClientIds = new Set(readStringArray(a['clientIds'], childPath(p, 'clientIds')));
  }
  const headersValue = o['headers'];
  if (headersValue !== undefined && headersValue !== false && headersValue !== 'draft-10') {
    throw new PolicyError(childPath(path, 'headers'), `expected 'draft-10' or false, got ${describeValue(headersValue)}`);
  }
  const prefix = o['prefix'] === undefined ? `rl:${common.id}:` : readString(o['prefix'], childPath(path, 'prefix'));
  return {
    common,
    key: compileKey(o['key'], childPath(path, 'key'), ipv6Prefix),
    unresolved: readEnum(o['unresolved'], childPath(path, 'unresolved'), ['shared', 'deny'], 'shared'),
    windows,
    cost,
    quota,
    penalty,
    allowIps,
    allowSubjects,
    allowClientIds,
    headers: headersValue !== false,
    store: readStore(o['store'], childPath(path, 'store')),
    storeTimeoutMs: o['storeTimeoutMs'] === undefined ? undefined : readInteger(o['storeTimeoutMs'], childPath(path, 'storeTimeoutMs'), { min: 1, max: 60_000 }),
    storeRetryMs: o['storeRetryMs'] === undefined ? 1_000 : readInteger(o['storeRetryMs'], childPath(path, 'storeRetryMs'), { min: 0, max: 600_000 }),
    localDenyCache: readBoolean(o['localDenyCache'], childPath(path, 'localDenyCache'), true),
    prefix,
    zeroLimits,
    phase: readEnum(o['phase'], childPath(path, 'phase'), ['rate-limit', 'body'], 'rate-limit'),
  };
}
