import { SCHEMES, type SignatureAlgorithm } from './canonical.js';

/**
 * A strict, bounded parser for
 *   `PC-HMAC-SHA256 keyId="k1", timestamp="1700000000", nonce="...", headers="host;content-digest", signature="..."`.
 *
 * One left-to-right scan with `indexOf`, no regular expression over the whole value, a length cap
 * checked first: a hostile header costs at most one pass over 2 KB. Parameter names are matched
 * case-insensitively (RFC 9110 §11.2); values are quoted strings without escapes, each checked
 * against the small alphabet it may use.
 */
export const MAX_AUTHORIZATION_LENGTH = 2048;
export const MAX_SIGNED_HEADERS = 32;

export interface SignatureParams {
  readonly algorithm: SignatureAlgorithm;
  readonly keyId: string;
  /** As sent (digits), for the string to sign. */
  readonly timestamp: string;
  readonly nonce: string;
  /** Lower-case names, in the order they were listed. */
  readonly headers: readonly string[];
  /** The signature as sent (base64url without padding). */
  readonly signature: string;
}

export type AuthorizationRead =
  /** Another scheme (Bearer, Basic...): not this guard's credential. */
  | { readonly kind: 'other' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'signature'; readonly params: SignatureParams };

const OTHER: AuthorizationRead = Object.freeze({ kind: 'other' });
const MALFORMED: AuthorizationRead = Object.freeze({ kind: 'malformed' });
const PARAM_NAMES = ['keyid', 'timestamp', 'nonce', 'headers', 'signature'] as const;

export const KEY_ID = /^[A-Za-z0-9._~-]{1,64}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;
const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Unpadded base64url length of each algorithm's HMAC. */
export const SIGNATURE_LENGTH: Readonly<Record<SignatureAlgorithm, number>> = Object.freeze({ sha256: 43, sha512: 86 });

const SCHEME_OF = new Map<string, SignatureAlgorithm>(
  (Object.entries(SCHEMES) as [SignatureAlgorithm, string][]).map(([algorithm, scheme]) => [scheme.toLowerCase(), algorithm]),
);

function isTokenChar(c: number): boolean {
  // RFC 9110 tchar: ALPHA / DIGIT / "!#$%&'*+-.^_`|~"
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c));
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
  return i;
}

/** `name="value"` pairs separated by commas; undefined on any deviation. */
function parseParams(text: string, start: number): Map<string, string> | undefined {
  const params = new Map<string, string>();
  let i = start;
  for (;;) {
    const nameStart = i;
    while (i < text.length && isTokenChar(text.charCodeAt(i))) i++;
    if (i === nameStart || text.charCodeAt(i) !== 0x3d /* = */ || text.charCodeAt(i + 1) !== 0x22 /* " */) return undefined;
    const name = text.slice(nameStart, i).toLowerCase();
    const valueStart = i + 2;
    const valueEnd = text.indexOf('"', valueStart);
    if (valueEnd === -1) return undefined;
    const value = text.slice(valueStart, valueEnd);
    // No quoted-pair escapes: no value of this scheme needs one.
    if (value.includes('\\') || params.has(name) || params.size === PARAM_NAMES.length) return undefined;
    params.set(name, value);
    i = skipWhitespace(text, valueEnd + 1);
    if (i === text.length) return params;
    if (text.charCodeAt(i) !== 0x2c /* , */) return undefined;
    i = skipWhitespace(text, i + 1);
  }
}

function parseHeaderList(text: string): readonly string[] | undefined {
  if (text === '') return [];
  const names = text.split(';');
  if (names.length > MAX_SIGNED_HEADERS) return undefined;
  const seen = new Set<string>();
  for (const name of names) {
    if (!HEADER_NAME.test(name) || seen.has(name) || name === 'authorization') return undefined;
    seen.add(name);
  }
  return names;
}

/** Reads one Authorization value (already known to be the only one). */
export function readSignatureAuthorization(value: string): AuthorizationRead {
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  const scheme = (space === -1 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const algorithm = SCHEME_OF.get(scheme);
  if (algorithm === undefined) return OTHER;
  if (trimmed.length > MAX_AUTHORIZATION_LENGTH || space === -1) return MALFORMED;
  const params = parseParams(trimmed, skipWhitespace(trimmed, space + 1));
  if (params === undefined || params.size !== PARAM_NAMES.length) return MALFORMED;
  for (const name of PARAM_NAMES) if (!params.has(name)) return MALFORMED;
  const keyId = params.get('keyid') as string;
  const timestamp = params.get('timestamp') as string;
  const nonce = params.get('nonce') as string;
  const signature = params.get('signature') as string;
  const headers = parseHeaderList(params.get('headers') as string);
  if (!KEY_ID.test(keyId) || !TIMESTAMP.test(timestamp) || !NONCE.test(nonce) || headers === undefined) return MALFORMED;
  if (signature.length !== SIGNATURE_LENGTH[algorithm] || !BASE64URL.test(signature)) return MALFORMED;
  return { kind: 'signature', params: { algorithm, keyId, timestamp, nonce, headers, signature } };
}
