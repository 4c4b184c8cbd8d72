import { createHash } from 'node:crypto';

/**
 * RFC 9530 `Content-Digest`: a structured-field dictionary of `algorithm=:base64:` members, e.g.
 * `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`. Only SHA-256 and SHA-512 are
 * understood; other members are ignored (RFC 9530 §2), but at least one understood member is needed.
 */
export type DigestAlgorithm = 'sha-256' | 'sha-512';

export interface ContentDigest {
  readonly algorithm: DigestAlgorithm;
  readonly digest: Buffer;
}

const MAX_HEADER_LENGTH = 1024;
const NODE_ALGORITHM: Readonly<Record<DigestAlgorithm, string>> = { 'sha-256': 'sha256', 'sha-512': 'sha512' };
const DIGEST_BYTES: Readonly<Record<DigestAlgorithm, number>> = { 'sha-256': 32, 'sha-512': 64 };
/** One member: a key and a byte sequence. Anchored character classes: no backtracking. */
const MEMBER = /^([a-z*][a-z0-9_.*-]*)=:([A-Za-z0-9+/]*={0,2}):$/;

/** The understood digests of a Content-Digest value; undefined when it is malformed or has none. */
export function parseContentDigest(value: string): readonly ContentDigest[] | undefined {
  if (value.length > MAX_HEADER_LENGTH) return undefined;
  const found: ContentDigest[] = [];
  const seen = new Set<string>();
  for (const part of value.split(',')) {
    const match = MEMBER.exec(part.trim());
    if (match === null) return undefined;
    const key = match[1] as string;
    // A repeated key is ambiguous (a structured-field parser would keep the last one silently).
    if (seen.has(key)) return undefined;
    seen.add(key);
    if (key !== 'sha-256' && key !== 'sha-512') continue;
    const digest = Buffer.from(match[2] as string, 'base64');
    if (digest.byteLength !== DIGEST_BYTES[key]) return undefined;
    found.push({ algorithm: key, digest });
  }
  return found.length === 0 ? undefined : found;
}

export function digestOf(algorithm: DigestAlgorithm, body: Uint8Array): Buffer {
  return createHash(NODE_ALGORITHM[algorithm]).update(body).digest();
}

/** The header value a sender puts on a body: `sha-256=:<base64>:`. */
export function formatContentDigest(body: Uint8Array): string {
  return `sha-256=:${digestOf('sha-256', body).toString('base64')}:`;
}
