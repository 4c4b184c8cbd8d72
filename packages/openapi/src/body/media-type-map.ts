import { parseMediaType } from '@portcullis/core';

/**
 * The media types a request body or response documents (`content` keys), matched the way OpenAPI
 * says: the most specific key wins (`text/plain; charset=utf-8` over `text/plain` over `text/*` over
 * `*\/*`). A `+json` type matches only a key that names it or a wildcard: a client cannot pick
 * `application/vnd.evil+json` where only `application/json` is documented.
 */
export interface MediaEntry<T> {
  /** The key as written in the document. */
  readonly key: string;
  readonly value: T;
}

interface Parsed<T> {
  readonly entry: MediaEntry<T>;
  readonly type: string;
  readonly subtype: string;
  /** The key's parameters other than charset (rare; `application/json; version=2`), lower-case. */
  readonly charset: string | undefined;
}

export class MediaTypeMap<T> {
  readonly #exact = new Map<string, Parsed<T>[]>();
  readonly #typeWildcards = new Map<string, MediaEntry<T>>();
  #any: MediaEntry<T> | undefined;
  readonly #keys: string[] = [];
  readonly #byKey = new Map<string, T>();

  /** Returns false when the key is not a media type or media range. */
  add(key: string, value: T): boolean {
    const entry = { key, value };
    if (!this.#byKey.has(key)) this.#byKey.set(key, value);
    const trimmed = key.trim().toLowerCase();
    if (trimmed === '*/*' || trimmed.startsWith('*/*;')) {
      this.#any ??= entry;
      this.#keys.push(key);
      return true;
    }
    const wildcard = /^([a-z0-9!#$&^_.+-]+)\/\*\s*(;.*)?$/.exec(trimmed);
    if (wildcard !== null) {
      if (!this.#typeWildcards.has(wildcard[1] as string)) this.#typeWildcards.set(wildcard[1] as string, entry);
      this.#keys.push(key);
      return true;
    }
    const media = parseMediaType(key);
    if (media === undefined) return false;
    const list = this.#exact.get(media.essence) ?? [];
    list.push({ entry, type: media.type, subtype: media.subtype, charset: media.charset });
    // A key that names a charset is more specific than one that does not.
    list.sort((a, b) => Number(b.charset !== undefined) - Number(a.charset !== undefined));
    this.#exact.set(media.essence, list);
    this.#keys.push(key);
    return true;
  }

  get size(): number {
    return this.#keys.length;
  }

  /** The value added under exactly this key. */
  entry(key: string): T | undefined {
    return this.#byKey.get(key);
  }

  get keys(): readonly string[] {
    return this.#keys;
  }

  /** The entry for a request's or response's `Content-Type`; undefined when none matches. */
  match(contentType: string): MediaEntry<T> | undefined {
    const media = parseMediaType(contentType);
    if (media === undefined) return undefined;
    const exact = this.#exact.get(media.essence);
    if (exact !== undefined) {
      for (const candidate of exact) {
        if (candidate.charset === undefined || media.charset === undefined || candidate.charset === media.charset) return candidate.entry;
      }
    }
    return this.#typeWildcards.get(media.type) ?? this.#any;
  }
}
