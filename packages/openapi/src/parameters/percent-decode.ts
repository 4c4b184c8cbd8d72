import { decodeFormComponent } from '@portcullis/core';

// Strict percent-decoding is core's (`decodeFormComponent`): a malformed escape or invalid UTF-8
// gives undefined, never a guess.

/** Form encoding (`+` is a space): query strings and `application/x-www-form-urlencoded` bodies. */
export function formDecode(raw: string): string | undefined {
  return decodeFormComponent(raw, true);
}

/** Cookie values: percent-escapes decoded, `+` kept (base64 tokens carry it). */
export function cookieDecode(raw: string): string | undefined {
  return decodeFormComponent(raw, false);
}

/** Path values (already decoded by the router) and header values (never encoded) as they are. */
export function asIs(raw: string): string {
  return raw;
}
