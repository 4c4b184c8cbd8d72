import type { Guard, GuardOutcome, ResponseView } from '../guard.js';
import { PolicyError } from '../errors.js';
import { child, readBoolean, readInteger, readObject, readStringArray, type PolicyPath } from '../policy/reader.js';
import { COMMON_GUARD_KEYS, readCommonGuardOptions } from './common.js';

/**
 * Security response headers with defaults suited to an API (not an HTML site). Each can be changed
 * or turned off with `false`. The handler may still override any of them; `removeHeaders` are
 * stripped in the response phase, after the handler ran.
 */
export interface SecurityHeadersOptions {
  /** Default `default-src 'none'; frame-ancestors 'none'`. */
  readonly contentSecurityPolicy?: string | false;
  /** Default `{ maxAgeSeconds: 31536000, includeSubDomains: true }`. */
  readonly strictTransportSecurity?: { readonly maxAgeSeconds: number; readonly includeSubDomains?: boolean; readonly preload?: boolean } | false;
  /** Default `DENY`. */
  readonly frameOptions?: 'DENY' | 'SAMEORIGIN' | false;
  /** Default `no-referrer`. */
  readonly referrerPolicy?: string | false;
  /** Default `same-origin`. */
  readonly crossOriginOpenerPolicy?: string | false;
  /** Default `same-origin`. */
  readonly crossOriginResourcePolicy?: string | false;
  /** `X-Content-Type-Options: nosniff`. Default true. */
  readonly noSniff?: boolean;
  /** Headers removed from every response. Default `x-powered-by`. */
  readonly removeHeaders?: readonly string[];
  readonly id?: string;
  readonly mode?: 'enforce' | 'monitor';
}

const KEYS = ['contentSecurityPolicy', 'strictTransportSecurity', 'frameOptions', 'referrerPolicy', 'crossOriginOpenerPolicy', 'crossOriginResourcePolicy', 'noSniff', 'removeHeaders', ...COMMON_GUARD_KEYS];
const HEADER_VALUE = /^[\t\x20-\x7e]+$/;

function readHeaderValue(value: unknown, path: PolicyPath, fallback: string): string | undefined {
  if (value === undefined) return fallback;
  if (value === false) return undefined;
  if (typeof value !== 'string' || !HEADER_VALUE.test(value)) throw new PolicyError(path, 'expected a header value (visible ASCII) or false');
  return value;
}

export function compileSecurityHeaders(options: unknown, path: PolicyPath): Guard {
  const o = readObject(options, path, KEYS);
  const common = readCommonGuardOptions(o, path, { id: 'security-headers', onError: 'allow' });
  const headers: [string, string][] = [];
  const push = (name: string, value: string | undefined): void => {
    if (value !== undefined) headers.push([name, value]);
  };
  push('content-security-policy', readHeaderValue(o['contentSecurityPolicy'], child(path, 'contentSecurityPolicy'), "default-src 'none'; frame-ancestors 'none'"));
  const hsts = o['strictTransportSecurity'];
  if (hsts !== false) {
    const hstsPath = child(path, 'strictTransportSecurity');
    const h = hsts === undefined ? { maxAgeSeconds: 31_536_000, includeSubDomains: true } : readObject(hsts, hstsPath, ['maxAgeSeconds', 'includeSubDomains', 'preload']);
    const maxAge = readInteger(h['maxAgeSeconds'], child(hstsPath, 'maxAgeSeconds'), { min: 0, max: 315_360_000 });
    let value = `max-age=${maxAge}`;
    if (readBoolean(h['includeSubDomains'], child(hstsPath, 'includeSubDomains'), false)) value += '; includeSubDomains';
    if (readBoolean(h['preload'], child(hstsPath, 'preload'), false)) value += '; preload';
    push('strict-transport-security', value);
  }
  const frame = o['frameOptions'];
  if (frame !== undefined && frame !== false && frame !== 'DENY' && frame !== 'SAMEORIGIN') {
    throw new PolicyError(child(path, 'frameOptions'), 'expected "DENY", "SAMEORIGIN" or false');
  }
  push('x-frame-options', frame === false ? undefined : (frame ?? 'DENY'));
  push('referrer-policy', readHeaderValue(o['referrerPolicy'], child(path, 'referrerPolicy'), 'no-referrer'));
  push('cross-origin-opener-policy', readHeaderValue(o['crossOriginOpenerPolicy'], child(path, 'crossOriginOpenerPolicy'), 'same-origin'));
  push('cross-origin-resource-policy', readHeaderValue(o['crossOriginResourcePolicy'], child(path, 'crossOriginResourcePolicy'), 'same-origin'));
  if (readBoolean(o['noSniff'], child(path, 'noSniff'), true)) push('x-content-type-options', 'nosniff');
  const remove = (o['removeHeaders'] === undefined ? ['x-powered-by'] : readStringArray(o['removeHeaders'], child(path, 'removeHeaders'))).map((h) => h.toLowerCase());

  const outcome: GuardOutcome = Object.freeze({ outcome: 'allow' as const, responseHeaders: Object.freeze(headers) });
  const strip = (response: ResponseView): void => {
    // Only remove what is there: removing an absent header is not free everywhere (Fastify deletes
    // a property of its header object, which slows every later header access on that reply).
    for (const name of remove) if (response.getHeader(name) !== undefined) response.removeHeader(name);
  };
  return Object.freeze<Guard>({
    ...common,
    kind: 'security-headers',
    phase: 'request' as const,
    evaluate(_request, context) {
      if (remove.length > 0) context.onResponse(strip);
      return outcome;
    },
  });
}
