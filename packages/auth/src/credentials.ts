import { PolicyError, childPath, describeValue, isPlainObject, readObject, readString, type FirewallRequest, type PolicyPath } from '@portcullis/core';

/**
 * Where a bearer credential is read from. `authorization` (the default) is the
 * `Authorization: Bearer <token>` header, scheme matched case-insensitively (RFC 7235 §2.1).
 * The query string is never read unless a `{ query }` location is configured: URLs end up in logs.
 */
export type TokenLocation = 'authorization' | { readonly header: string } | { readonly cookie: string } | { readonly query: string };

export type CompiledLocation =
  | { readonly kind: 'authorization' }
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'cookie'; readonly name: string }
  | { readonly kind: 'query'; readonly name: string };

/** What a request carries at the configured locations. */
export type CredentialRead =
  | { readonly kind: 'none' }
  /** More than one credential (a repeated header, two locations): 400, RFC 6750 §2. */
  | { readonly kind: 'ambiguous' }
  /** A credential is present but cannot be a token (bad characters, empty, too long). */
  | { readonly kind: 'malformed' }
  | { readonly kind: 'token'; readonly token: string };

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** RFC 6750 b64token, which also covers JWS compact serialization. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const BEARER = /^bearer$/i;

export function readTokenLocations(value: unknown, path: PolicyPath): readonly CompiledLocation[] {
  if (value === undefined) return [{ kind: 'authorization' }];
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new PolicyError(path, 'expected at least one token location');
  const locations = list.map((item, i) => readLocation(item, Array.isArray(value) ? childPath(path, i) : path));
  const seen = new Set<string>();
  for (const l of locations) {
    const key = l.kind === 'authorization' ? l.kind : `${l.kind}:${l.name}`;
    if (seen.has(key)) throw new PolicyError(path, `lists ${key} twice`);
    seen.add(key);
  }
  return locations;
}

function readLocation(value: unknown, path: PolicyPath): CompiledLocation {
  if (value === 'authorization') return { kind: 'authorization' };
  if (!isPlainObject(value) || Object.keys(value).length !== 1) {
    throw new PolicyError(path, `expected 'authorization', { header }, { cookie } or { query }, got ${describeValue(value)}`);
  }
  const o = readObject(value, path, ['header', 'cookie', 'query']);
  if (o['header'] !== undefined) {
    const name = readString(o['header'], childPath(path, 'header')).toLowerCase();
    if (!HEADER_NAME.test(name)) throw new PolicyError(childPath(path, 'header'), 'expected a header name');
    if (name === 'authorization') throw new PolicyError(childPath(path, 'header'), "use 'authorization' for the Authorization header (it expects the Bearer scheme)");
    return { kind: 'header', name };
  }
  if (o['cookie'] !== undefined) return { kind: 'cookie', name: readString(o['cookie'], childPath(path, 'cookie')) };
  return { kind: 'query', name: readString(o['query'], childPath(path, 'query')) };
}

function fromAuthorization(request: FirewallRequest): CredentialRead | undefined {
  const values = request.headers.getAll('authorization');
  if (values.length === 0) return undefined;
  if (values.length > 1) return { kind: 'ambiguous' };
  const value = (values[0] as string).trim();
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  // Another scheme (Basic, a signature) is not ours: another identity guard may take it.
  if (!BEARER.test(scheme)) return undefined;
  const token = space === -1 ? '' : value.slice(space + 1).trimStart();
  // A Web `Headers` joins a repeated header with ", ": a comma is never part of a token.
  if (token.includes(',')) return { kind: 'ambiguous' };
  return token === '' ? { kind: 'malformed' } : { kind: 'token', token };
}

function fromValues(values: readonly string[]): CredentialRead | undefined {
  if (values.length === 0) return undefined;
  if (values.length > 1) return { kind: 'ambiguous' };
  const token = (values[0] as string).trim();
  if (token.includes(',')) return { kind: 'ambiguous' };
  return token === '' ? { kind: 'malformed' } : { kind: 'token', token };
}

/** How many cookies of this name the request carries (across every Cookie header). */
function cookieCount(request: FirewallRequest, name: string): number {
  let count = 0;
  for (const header of request.headers.getAll('cookie')) {
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=');
      if (eq !== -1 && pair.slice(0, eq).trim() === name) count++;
    }
  }
  return count;
}

function readAt(location: CompiledLocation, request: FirewallRequest): CredentialRead | undefined {
  switch (location.kind) {
    case 'authorization':
      return fromAuthorization(request);
    case 'header':
      return fromValues(request.headers.getAll(location.name));
    case 'cookie': {
      const value = request.cookies.get(location.name);
      if (value === undefined) return undefined;
      // The request view keeps the first of a repeated cookie; a second one (a sibling subdomain's or
      // a path-scoped cookie) is a second credential: ambiguous, like a repeated header.
      return cookieCount(request, location.name) > 1 ? { kind: 'ambiguous' } : fromValues([value]);
    }
    case 'query':
      // The query is only parsed when there is one.
      return request.rawQuery === '' ? undefined : fromValues(request.query.get(location.name) ?? []);
  }
}

/**
 * Reads the one bearer credential at the configured locations. A token found at two locations is
 * ambiguous; a token longer than `maxLength` or with characters a token cannot hold is malformed
 * (checked before any decoding, so a hostile value costs one regular-expression test).
 */
export function readBearerCredential(request: FirewallRequest, locations: readonly CompiledLocation[], maxLength: number): CredentialRead {
  let found: CredentialRead = { kind: 'none' };
  for (let i = 0; i < locations.length; i++) {
    const read = readAt(locations[i] as CompiledLocation, request);
    if (read === undefined) continue;
    if (read.kind === 'ambiguous') return read;
    if (found.kind !== 'none') return { kind: 'ambiguous' };
    found = read;
  }
  if (found.kind === 'token' && (found.token.length > maxLength || !TOKEN68.test(found.token))) return { kind: 'malformed' };
  return found;
}
