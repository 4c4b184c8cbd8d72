import type { Guard, GuardOutcome } from '../guard.js';
import { ALLOW } from '../guard.js';
import { PolicyError } from '../errors.js';
import { child, readArray, readBoolean, readEnum, readInteger, readObject, readStringArray, type PolicyPath } from '../policy/reader.js';
import { COMMON_GUARD_KEYS, coreDeny, readCommonGuardOptions } from './common.js';

export interface CorsOptions {
  /**
   * Allowed origins: exact `scheme://host[:port]` values, `https://*.example.com` for any subdomain,
   * or `'*'` for any origin (not allowed together with `credentials`).
   */
  readonly origins: '*' | readonly string[];
  /** Methods a preflight may ask for. Default GET, HEAD, POST, PUT, PATCH, DELETE. */
  readonly methods?: readonly string[];
  /** Request headers a preflight may ask for (case-insensitive). Default `content-type`, `authorization`. */
  readonly allowHeaders?: readonly string[];
  /** Response headers the browser may expose to scripts. */
  readonly exposeHeaders?: readonly string[];
  /** Send `Access-Control-Allow-Credentials: true`. Default false. */
  readonly credentials?: boolean;
  /** Preflight cache time. Default 600 seconds. */
  readonly maxAgeSeconds?: number;
  /**
   * A non-preflight request from an origin that is not allowed: `omit` answers without CORS
   * headers (the browser then hides the response), `deny` refuses it with 403. Default `omit`.
   */
  readonly unknownOrigin?: 'omit' | 'deny';
  readonly id?: string;
  readonly mode?: 'enforce' | 'monitor';
}

const KEYS = ['origins', 'methods', 'allowHeaders', 'exposeHeaders', 'credentials', 'maxAgeSeconds', 'unknownOrigin', ...COMMON_GUARD_KEYS];
const ORIGIN = /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const ORIGIN_DENIED = coreDeny('cors_origin_denied', { headers: [['vary', 'Origin']] });
const METHOD_DENIED = coreDeny('cors_method_denied', { headers: [['vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers']] });
const HEADER_DENIED = coreDeny('cors_header_denied', { headers: [['vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers']] });

function compileOrigins(value: unknown, path: PolicyPath): (origin: string) => boolean {
  if (value === '*') return () => true;
  const list = readStringArray(value, path, { nonEmpty: true });
  const exact = new Set<string>();
  const suffixes: { scheme: string; suffix: string }[] = [];
  list.forEach((origin, index) => {
    if (origin === 'null') {
      exact.add('null');
      return;
    }
    if (!ORIGIN.test(origin)) {
      throw new PolicyError(child(path, index), `expected an origin like "https://app.example.com" or "https://*.example.com", got ${JSON.stringify(origin)}`);
    }
    const lower = origin.toLowerCase();
    const star = lower.indexOf('*.');
    if (star === -1) exact.add(lower);
    else suffixes.push({ scheme: lower.slice(0, star), suffix: lower.slice(star + 1) });
  });
  return (origin) => {
    const lower = origin.toLowerCase();
    if (exact.has(lower)) return true;
    for (const { scheme, suffix } of suffixes) {
      if (lower.startsWith(scheme) && lower.endsWith(suffix) && lower.length > scheme.length + suffix.length) {
        const host = lower.slice(scheme.length, lower.length - suffix.length);
        if (/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(host)) return true;
      }
    }
    return false;
  };
}

