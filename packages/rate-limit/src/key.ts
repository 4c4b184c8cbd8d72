import {
  PolicyError,
  childPath,
  describeValue,
  formatIp,
  isIpv4Mapped,
  isPlainObject,
  maskBytes,
  parseIp,
  readObject,
  readString,
  type FirewallRequest,
  type GuardContext,
  type PolicyPath,
} from '@portcullis/core';
import { createHash } from 'node:crypto';

/** What a rate-limit key is made of. An array of parts is a composite key. */
export type KeyPart =
  | 'ip'
  | 'subject'
  | 'clientId'
  | 'apiKey'
  | 'route'
  | 'operation'
  | { readonly header: string }
  | ((request: FirewallRequest, context: GuardContext) => string | undefined);

export type KeyResolver = (request: FirewallRequest, context: GuardContext) => string | undefined;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** Keys are bounded: a longer one (a long header value, a long composite) is replaced by its SHA-256. */
const MAX_KEY_LENGTH = 200;
const MAX_HEADER_VALUE = 1_024;

/** The client address, IPv6 grouped by its /`prefix` so that rotating within one allocation does not evade a limit. */
function ipKey(prefix: number): KeyResolver {
  return (request) => {
    const text = request.clientIp;
    if (text === undefined) return undefined;
    // Core hands over a canonical address: IPv4 needs no grouping, hence no parsing.
    if (!text.includes(':')) return text;
    const bytes = parseIp(text);
    if (bytes === undefined) return undefined;
    if (isIpv4Mapped(bytes) || prefix === 128) return formatIp(bytes);
    return `${formatIp(maskBytes(bytes, prefix))}/${prefix}`;
  };
}

const PARTS: Readonly<Record<string, (prefix: number) => KeyResolver>> = {
  ip: ipKey,
  subject: () => (_request, context) => context.identity?.subject,
  clientId: () => (_request, context) => context.identity?.clientId,
  // An API key's identity: its key id when the guard names one, else its owner.
  apiKey: () => (_request, context) => {
    const identity = context.identity;
    if (identity?.method !== 'api-key') return undefined;
    const keyId = identity.claims['keyId'];
    return typeof keyId === 'string' ? keyId : identity.clientId;
  },
  route: () => (_request, context) => context.route?.id,
  // The API operation: method and route (the unmatched path's requests share one bucket).
  operation: () => (request, context) => `${request.method} ${context.route?.id ?? '(unmatched)'}`,
};

export interface CompiledKey {
  readonly resolve: KeyResolver;
  /** Header parts: client-controlled values that anyone can vary to get a fresh bucket. */
  readonly spoofableHeaders: readonly string[];
}

function readPart(value: unknown, path: PolicyPath, ipv6Prefix: number): { resolve: KeyResolver; header?: string } {
  if (typeof value === 'string') {
    const make = PARTS[value];
    if (make === undefined) throw new PolicyError(path, `expected one of ${Object.keys(PARTS).join(', ')}, { header }, or a function, got ${describeValue(value)}`);
    return { resolve: make(ipv6Prefix) };
  }
  if (typeof value === 'function') {
    const fn = value as KeyResolver;
    return {
      resolve: (request, context) => {
        const key = fn(request, context);
        return typeof key === 'string' && key !== '' ? key : undefined;
      },
    };
  }
  if (isPlainObject(value)) {
    const o = readObject(value, path, ['header']);
    const name = readString(o['header'], childPath(path, 'header')).toLowerCase();
    if (!HEADER_NAME.test(name)) throw new PolicyError(childPath(path, 'header'), 'expected a header name');
    return {
      header: name,
      resolve: (request) => {
        const v = request.headers.get(name);
        return v === undefined || v === '' || v.length > MAX_HEADER_VALUE ? undefined : v;
      },
    };
  }
  throw new PolicyError(path, `expected a key part ('ip', 'subject', 'clientId', 'apiKey', 'route', 'operation', { header }, a function), got ${describeValue(value)}`);
}

/** A lone surrogate cannot be encoded as UTF-8 (stores would merge or refuse such keys). */
const LONE_SURROGATE = /\p{Cs}/u;

function bounded(key: string): string {
  const wellFormed = LONE_SURROGATE.test(key) ? key.replace(/\p{Cs}/gu, '\uFFFD') : key;
  return wellFormed.length <= MAX_KEY_LENGTH ? wellFormed : `sha256:${createHash('sha256').update(wellFormed).digest('base64url')}`;
}

export function compileKey(value: unknown, path: PolicyPath, ipv6Prefix: number): CompiledKey {
  const raw = value === undefined ? ['ip'] : Array.isArray(value) ? value : [value];
  if (raw.length === 0) throw new PolicyError(path, 'expected at least one key part');
  const parts = raw.map((part, i) => readPart(part, Array.isArray(value) ? childPath(path, i) : path, ipv6Prefix));
  const spoofableHeaders = parts.flatMap((p) => (p.header === undefined ? [] : [p.header]));
  if (parts.length === 1) {
    const only = (parts[0] as { resolve: KeyResolver }).resolve;
    return { spoofableHeaders, resolve: (request, context) => {
      const key = only(request, context);
      return key === undefined ? undefined : bounded(key);
    } };
  }
  const resolvers = parts.map((p) => p.resolve);
  return {
    spoofableHeaders,
    resolve: (request, context) => {
      const values: string[] = [];
      for (const resolve of resolvers) {
        const part = resolve(request, context);
        if (part === undefined) return undefined;
        // Encoded so that no two different tuples join into one key.
        values.push(encodeURIComponent(part));
      }
      return bounded(values.join('|'));
    },
  };
}
