import { ALLOW, type AllowOutcome, type DenyOutcome, type FirewallRequest, type GuardContext } from '@portcullis/core';
import { authDeny } from './codes.js';
import { readBearerCredential, type CompiledLocation } from './credentials.js';

/**
 * The refusals of a bearer-token guard (JWT, introspection), with their RFC 6750 challenges:
 * no `error` attribute when credentials are missing (§3.1), `invalid_request` for an ambiguous
 * request, `invalid_token` otherwise. Built once per guard; one frozen outcome per reason.
 */
export interface BearerRefusals<Reason extends string> {
  readonly missing: DenyOutcome;
  readonly ambiguous: DenyOutcome;
  /** `expired` is `token_expired` (clients refresh on it); every other reason is `token_invalid`. */
  refuse(reason: Reason | 'malformed'): DenyOutcome;
  /**
   * The bearer token of a request, or the answer when there is none to verify: no token (401, or
   * ALLOW when `optional` or an earlier guard established an identity), two tokens (400), or one
   * that cannot be a token (401 `malformed`).
   */
  tokenOf(request: FirewallRequest, context: GuardContext, at: BearerSource): string | AllowOutcome | DenyOutcome;
}

/** Where a guard reads its bearer token, and whether a request may come without one. */
export interface BearerSource {
  readonly locations: readonly CompiledLocation[];
  readonly maxTokenLength: number;
  readonly optional: boolean;
}

export function bearerRefusals<Reason extends string>(realm: string | undefined): BearerRefusals<Reason> {
  const scheme = realm === undefined ? 'Bearer' : `Bearer realm="${realm}"`;
  const withError = (error: string): [string, string] => ['www-authenticate', `${scheme}${realm === undefined ? '' : ','} error="${error}"`];
  const invalid = withError('invalid_token');
  const byReason = new Map<string, DenyOutcome>();
  const missing = authDeny('credentials_missing', [['www-authenticate', scheme]]);
  const ambiguous = authDeny('credentials_ambiguous', [withError('invalid_request')]);
  const refusals: BearerRefusals<Reason> = {
    missing,
    ambiguous,
    tokenOf(request, context, at) {
      const read = readBearerCredential(request, at.locations, at.maxTokenLength);
      switch (read.kind) {
        case 'none':
          return at.optional || context.identity !== undefined ? ALLOW : missing;
        case 'ambiguous':
          return ambiguous;
        case 'malformed':
          return refusals.refuse('malformed');
        case 'token':
          return read.token;
      }
    },
    refuse(reason) {
      let outcome = byReason.get(reason);
      if (outcome === undefined) {
        outcome = authDeny(reason === 'expired' ? 'token_expired' : 'token_invalid', [invalid], reason);
        byReason.set(reason, outcome);
      }
      return outcome;
    },
  };
  return refusals;
}
