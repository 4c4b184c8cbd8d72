/**
 * Deny codes and their rendering as RFC 9457 problem+json.
 *
 * Core renders every deny response once, here; adapters copy status, headers and body verbatim.
 * Bodies never contain stack traces, internals, or any echo of the request.
 */
export const DENY_CODES = Object.freeze({
  path_invalid: { status: 400, title: 'Invalid request path' },
  path_not_canonical: { status: 400, title: 'Request path is not in canonical form' },
  query_invalid: { status: 400, title: 'Invalid query string' },
  header_invalid: { status: 400, title: 'Invalid request header' },
  route_not_found: { status: 404, title: 'Not Found' },
  method_not_allowed: { status: 405, title: 'Method Not Allowed' },
  method_override_refused: { status: 400, title: 'Method override headers are not accepted' },
  ip_denied: { status: 403, title: 'Forbidden' },
  client_ip_unknown: { status: 403, title: 'Forbidden' },
  url_too_long: { status: 414, title: 'URI Too Long' },
  too_many_query_params: { status: 400, title: 'Too many query parameters' },
  too_many_headers: { status: 431, title: 'Request Header Fields Too Large' },
  header_too_large: { status: 431, title: 'Request Header Fields Too Large' },
  body_too_large: { status: 413, title: 'Content Too Large' },
  body_incomplete: { status: 400, title: 'Request body ended early' },
  request_timeout: { status: 408, title: 'Request Timeout' },
  form_invalid: { status: 400, title: 'Request body is not valid form data' },
  content_encoding_unsupported: { status: 415, title: 'Unsupported Content-Encoding' },
  unsupported_media_type: { status: 415, title: 'Unsupported Media Type' },
  body_invalid_utf8: { status: 400, title: 'Request body is not valid UTF-8' },
  json_invalid: { status: 400, title: 'Request body is not valid JSON' },
  json_duplicate_key: { status: 400, title: 'Request body has a duplicate JSON key' },
  json_forbidden_key: { status: 400, title: 'Request body has a forbidden JSON key' },
  json_too_deep: { status: 400, title: 'Request body is nested too deeply' },
  json_too_many_keys: { status: 400, title: 'Request body has too many keys' },
  json_array_too_long: { status: 400, title: 'Request body has an array that is too long' },
  cors_origin_denied: { status: 403, title: 'Origin not allowed' },
  cors_method_denied: { status: 403, title: 'CORS method not allowed' },
  cors_header_denied: { status: 403, title: 'CORS header not allowed' },
  guard_unavailable: { status: 503, title: 'Service Unavailable' },
  access_denied: { status: 403, title: 'Forbidden' },
  authentication_required: { status: 401, title: 'Authentication required' },
  insufficient_scope: { status: 403, title: 'Insufficient scope' },
  role_required: { status: 403, title: 'Forbidden' },
  claim_mismatch: { status: 403, title: 'Forbidden' },
  not_owner: { status: 403, title: 'Forbidden' },
  route_not_covered: { status: 403, title: 'Forbidden' },
} as const satisfies Record<string, { status: number; title: string }>);

/** Codes defined by core. Guard packages may add their own codes (strings); core's are listed here. */
export type CoreDenyCode = keyof typeof DENY_CODES;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_PREFIX = 'urn:portcullis:problem:';

/**
 * One reason a request was refused, for clients to fix it (contract validation): where in their
 * request (a JSON pointer such as `/body/items/0/name` or `/query/limit`), the rule, and a fixed
 * message. The producer guarantees that none of it echoes request values or server internals.
 */
export interface ProblemError {
  readonly pointer: string;
  readonly keyword: string;
  readonly message: string;
}

export interface ProblemInit {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  /** Safe, fixed text. Never include request data here. */
  readonly detail?: string;
  readonly requestId?: string;
  /** Extra members, only for values that reveal nothing about the request (e.g. exposed limits). */
  readonly extensions?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** Rendered as the `errors` member (always: they are safe by contract). */
  readonly errors?: readonly ProblemError[];
}

export interface RenderedResponse {
  readonly status: number;
  /** Lower-case header names, in the order they should be written. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

const RESERVED_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId', 'errors']);

export function renderProblemBody(problem: ProblemInit): string {
  const body: Record<string, unknown> = {
    type: TYPE_PREFIX + problem.code,
    title: problem.title,
    status: problem.status,
    code: problem.code,
  };
  if (problem.detail !== undefined) body['detail'] = problem.detail;
  if (problem.requestId !== undefined) body['requestId'] = problem.requestId;
  if (problem.extensions !== undefined) {
    for (const [key, value] of Object.entries(problem.extensions)) {
      if (!RESERVED_MEMBERS.has(key)) body[key] = value;
    }
  }
  if (problem.errors !== undefined) body['errors'] = problem.errors.map(copyProblemError);
  return JSON.stringify(body);
}

/** Only the three documented members, whatever else the producer's objects carry. */
function copyProblemError(error: ProblemError): ProblemError {
  return { pointer: error.pointer, keyword: error.keyword, message: error.message };
}

export function problemTypeFor(code: string): string {
  return TYPE_PREFIX + code;
}

export const GRAPHQL_RESPONSE_CONTENT_TYPE = 'application/graphql-response+json';

/**
 * The same refusal in the GraphQL-over-HTTP error format: one error whose message is the fixed title
 * and whose extensions carry the code, the request id, the safe detail and (only when exposed) the
 * limits. Like a problem body, it never echoes the request.
 */
export function renderGraphQLErrorBody(init: ProblemInit): string {
  const extensions: Record<string, unknown> = { code: init.code, status: init.status };
  if (init.detail !== undefined) extensions['detail'] = init.detail;
  if (init.requestId !== undefined) extensions['requestId'] = init.requestId;
  if (init.extensions !== undefined) for (const [key, value] of Object.entries(init.extensions)) if (!(key in extensions)) extensions[key] = value;
  if (init.errors !== undefined) extensions['errors'] = init.errors.map(copyProblemError);
  return JSON.stringify({ errors: [{ message: init.title, extensions }] });
}
