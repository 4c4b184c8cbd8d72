import type { DenyOutcome } from '@portcullis/core';
import { authDeny } from './codes.js';

/**
 * The refusals of a bearer-token guard (JWT, introspection), with their RFC 6750 challenges:
 * no `error` attribute when credentials are missing (§3.1), `invalid_request` for an ambiguous
 * request, `invalid_token` otherwise. Built once per guard; one frozen outcome per reason.
 */
export interface BearerRefusals<Reason extends string> {
  readonly missing: DenyOutcome;
  readonly ambiguous: DenyOutcome;
  /** `expired` is `token_expired` (clients refresh on it); every other reason is `token_invalid`. */
  refuse(reason: Reason): DenyOutcome;
}

export function bearerRefusals<Reason extends string>(realm: string | undefined): BearerRefusals<Reason> {
  const scheme = realm === undefined ? 'Bearer' : `Bearer realm="${realm}"`;
  const withError = (error: string): [string, string] => ['www-authenticate', `${scheme}${realm === undefined ? '' : ','} error="${error}"`];
  const invalid = withError('invalid_token');
  const refusals = new Map<Reason, DenyOutcome>();
  return {
    missing: authDeny('credentials_missing', [['www-authenticate', scheme]]),
    ambiguous: authDeny('credentials_ambiguous', [withError('invalid_request')]),
    refuse(reason) {
      let outcome = refusals.get(reason);
      if (outcome === undefined) {
        outcome = authDeny(reason === 'expired' ? 'token_expired' : 'token_invalid', [invalid], reason);
        refusals.set(reason, outcome);
      }
      return outcome;
    },
  };
}
