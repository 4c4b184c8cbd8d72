/** A parsed `Content-Type`: lower-case essence and parameters (RFC 9110 §8.3). */
export interface MediaType {
  /** `type/subtype`, lower-case. */
  readonly essence: string;
  readonly type: string;
  readonly subtype: string;
  readonly charset: string | undefined;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses a Content-Type header; undefined when malformed. */
export function parseMediaType(header: string): MediaType | undefined {
  const parts = header.split(';');
  const essence = (parts[0] as string).trim().toLowerCase();
  const slash = essence.indexOf('/');
  if (slash <= 0 || slash === essence.length - 1) return undefined;
  const type = essence.slice(0, slash);
  const subtype = essence.slice(slash + 1);
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  let charset: string | undefined;
  for (let i = 1; i < parts.length; i++) {
    const param = (parts[i] as string).trim();
    if (param === '') continue;
    const eq = param.indexOf('=');
    if (eq <= 0) return undefined;
    const name = param.slice(0, eq).trim().toLowerCase();
    let value = param.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name === 'charset') {
      if (charset !== undefined) return undefined; // two charsets: ambiguous
      charset = value.toLowerCase();
    }
  }
  return { essence, type, subtype, charset };
}

export type BodyFormat = 'json' | 'form' | 'text' | 'other';

/**
 * Which parser a media type gets. `+json` suffixes (RFC 6839) are JSON. `application/graphql` (a
 * GraphQL document sent as the body) is text, so that the GraphQL guard can analyze it.
 */
export function bodyFormatOf(media: MediaType): BodyFormat {
  if (media.essence === 'application/json' || media.subtype.endsWith('+json')) return 'json';
  if (media.essence === 'application/x-www-form-urlencoded') return 'form';
  if (media.type === 'text' || media.essence === 'application/graphql') return 'text';
  return 'other';
}

/** Only UTF-8 (or no charset) is accepted for bodies Portcullis decodes. */
export function isUtf8Charset(charset: string | undefined): boolean {
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}