export function compileCors(options: unknown, path: PolicyPath): Guard {
  const o = readObject(options, path, KEYS);
  const common = readCommonGuardOptions(o, path, { id: 'cors', onError: 'deny' });
  if (o['origins'] === undefined) throw new PolicyError(child(path, 'origins'), 'expected "*" or a list of origins');
  const anyOrigin = o['origins'] === '*';
  const isAllowed = compileOrigins(o['origins'], child(path, 'origins'));
  const methods = (o['methods'] === undefined ? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] : readStringArray(o['methods'], child(path, 'methods'), { nonEmpty: true })).map((m, i) => {
    if (!TOKEN.test(m)) throw new PolicyError(child(child(path, 'methods'), i), `expected an HTTP method, got ${JSON.stringify(m)}`);
    return m.toUpperCase();
  });
  const readHeaderList = (key: string, fallback: string[]): string[] =>
    (o[key] === undefined ? fallback : readStringArray(o[key], child(path, key))).map((h, i) => {
      if (!TOKEN.test(h)) throw new PolicyError(child(child(path, key), i), `expected a header name, got ${JSON.stringify(h)}`);
      return h.toLowerCase();
    });
  const allowHeaders = new Set(readHeaderList('allowHeaders', ['content-type', 'authorization']));
  const exposeHeaders = readHeaderList('exposeHeaders', []);
  const credentials = readBoolean(o['credentials'], child(path, 'credentials'), false);
  if (credentials && anyOrigin) {
    throw new PolicyError(child(path, 'credentials'), 'cannot be true with origins "*" (browsers refuse it, and reflecting any origin with credentials is unsafe)');
  }
  const maxAge = o['maxAgeSeconds'] === undefined ? 600 : readInteger(o['maxAgeSeconds'], child(path, 'maxAgeSeconds'), { min: 0, max: 86_400 });
  const unknownOrigin = readEnum(o['unknownOrigin'], child(path, 'unknownOrigin'), ['omit', 'deny'], 'omit');
  if (o['exposeHeaders'] !== undefined) readArray(o['exposeHeaders'], child(path, 'exposeHeaders'));

  const methodSet = new Set(methods);
  const allowMethodsValue = methods.join(', ');

  function originHeaders(origin: string): [string, string][] {
    const headers: [string, string][] = [['access-control-allow-origin', anyOrigin && !credentials ? '*' : origin]];
    if (credentials) headers.push(['access-control-allow-credentials', 'true']);
    if (!anyOrigin || credentials) headers.push(['vary', 'Origin']);
    return headers;
  }

  return Object.freeze<Guard>({
    ...common,
    kind: 'cors',
    phase: 'request' as const,
    evaluate(request): GuardOutcome {
      const origins = request.headers.getAll('origin');
      if (origins.length === 0) return ALLOW;
      if (origins.length > 1) return ORIGIN_DENIED;
      const origin = origins[0] as string;
      const requestedMethod = request.headers.get('access-control-request-method');
      const preflight = request.method === 'OPTIONS' && requestedMethod !== undefined;
      if (!isAllowed(origin)) {
        return preflight || unknownOrigin === 'deny' ? ORIGIN_DENIED : ALLOW;
      }
      if (!preflight) {
        const headers = originHeaders(origin);
        if (exposeHeaders.length > 0) headers.push(['access-control-expose-headers', exposeHeaders.join(', ')]);
        return { outcome: 'allow', responseHeaders: headers };
      }
      if (!methodSet.has(requestedMethod.trim().toUpperCase())) return METHOD_DENIED;
      const requestedHeaders = request.headers.get('access-control-request-headers');
      const granted: string[] = [];
      if (requestedHeaders !== undefined) {
        for (const raw of requestedHeaders.split(',')) {
          const name = raw.trim().toLowerCase();
          if (name === '') continue;
          if (!allowHeaders.has(name)) return HEADER_DENIED;
          granted.push(name);
        }
      }
      const headers: [string, string][] = [['access-control-allow-origin', anyOrigin && !credentials ? '*' : origin]];
      if (credentials) headers.push(['access-control-allow-credentials', 'true']);
      headers.push(['access-control-allow-methods', allowMethodsValue]);
      if (granted.length > 0) headers.push(['access-control-allow-headers', granted.join(', ')]);
      headers.push(['access-control-max-age', String(maxAge)]);
      headers.push(['vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers']);
      return { outcome: 'respond', status: 204, headers };
    },
  });
}
