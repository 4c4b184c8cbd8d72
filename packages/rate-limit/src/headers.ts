import type { CompiledWindow } from './options.js';

/**
 * The IETF RateLimit header fields, as defined by draft-ietf-httpapi-ratelimit-headers-10
 * (Structured Fields; the syntax has been stable since -08):
 *
 *   RateLimit-Policy: "w60";q=100;w=60, "day";q=5000;w=86400
 *   RateLimit: "w60";r=42;t=17
 *
 * `RateLimit-Policy` lists every limit of the guard; `RateLimit` reports the one closest to refusing.
 * Names are restricted at start-up to characters that need no escaping in an sf-string.
 */
export function policyHeader(windows: readonly CompiledWindow[]): string {
  return windows.map((w) => `"${w.name}";q=${w.points};w=${w.windowSeconds}`).join(', ');
}

export function rateLimitHeader(name: string, remaining: number, resetMs: number): string {
  return `"${name}";r=${remaining};t=${Math.max(0, Math.ceil(resetMs / 1000))}`;
}
