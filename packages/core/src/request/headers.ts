/**
 * A read-only, case-insensitive view of request headers that keeps duplicates.
 *
 * Web `Headers` joins duplicates and throws on some values; a firewall needs to see that a header
 * came twice (two `Authorization` headers are an ambiguous request) and must never throw on input.
 * Adapters pass Node's `rawHeaders` (flat name/value list) or a Web `Headers`.
 */
export interface RequestHeaders {
  /** The value, or the values joined by `, ` when the header came more than once (RFC 9110). */
  get(name: string): string | undefined;
  /** Every value received for the header, in order. */
  getAll(name: string): readonly string[];
  has(name: string): boolean;
  /** Number of header fields received (each duplicate counts). */
  readonly count: number;
  /** Total bytes of names and values (for header-size limits). */
  readonly totalBytes: number;
  /** Each field as received, lower-case name first. */
  entries(): Iterable<readonly [string, string]>;
}

type Source = readonly string[] | Iterable<readonly [string, string]>;

export class RawRequestHeaders implements RequestHeaders {
  /**
   * Names and values interleaved: [name, value, name, value, ...]. Node's `rawHeaders` is used as
   * it is (no copy); names keep the case they were sent in and are compared case-insensitively.
   */
  readonly #flat: readonly string[];
  readonly count: number;
  readonly totalBytes: number;

  /** `source` is Node's `rawHeaders` layout ([name, value, ...]) or name/value pairs. */
  constructor(source: Source) {
    let flat: readonly string[];
    // A flat list starts with a name string; an array of [name, value] pairs is the other layout.
    if (Array.isArray(source) && (source.length === 0 || typeof source[0] === 'string')) {
      flat = source as readonly string[];
      if (flat.length % 2 !== 0) flat = flat.slice(0, flat.length - 1);
      // HTTP/2 pseudo-headers (`:method`, `:path`...) come first in Node's rawHeaders under the
      // compatibility API; they are not header fields, so every adapter's view drops them here.
      if (flat.length > 0 && (flat[0] as string).charCodeAt(0) === 58 /* : */) flat = withoutPseudoHeaders(flat);
    } else {
      const pairs: string[] = [];
      for (const [name, value] of source as Iterable<readonly [string, string]>) pairs.push(name, value);
      flat = pairs;
    }
    let bytes = 0;
    for (let i = 0; i < flat.length; i++) bytes += (flat[i] as string).length;
    this.#flat = flat;
    this.count = flat.length / 2;
    this.totalBytes = bytes;
  }

  /** Whether the name at `i` is `key` (lower-case), without allocating for the common mismatch. */
  #is(i: number, key: string): boolean {
    const name = this.#flat[i] as string;
    return name.length === key.length && (name === key || name.toLowerCase() === key);
  }

  // Requests carry a few dozen headers at most (the limits guard caps the count), so a linear scan
  // beats building a map on every request.
  get(name: string): string | undefined {
    const key = name.toLowerCase();
    const flat = this.#flat;
    let found: string | undefined;
    let many: string[] | undefined;
    for (let i = 0; i < flat.length; i += 2) {
      if (!this.#is(i, key)) continue;
      const value = flat[i + 1] as string;
      if (found === undefined) found = value;
      else (many ??= [found]).push(value);
    }
    if (many === undefined) return found;
    // RFC 6265: multiple Cookie fields are joined with "; ", every other header with ", ".
    return many.join(key === 'cookie' ? '; ' : ', ');
  }

  getAll(name: string): readonly string[] {
    const key = name.toLowerCase();
    const flat = this.#flat;
    let values: string[] | undefined;
    for (let i = 0; i < flat.length; i += 2) if (this.#is(i, key)) (values ??= []).push(flat[i + 1] as string);
    return values ?? NONE;
  }

  has(name: string): boolean {
    const key = name.toLowerCase();
    for (let i = 0; i < this.#flat.length; i += 2) if (this.#is(i, key)) return true;
    return false;
  }

  *entries(): Iterable<readonly [string, string]> {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) yield [(flat[i] as string).toLowerCase(), flat[i + 1] as string];
  }
}

const NONE: readonly string[] = Object.freeze([]);

function withoutPseudoHeaders(flat: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if ((flat[i] as string).charCodeAt(0) !== 58 /* : */) out.push(flat[i] as string, flat[i + 1] as string);
  }
  return out;
}
