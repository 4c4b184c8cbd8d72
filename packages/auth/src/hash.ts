import { createHmac, hash, timingSafeEqual } from 'node:crypto';

/**
 * Hashing and comparison primitives. node:crypto is synchronous and fast (a SHA-256 of a 1 KB
 * token is about a microsecond); WebCrypto's digest is asynchronous and costs a promise and a
 * thread-pool hop per call, which is most of a cached decision's budget (ADR 0007).
 */

export function sha256(data: string | Uint8Array): Buffer {
  return hash('sha256', data, 'buffer');
}

/**
 * Cache keys and key ids for secrets: base64url of SHA-256 (43 characters). The one-shot
 * `crypto.hash` (Node >= 20.12) costs half of a `createHash` object on a token-sized input, and
 * this runs on every cached decision.
 */
export function sha256Key(data: string | Uint8Array): string {
  return hash('sha256', data, 'base64url');
}

export function hmac(algorithm: 'sha256' | 'sha512', secret: Uint8Array | string, data: string | Uint8Array): Buffer {
  return createHmac(algorithm, secret).update(data).digest();
}

/** Constant-time equality of two byte strings; unequal lengths are unequal (length is not secret). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
