import type { Guard } from '../guard.js';
import { ALLOW } from '../guard.js';
import { countPairs } from '../request/query.js';
import { child, readObject, readOptionalInteger, type PolicyPath } from '../policy/reader.js';
import { coreDeny, readCommonGuardOptions } from './common.js';

/** Size limits on a request. Every limit has a default; a limit set to a bad value is an error. */
export interface RequestLimitsOptions {
  /** Longest request-target (path and query), in characters. Default 8,192. */
  readonly urlLength?: number;
  /** Most query parameters (pairs). Default 256. */
  readonly queryParams?: number;
  /** Most header fields. Default 100. */
  readonly headerCount?: number;
  /** Most bytes over all header names and values. Default 16,384. */
  readonly headerBytes?: number;
  /** Largest body, in bytes, checked on Content-Length and while streaming. Default 1 MiB. */
  readonly bodyBytes?: number;
  /** Deepest JSON nesting (the top-level value is depth 1). Default 64. */
  readonly jsonDepth?: number;
  /** Most JSON object keys in the whole document. Default 10,000. */
  readonly jsonKeys?: number;
  /** Longest JSON array. Default 10,000. */
  readonly jsonArrayLength?: number;
  /** Longest time to receive the body, in milliseconds. Default 30,000. */
  readonly bodyTimeoutMs?: number;
}

export interface ResolvedLimits {
  readonly urlLength: number;
  readonly queryParams: number;
  readonly headerCount: number;
  readonly headerBytes: number;
  readonly bodyBytes: number;
  readonly jsonDepth: number;
  readonly jsonKeys: number;
  readonly jsonArrayLength: number;
  readonly bodyTimeoutMs: number;
}

export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  urlLength: 8_192,
  queryParams: 256,
  headerCount: 100,
  headerBytes: 16_384,
  bodyBytes: 1_048_576,
  jsonDepth: 64,
  jsonKeys: 10_000,
  jsonArrayLength: 10_000,
  bodyTimeoutMs: 30_000,
});

const LIMIT_KEYS = Object.keys(DEFAULT_LIMITS) as (keyof ResolvedLimits)[];
const MAX: Record<keyof ResolvedLimits, number> = {
  urlLength: 1_048_576,
  queryParams: 100_000,
  headerCount: 10_000,
  headerBytes: 1_048_576,
  bodyBytes: 1_073_741_824,
  jsonDepth: 10_000,
  jsonKeys: 10_000_000,
  jsonArrayLength: 10_000_000,
  bodyTimeoutMs: 600_000,
};

/** Reads a (possibly partial) limits object over `base`; used for the policy and each route. */
export function readLimits(value: unknown, path: PolicyPath, base: ResolvedLimits, extraKeys: readonly string[] = []): ResolvedLimits {
  const o = readObject(value, path, [...LIMIT_KEYS, ...extraKeys]);
  const out: Record<string, number> = { ...base };
  for (const key of LIMIT_KEYS) {
    const read = readOptionalInteger(o[key], child(path, key), { min: 1, max: MAX[key] });
    if (read !== undefined) out[key] = read;
  }
  return out as unknown as ResolvedLimits;
}

/** The header-stage limits guard (the body-stage limits live in the body guard). */
export function compileRequestLimits(limits: ResolvedLimits, options: Record<string, unknown>, path: PolicyPath): Guard {
  const common = readCommonGuardOptions(options, path, { id: 'request-limits', onError: 'deny' });
  // Built once per route. Each carries its limit as an extension, which core renders only when the
  // policy sets `exposeDetails` (limits are not revealed unless asked).
  const URL_TOO_LONG = coreDeny('url_too_long', { extensions: { limit: limits.urlLength } });
  const TOO_MANY_PARAMS = coreDeny('too_many_query_params', { extensions: { limit: limits.queryParams } });
  const TOO_MANY_HEADERS = coreDeny('too_many_headers', { extensions: { limit: limits.headerCount } });
  const HEADER_TOO_LARGE = coreDeny('header_too_large', { extensions: { limit: limits.headerBytes } });
  const BODY_TOO_LARGE = coreDeny('body_too_large', { headers: [['connection', 'close']], extensions: { limit: limits.bodyBytes } });
  return Object.freeze<Guard>({
    ...common,
    kind: 'request-limits',
    phase: 'request' as const,
    evaluate(request) {
      if (request.target.length > limits.urlLength) return URL_TOO_LONG;
      if (request.rawQuery !== '' && countPairs(request.rawQuery) > limits.queryParams) return TOO_MANY_PARAMS;
      if (request.headers.count > limits.headerCount) return TOO_MANY_HEADERS;
      if (request.headers.totalBytes > limits.headerBytes) return HEADER_TOO_LARGE;
      const length = request.contentLength;
      if (length !== undefined && length > limits.bodyBytes) return BODY_TOO_LARGE;
      return ALLOW;
    },
  });
}

