import { PROBLEM_CONTENT_TYPE, renderProblemBody, type Diagnostic, type ResponseBodyHook, type ResponseBodyView, type ResponseReplacement } from '@portcullis/core';
import type { OperationRuntime } from '../contract/operation-runtime.js';
import { responseFor } from '../contract/responses.js';
import type { ValidationIssue } from '../schema/types.js';

/** Why a response does not match its operation's contract (for the report; never sent to the client). */
export type ResponseProblem =
  | { readonly kind: 'status-undocumented' }
  | { readonly kind: 'media-type-undocumented' }
  | { readonly kind: 'body-not-json' }
  | { readonly kind: 'unexpected-body' }
  | { readonly kind: 'invalid'; readonly issues: readonly ValidationIssue[] };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Checks one response against the operation; undefined when it matches. */
export function checkResponse(operation: OperationRuntime, response: ResponseBodyView): ResponseProblem | undefined {
  const spec = responseFor(operation.responseSpec, response.status);
  if (spec === undefined) return { kind: 'status-undocumented' };
  const compiled = operation.response(spec.pointer);
  const body = response.body as Uint8Array;
  if (compiled === undefined || compiled.media.size === 0) {
    return body.byteLength === 0 ? undefined : { kind: 'unexpected-body' };
  }
  if (body.byteLength === 0) return undefined;
  const contentType = response.getHeader('content-type');
  const media = contentType === undefined ? undefined : compiled.media.match(contentType);
  if (media === undefined) return { kind: 'media-type-undocumented' };
  const schema = media.value.schema;
  if (schema === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch {
    return { kind: 'body-not-json' };
  }
  const issues = schema.validate(value, '/body');
  return issues === undefined ? undefined : { kind: 'invalid', issues };
}

function describeProblem(problem: ResponseProblem): string {
  switch (problem.kind) {
    case 'status-undocumented':
      return 'its status is not documented';
    case 'media-type-undocumented':
      return 'its Content-Type is not documented for this status';
    case 'body-not-json':
      return 'its body is not valid JSON';
    case 'unexpected-body':
      return 'it has a body where the document describes none';
    case 'invalid': {
      const first = problem.issues[0] as ValidationIssue;
      return `${first.pointer} ${first.message} (${first.keyword})${problem.issues.length > 1 ? ` and ${problem.issues.length - 1} more` : ''}`;
    }
  }
}

export interface ResponseHookSettings {
  readonly guardId: string;
  readonly maxBytes: number;
  readonly enforce: boolean;
  readonly requestId: string;
  readonly report: (diagnostic: Diagnostic) => void;
}

/**
 * The response-body hook of a validated operation: an invalid response is reported
 * (`PC_OPENAPI_RESPONSE_INVALID`, throttled by core) and, when enforced, replaced with a 502
 * problem that says nothing about what was wrong, so that nothing of the invalid body (a leaked
 * field, a `writeOnly` password) reaches the client.
 */
export function responseHook(operation: OperationRuntime, settings: ResponseHookSettings): ResponseBodyHook {
  return {
    maxBytes: settings.maxBytes,
    inspect(response: ResponseBodyView): ResponseReplacement | undefined {
      if (response.body === undefined) {
        settings.report({
          code: 'PC_OPENAPI_RESPONSE_UNCHECKED',
          severity: 'info',
          guard: settings.guardId,
          message: `a response of ${operation.entry.id} was streamed or larger than maxResponseBytes and was not validated`,
        });
        return undefined;
      }
      const problem = checkResponse(operation, response);
      if (problem === undefined) return undefined;
      settings.report({
        code: 'PC_OPENAPI_RESPONSE_INVALID',
        severity: 'warn',
        guard: settings.guardId,
        message: `a ${response.status} response of ${operation.entry.id} does not match the contract: ${describeProblem(problem)}${settings.enforce ? '; it was replaced with a 502' : ''}`,
      });
      if (!settings.enforce) return undefined;
      return {
        status: 502,
        headers: [
          ['content-type', PROBLEM_CONTENT_TYPE],
          ['cache-control', 'no-store'],
        ],
        body: renderProblemBody({ status: 502, code: 'response_invalid', title: 'Bad Gateway', requestId: settings.requestId }),
      };
    },
  };
}
