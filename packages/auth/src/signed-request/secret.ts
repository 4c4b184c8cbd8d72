import { PolicyError, describeValue, type PolicyPath } from '@portcullis/core';

/**
 * Reads a shared secret: a string (its UTF-8 bytes) or bytes. Messages give the type and the
 * byte length at most, never the value.
 */
export function readSecret(value: unknown, path: PolicyPath, minBytes: number): Buffer {
  let bytes: Buffer;
  if (typeof value === 'string') bytes = Buffer.from(value, 'utf8');
  else if (value instanceof Uint8Array) bytes = Buffer.from(value);
  else if (value === undefined) throw new PolicyError(path, 'expected a secret (a string or a Uint8Array), got undefined (is the environment variable set?)');
  // Only the type: a wrongly typed value could still be secret material (a number, say).
  else throw new PolicyError(path, `expected a secret (a string or a Uint8Array), got ${value === null || typeof value === 'object' ? describeValue(value) : typeof value}`);
  if (bytes.byteLength < minBytes) {
    throw new PolicyError(path, `a secret must have at least ${minBytes} bytes (this one has ${bytes.byteLength}); generate one with crypto.randomBytes(32)`);
  }
  return bytes;
}
