/**
 * Errors that Portcullis *throws*. Denials are never exceptions: they are Decisions.
 *
 * Every code is stable and documented in docs/errors.md (a test keeps the two in sync).
 * A retired code is never reused for another meaning.
 */
export const FIREWALL_ERROR_CODES = Object.freeze([
  /** The policy (or a guard's options) is invalid. The message names the field path. */
  'ERR_POLICY_INVALID',
  /** `decide()` was called before `await firewall.ready()` finished, or after `close()`. */
  'ERR_NOT_READY',
  /** A guard threw while evaluating a request (reported, then handled by its `onError`). */
  'ERR_GUARD_FAILED',
  /** A guard did not settle within its `timeoutMs` (reported, then handled by its `onError`). */
  'ERR_GUARD_TIMEOUT',
  /** A store operation failed or timed out. */
  'ERR_STORE_UNAVAILABLE',
  /** An adapter was given something it cannot translate (a programming error in the host app). */
  'ERR_ADAPTER_MISUSE',
  /** A guard's `ready()` failed during `firewall.ready()`. */
  'ERR_SETUP_FAILED',
] as const);

export type FirewallErrorCode = (typeof FIREWALL_ERROR_CODES)[number];

export interface FirewallErrorOptions {
  /** Dotted field path inside the policy, e.g. `routes[2].limits.bodyBytes`. */
  readonly path?: string;
  readonly cause?: unknown;
}

export class FirewallError extends Error {
  override readonly name = 'FirewallError';
  readonly code: FirewallErrorCode;
  /** The policy field the error is about, when there is one. */
  readonly path: string | undefined;

  constructor(code: FirewallErrorCode, message: string, options: FirewallErrorOptions = {}) {
    // The empty path is the policy itself: no `: :` in the message.
    super(options.path === undefined || options.path === '' ? `${code}: ${message}` : `${code}: ${options.path}: ${message}`, {
      cause: options.cause,
    });
    this.code = code;
    this.path = options.path;
  }
}

/** Raised for an invalid policy value; `path` always names the field. */
export class PolicyError extends FirewallError {
  constructor(path: string, expected: string) {
    super('ERR_POLICY_INVALID', expected, { path });
  }
}

export function isFirewallError(value: unknown): value is FirewallError {
  return value instanceof FirewallError;
}
