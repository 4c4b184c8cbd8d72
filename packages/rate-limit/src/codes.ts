import type { DenyOutcome } from '@portcullis/core';

/** Deny codes of the rate-limit guard (the problem `type` suffix). Listed in docs/errors.md. */
export const RATE_LIMIT_DENY_CODES = Object.freeze({
  rate_limited: { status: 429, title: 'Too Many Requests' },
  quota_exceeded: { status: 429, title: 'Quota exceeded' },
  rate_limit_blocked: { status: 429, title: 'Too Many Requests' },
  rate_limit_key_missing: { status: 403, title: 'Client could not be identified' },
} as const satisfies Record<string, { status: number; title: string }>);

export type RateLimitDenyCode = keyof typeof RATE_LIMIT_DENY_CODES;

export function rateLimitDeny(
  code: RateLimitDenyCode,
  headers: ReadonlyArray<readonly [string, string]>,
  extensions?: DenyOutcome['extensions'],
  annotations?: DenyOutcome['annotations'],
): DenyOutcome {
  const known = RATE_LIMIT_DENY_CODES[code];
  return {
    outcome: 'deny',
    status: known.status,
    title: known.title,
    code,
    headers,
    ...(extensions === undefined ? {} : { extensions }),
    ...(annotations === undefined ? {} : { annotations }),
  };
}
