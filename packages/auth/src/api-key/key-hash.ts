import { PolicyError, describeValue, type PolicyPath } from '@portcullis/core';
import { sha256 } from '../hash.js';

/**
 * API keys are held as SHA-256 hashes only, written `sha256:<digest>`: the policy, a lookup
 * function and a Store never need the key itself, so a leaked policy or database grants nothing.
 * A key is a high-entropy random string, so a fast hash is enough (no password-hashing function):
 * there is nothing to guess from its digest.
 */
const PREFIX = 'sha256:';
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;
/** 32 bytes in unpadded base64url: 43 characters, the last one carrying 4 bits. */
const BASE64URL_DIGEST = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** The hash to store for a key: `sha256:<base64url of SHA-256 of the key's UTF-8 bytes>`. */
export function hashApiKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new TypeError('hashApiKey expects a non-empty string');
  return PREFIX + sha256(key).toString('base64url');
}

/** The canonical form (`sha256:<base64url>`) and digest bytes of a written hash; undefined when it is not one. */
export function parseKeyHash(text: string): { readonly canonical: string; readonly digest: Buffer } | undefined {
  if (!text.startsWith(PREFIX)) return undefined;
  const encoded = text.slice(PREFIX.length);
  let digest: Buffer;
  if (HEX_DIGEST.test(encoded)) digest = Buffer.from(encoded, 'hex');
  else if (BASE64URL_DIGEST.test(encoded)) digest = Buffer.from(encoded, 'base64url');
  else return undefined;
  return { canonical: PREFIX + digest.toString('base64url'), digest };
}

/** Reads a hash from the policy. The message never repeats the value: it may be a key pasted by mistake. */
export function readKeyHash(value: unknown, path: PolicyPath): { readonly canonical: string; readonly digest: Buffer } {
  if (typeof value !== 'string') throw new PolicyError(path, `expected a key hash 'sha256:<base64url or hex>', got ${describeValue(value)}`);
  const parsed = parseKeyHash(value);
  if (parsed === undefined) {
    throw new PolicyError(path, "expected a key hash 'sha256:<base64url or hex of 32 bytes>' (make one with hashApiKey(key)); the policy never holds a plaintext key");
  }
  return parsed;
}
