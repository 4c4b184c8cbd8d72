/**
 * The one path normalization used by routing and every guard. The rules are written down in
 * docs/normalization.md; keep the two in step.
 *
 *  1. The request-target is origin-form (`/path?query`), absolute-form (`http://host/path`, the
 *     authority is dropped), or `*` for OPTIONS. Anything else is refused. A `#` is refused.
 *  2. The raw path may contain only visible ASCII; a backslash, space, control character or raw
 *     non-ASCII byte is refused (some servers treat `\` as `/`).
 *  3. Each segment is percent-decoded once. A malformed escape, an encoded `/` or `\`, an encoded
 *     control character (NUL included), bytes that are not valid UTF-8, or an encoded dot segment
 *     (`%2e%2e`) is refused: they would change the meaning of the path.
 *  4. Dot segments are resolved (RFC 3986 §5.2.4); a `..` that would climb above the root is refused.
 *  5. Empty segments (`//`) are removed and a trailing slash is dropped (`/a//b/` -> `/a/b`).
 *  6. Case is kept; the router decides case sensitivity (insensitive by default).
 *
 * With `strictCanonical`, a target that the rules above would have to change (other than a
 * trailing slash) is refused instead: no dot or empty segments, no percent-encoded unreserved
 * characters, upper-case hex in escapes.
 */

export type PathFailure = 'path_invalid' | 'path_not_canonical';

export interface NormalizedTarget {
  readonly ok: true;
  /** Decoded, normalized path; always starts with `/` (or is `*`). */
  readonly path: string;
  /** Raw path as received (before the `?`). */
  readonly rawPath: string;
  /** Raw query after the `?`, without it; empty when absent. */
  readonly rawQuery: string;
  /** Whether the target was already in canonical form. */
  readonly canonical: boolean;
}

export interface PathRefusal {
  readonly ok: false;
  readonly code: PathFailure;
}

const INVALID: PathRefusal = Object.freeze({ ok: false, code: 'path_invalid' });
const NOT_CANONICAL: PathRefusal = Object.freeze({ ok: false, code: 'path_not_canonical' });

/** Visible ASCII allowed raw in a path (RFC 3986 pchar plus `/` and `%`). */
const SIMPLE_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const NEEDS_WORK = /\/\/|\/\.|%/;
const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;
const UNRESERVED = /[A-Za-z0-9\-._~]/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function normalizeTarget(target: string, method: string, strictCanonical: boolean): NormalizedTarget | PathRefusal {
  if (target === '*') {
    return method === 'OPTIONS' ? { ok: true, path: '*', rawPath: '*', rawQuery: '', canonical: true } : INVALID;
  }
  let rest = target;
  if (rest.charCodeAt(0) !== 47 /* / */) {
    const absolute = ABSOLUTE_FORM.exec(rest);
    if (absolute === null) return INVALID;
    rest = rest.slice(absolute[0].length);
    if (rest === '' || rest.charCodeAt(0) === 63 /* ? */) rest = '/' + rest;
    if (rest.charCodeAt(0) !== 47) return INVALID;
  }
  if (rest.includes('#')) return INVALID;
  const q = rest.indexOf('?');
  const rawPath = q === -1 ? rest : rest.slice(0, q);
  const rawQuery = q === -1 ? '' : rest.slice(q + 1);

  // Fast path: nothing to decode or resolve.
  if (SIMPLE_PATH.test(rawPath) && !NEEDS_WORK.test(rawPath)) {
    const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
    return { ok: true, path, rawPath, rawQuery, canonical: true };
  }
  return slowNormalize(rawPath, rawQuery, strictCanonical);
}

function slowNormalize(rawPath: string, rawQuery: string, strictCanonical: boolean): NormalizedTarget | PathRefusal {
  for (let i = 0; i < rawPath.length; i++) {
    const c = rawPath.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x5c /* \ */ || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x5e || c === 0x60 || c === 0x7b || c === 0x7c || c === 0x7d) {
      return INVALID;
    }
  }
  const rawSegments = rawPath.split('/');
  const output: string[] = [];
  let canonical = true;
  // rawSegments[0] is the empty string before the leading slash.
  for (let i = 1; i < rawSegments.length; i++) {
    const raw = rawSegments[i] as string;
    const isLast = i === rawSegments.length - 1;
    if (raw === '') {
      if (!isLast) canonical = false; // `//`; a trailing slash alone stays canonical
      continue;
    }
    if (raw === '.' || raw === '..') {
      canonical = false;
      if (raw === '..') {
        if (output.length === 0) return INVALID;
        output.pop();
      }
      continue;
    }
    if (!raw.includes('%')) {
      output.push(raw);
      continue;
    }
    const decoded = decodeSegment(raw);
    if (decoded === undefined) return INVALID;
    if (decoded.value === '.' || decoded.value === '..') return INVALID; // encoded dot segment
    if (!decoded.canonical) canonical = false;
    output.push(decoded.value);
  }
  if (strictCanonical && !canonical) return NOT_CANONICAL;
  return { ok: true, path: '/' + output.join('/'), rawPath, rawQuery, canonical };
}

interface DecodedSegment {
  readonly value: string;
  readonly canonical: boolean;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** Strict percent-decoding of one segment; undefined when it must be refused. */
function decodeSegment(raw: string): DecodedSegment | undefined {
  const bytes: number[] = [];
  let canonical = true;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c !== 37 /* % */) {
      bytes.push(c);
      continue;
    }
    if (i + 2 >= raw.length) return undefined; // truncated escape
    const hi = hexValue(raw.charCodeAt(i + 1));
    const lo = hexValue(raw.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) return undefined;
    const byte = hi * 16 + lo;
    if (byte === 0x2f || byte === 0x5c || byte < 0x20 || byte === 0x7f) return undefined;
    if (UNRESERVED.test(String.fromCharCode(byte)) || /[a-f]/.test(raw.slice(i + 1, i + 3))) canonical = false;
    bytes.push(byte);
    i += 2;
  }
  try {
    return { value: utf8.decode(new Uint8Array(bytes)), canonical };
  } catch {
    return undefined;
  }
}
