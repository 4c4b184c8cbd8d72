import type { FirewallRequest } from '@portcullis/core';

/** Where an API key is read from: one header, and a query parameter only when opted in. */
export interface ApiKeyLocations {
  /** Lower-case header name. */
  readonly header: string;
  /** Query parameter name, or undefined: the query string is never read unless configured (URLs end up in logs). */
  readonly query: string | undefined;
}

export type ApiKeyRead =
  | { readonly kind: 'none' }
  /** A repeated header or parameter, or a key in both places. */
  | { readonly kind: 'ambiguous' }
  /** Present but cannot be a key: empty, too long, or a character outside visible ASCII. */
  | { readonly kind: 'malformed' }
  | { readonly kind: 'key'; readonly key: string };

const NONE: ApiKeyRead = Object.freeze({ kind: 'none' });
const AMBIGUOUS: ApiKeyRead = Object.freeze({ kind: 'ambiguous' });
const MALFORMED: ApiKeyRead = Object.freeze({ kind: 'malformed' });

/** Visible ASCII (0x21-0x7E) only, checked with a loop: no regular expression runs on hostile input. */
function isVisibleAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/**
 * Reads the one API key a request carries. The length is checked before anything else, so a
 * hostile value costs one comparison; the key itself is never kept beyond hashing.
 */
export function readApiKey(request: FirewallRequest, locations: ApiKeyLocations, maxLength: number): ApiKeyRead {
  const fromHeader = request.headers.getAll(locations.header);
  const fromQuery = locations.query === undefined || request.rawQuery === '' ? [] : (request.query.get(locations.query) ?? []);
  const count = fromHeader.length + fromQuery.length;
  if (count === 0) return NONE;
  if (count > 1) return AMBIGUOUS;
  // The optional whitespace around a header value is not part of it (RFC 9110 §5.5); Node strips
  // it already, other runtimes may not.
  const key = fromHeader.length === 1 ? (fromHeader[0] as string).trim() : (fromQuery[0] as string);
  if (key.length === 0 || key.length > maxLength || !isVisibleAscii(key)) return MALFORMED;
  return { kind: 'key', key };
}
