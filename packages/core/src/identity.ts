/**
 * The one identity model every guard reads (authorization, rate-limit keys, telemetry, the Decision).
 * Identity guards (see @portcullis/auth) produce it; nothing else may grant scopes or roles.
 */
export interface Identity {
  /** The authenticated principal, e.g. the JWT `sub`. */
  readonly subject?: string;
  /** The calling client or application, e.g. the OAuth client id or API key owner. */
  readonly clientId?: string;
  /** How the identity was established, e.g. `jwt`, `api-key`, `hmac`, `mtls`, `introspection`. */
  readonly method: string;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
  /** Verified claims. Never logged in full; telemetry reads subject and client id only. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** A plan or tier name, for per-tier limits. */
  readonly tier?: string;
}

/** Bounds the work a claim path can ask for; real claim paths are two or three names deep. */
const MAX_CLAIM_PATH_DEPTH = 8;

/**
 * Reads a claim by a dot-separated path (`realm_access.roles`). Only own properties of plain
 * objects are followed, so a path can never reach `__proto__` or a prototype's members.
 */
export function readClaim(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  if (!path.includes('.')) return Object.hasOwn(claims, path) ? claims[path] : undefined;
  let current: unknown = claims;
  const parts = path.split('.');
  if (parts.length > MAX_CLAIM_PATH_DEPTH) return undefined;
  for (const part of parts) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Checks a claim path at policy time: non-empty dot-separated names, bounded depth. */
export function claimPathProblem(path: string): string | undefined {
  const parts = path.split('.');
  if (parts.length > MAX_CLAIM_PATH_DEPTH) return `expected at most ${MAX_CLAIM_PATH_DEPTH} dot-separated names`;
  if (parts.some((p) => p === '')) return 'expected dot-separated non-empty names';
  if (parts.some((p) => p === '__proto__' || p === 'prototype' || p === 'constructor')) return 'expected no __proto__, prototype or constructor';
  return undefined;
}
