import type { DenyOutcome, ProblemError } from '@portcullis/core';

/** Deny codes of the OpenAPI guard (the problem `type` suffix). Listed in docs/errors.md. */
export const OPENAPI_DENY_CODES = Object.freeze({
  route_undocumented: { status: 404, title: 'Not Found' },
  method_undocumented: { status: 405, title: 'Method Not Allowed' },
  request_invalid: { status: 400, title: 'Request does not match the API contract' },
  body_required: { status: 400, title: 'Request body required' },
  media_type_undocumented: { status: 415, title: 'Unsupported Media Type' },
  response_invalid: { status: 502, title: 'Bad Gateway' },
} as const satisfies Record<string, { status: number; title: string }>);

export type OpenApiDenyCode = keyof typeof OPENAPI_DENY_CODES;

/** A deny outcome for one of the guard's codes; frozen, so it can be built once and shared. */
export function openApiDeny(
  code: OpenApiDenyCode,
  extra: { readonly headers?: ReadonlyArray<readonly [string, string]>; readonly errors?: readonly ProblemError[]; readonly detail?: string; readonly reportOnly?: boolean; readonly annotations?: DenyOutcome['annotations'] } = {},
): DenyOutcome {
  const known = OPENAPI_DENY_CODES[code];
  return Object.freeze({ outcome: 'deny' as const, status: known.status, title: known.title, code, ...extra });
}
