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
  readonly #pairs: (readonly [string, string])[] = [];
  #index: Map<string, string[]> | undefined;
  readonly count: number;
  readonly totalBytes: number;

  /** `flat` is Node's `rawHeaders` layout: [name, value, name, value, ...]. */
  constructor(source: Source) {
    let bytes = 0;
    if (Array.isArray(source)) {
      const flat = source as readonly string[];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const name = (flat[i] as string).toLowerCase();
        const value = flat[i + 1] as string;
        bytes += name.length + value.length;
        this.#pairs.push([name, value]);
      }
    } else {
      for (const [name, value] of source as Iterable<readonly [string, string]>) {
        const lower = name.toLowerCase();
        bytes += lower.length + value.length;
        this.#pairs.push([lower, value]);
      }
    }
    this.count = this.#pairs.length;
    this.totalBytes = bytes;
  }

  #lookup(): Map<string, string[]> {
    if (this.#index === undefined) {
      const index = new Map<string, string[]>();
      for (const [name, value] of this.#pairs) {
        const list = index.get(name);
        if (list === undefined) index.set(name, [value]);
        else list.push(value);
      }
      this.#index = index;
    }
    return this.#index;
  }

  get(name: string): string | undefined {
    const values = this.#lookup().get(name.toLowerCase());
    if (values === undefined) return undefined;
    // RFC 6265: multiple Cookie fields are joined with "; ", every other header with ", ".
    return values.length === 1 ? values[0] : values.join(name.toLowerCase() === 'cookie' ? '; ' : ', ');
  }

  getAll(name: string): readonly string[] {
    return this.#lookup().get(name.toLowerCase()) ?? [];
  }

  has(name: string): boolean {
    return this.#lookup().has(name.toLowerCase());
  }

  entries(): Iterable<readonly [string, string]> {
    return this.#pairs;
  }
}
