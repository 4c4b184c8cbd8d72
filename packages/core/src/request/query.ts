/**
 * Strict `application/x-www-form-urlencoded` parsing of the query string (and of form bodies).
 * `+` is a space; a malformed escape or invalid UTF-8 makes the whole string invalid (400), where
 * URLSearchParams would silently keep the raw text.
 */
export type QueryParams = ReadonlyMap<string, readonly string[]>;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * Strict percent-decoding of one component. `plusIsSpace`: `+` is a space in form encoding (query
 * strings, form bodies), a plain `+` elsewhere (cookie values). A malformed escape or invalid UTF-8
 * gives undefined, never a guess.
 */
export function decodeFormComponent(raw: string, plusIsSpace = true): string | undefined {
  if (!raw.includes('%')) return plusIsSpace && raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 43 /* + */ && plusIsSpace) {
      bytes.push(32);
    } else if (c === 37 /* % */) {
      if (i + 2 >= raw.length) return undefined;
      const byte = Number.parseInt(raw.slice(i + 1, i + 3), 16);
      if (!/^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) return undefined;
      bytes.push(byte);
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // Raw non-ASCII: encode it as UTF-8 so the result is the text that was sent. A character
      // outside the BMP is two UTF-16 units; encode the whole code point, not each half.
      const point = raw.codePointAt(i) as number;
      for (const b of encoder.encode(String.fromCodePoint(point))) bytes.push(b);
      if (point > 0xffff) i++;
    }
  }
  try {
    return utf8.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** Counts `&`-separated non-empty pairs without decoding (for limits). */
export function countPairs(raw: string): number {
  if (raw === '') return 0;
  let count = 0;
  let start = 0;
  for (let i = 0; i <= raw.length; i++) {
    if (i === raw.length || raw.charCodeAt(i) === 38 /* & */) {
      if (i > start) count++;
      start = i + 1;
    }
  }
  return count;
}

/** Parses a form-encoded string; undefined when any part is malformed. */
export function parseQuery(raw: string): QueryParams | undefined {
  const params = new Map<string, string[]>();
  if (raw === '') return params;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeFormComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeFormComponent(pair.slice(eq + 1));
    if (name === undefined || value === undefined) return undefined;
    const list = params.get(name);
    if (list === undefined) params.set(name, [value]);
    else list.push(value);
  }
  return params;
}
