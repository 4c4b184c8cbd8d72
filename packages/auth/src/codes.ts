import type { DenyOutcome } from '@portcullis/core';

/**
 * Deny codes of the identity guards (the problem `type` suffix). Listed in docs/errors.md.
 *
 * Verification failures are deliberately coarse to the client (`token_invalid`): which check
 * failed (signature, algorithm, audience...) is an oracle for an attacker. The precise reason goes
 * to telemetry as the `auth.reason` annotation.
 */
export const AUTH_DENY_CODES = Object.freeze({
  credentials_missing: { status: 401, title: 'Authentication required' },
  credentials_ambiguous: { status: 400, title: 'More than one credential' },
  token_invalid: { status: 401, title: 'Invalid token' },
  token_expired: { status: 401, title: 'Token expired' },
  api_key_invalid: { status: 401, title: 'Invalid API key' },
  signature_invalid: { status: 401, title: 'Invalid request signature' },
  signature_expired: { status: 401, title: 'Request signature outside the time window' },
  signature_replayed: { status: 401, title: 'Request signature already used' },
  client_certificate_required: { status: 401, title: 'Client certificate required' },
  client_certificate_refused: { status: 403, title: 'Client certificate not allowed' },
} as const satisfies Record<string, { status: number; title: string }>);

export type AuthDenyCode = keyof typeof AUTH_DENY_CODES;

/**
 * A frozen deny outcome for an auth code, built once and reused. `reason` becomes the `auth.reason`
 * annotation: telemetry and the Decision see it, the client does not.
 */
export function authDeny(code: AuthDenyCode, headers?: ReadonlyArray<readonly [string, string]>, reason?: string): DenyOutcome {
  const known = AUTH_DENY_CODES[code];
  return Object.freeze({
    outcome: 'deny' as const,
    status: known.status,
    title: known.title,
    code,
    ...(headers === undefined ? {} : { headers }),
    ...(reason === undefined ? {} : { annotations: Object.freeze({ 'auth.reason': reason }) }),
  });
}
