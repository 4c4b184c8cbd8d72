import type { DenyOutcome, RespondOutcome } from '../guard.js';
import { GRAPHQL_RESPONSE_CONTENT_TYPE, PROBLEM_CONTENT_TYPE, renderGraphQLErrorBody, renderProblemBody, type RenderedResponse } from '../problem.js';

/** Renders a denial once, in core; adapters copy it verbatim. */
export function renderDeny(
  deny: DenyOutcome,
  context: {
    method: string;
    requestId: string;
    exposeDetails: boolean;
    /** Headers every answer carries: the request id, security headers, CORS. */
    responseHeaders: ReadonlyArray<readonly [string, string]>;
  },
): RenderedResponse {
  const graphqlFormat = deny.format === 'graphql';
  const headers: [string, string][] = [
    ['content-type', graphqlFormat ? GRAPHQL_RESPONSE_CONTENT_TYPE : PROBLEM_CONTENT_TYPE],
    ['cache-control', 'no-store'],
  ];
  for (const header of context.responseHeaders) headers.push([header[0], header[1]]);
  if (deny.headers !== undefined) for (const header of deny.headers) headers.push([header[0], header[1]]);
  if (!headers.some(([name]) => name === 'x-content-type-options')) headers.push(['x-content-type-options', 'nosniff']);
  const init = {
    status: deny.status,
    code: deny.code,
    title: deny.title,
    requestId: context.requestId,
    ...(deny.detail === undefined ? {} : { detail: deny.detail }),
    ...(context.exposeDetails && deny.extensions !== undefined ? { extensions: deny.extensions } : {}),
    ...(deny.errors === undefined ? {} : { errors: deny.errors }),
  };
  const body = context.method === 'HEAD' ? '' : graphqlFormat ? renderGraphQLErrorBody(init) : renderProblemBody(init);
  return { status: deny.status, headers, body };
}

export function renderRespond(respond: RespondOutcome, responseHeaders: ReadonlyArray<readonly [string, string]>): RenderedResponse {
  const headers: [string, string][] = [];
  for (const header of responseHeaders) headers.push([header[0], header[1]]);
  for (const header of respond.headers) headers.push([header[0], header[1]]);
  return { status: respond.status, headers, body: '' };
}

/**
 * The answer an adapter gives when something inside Portcullis itself failed unexpectedly (a bug,
 * not a guard error — those go through `onError`). It fails closed without revealing anything.
 */
export function renderUnavailable(): RenderedResponse {
  return {
    status: 503,
    headers: [
      ['content-type', PROBLEM_CONTENT_TYPE],
      ['cache-control', 'no-store'],
      ['x-content-type-options', 'nosniff'],
    ],
    body: renderProblemBody({ status: 503, code: 'guard_unavailable', title: 'Service Unavailable' }),
  };
}
