/**
 * The one identity model every guard reads (authorization, rate-limit keys, telemetry, the Decision).
 * Identity guards (see @portcullis/auth) produce it; nothing else may grant scopes or roles.
 */
export interface Identity {
  /** The authenticated principal, e.g. the JWT `sub`. */
  readonly subject?: string;
  /** The calling client or application, e.g. the OAuth client id or API key owner. */
  readonly clientId?: string;
  /** How the identity was established, e.g. `jwt`, `api-key`, `hmac`, `mtls`. */
  readonly method: string;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
  /** Verified claims. Never logged in full; telemetry reads subject and client id only. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** A plan or tier name, for per-tier limits. */
  readonly tier?: string;
}
