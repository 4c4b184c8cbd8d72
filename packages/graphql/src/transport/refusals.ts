import { DENY_CODES, type DenyOutcome } from '@portcullis/core';
import { GRAPHQL_DENY_CODES, type GraphQLDenyCode } from '../analyzer/index.js';
import type { TransportProblem } from './read-request.js';

type Extra = Partial<Pick<DenyOutcome, 'detail' | 'headers' | 'annotations' | 'extensions'>>;

/** A frozen deny outcome for a GraphQL code (built once, reused on every request). */
export function graphqlDeny(code: GraphQLDenyCode, extra: Extra = {}): DenyOutcome {
  const known = GRAPHQL_DENY_CODES[code];
  return Object.freeze({ outcome: 'deny' as const, status: known.status, title: known.title, code, ...extra });
}

/** The precise reason rides as an annotation (telemetry sees it); the client gets the fixed detail. */
function reason(problem: TransportProblem): Extra['annotations'] {
  return Object.freeze({ 'graphql.reason': problem });
}

/**
 * The transport's refusals, one per problem, built once per guard. `allowHeader` lists the
 * methods the guard accepts (for the 405). The batch limit rides as an extension, rendered only
 * with the policy's `exposeDetails`.
 */
export function transportRefusals(allowHeader: string, maxBatch: number): Readonly<Record<TransportProblem, DenyOutcome>> {
  const invalid = (problem: TransportProblem, detail: string): DenyOutcome => graphqlDeny('graphql_invalid', { detail, annotations: reason(problem) });
  return Object.freeze({
    'method-not-allowed': Object.freeze({
      outcome: 'deny' as const,
      status: DENY_CODES.method_not_allowed.status,
      title: DENY_CODES.method_not_allowed.title,
      code: 'method_not_allowed',
      headers: [['allow', allowHeader]] as const,
      annotations: reason('method-not-allowed'),
    }),
    'unsupported-media-type': Object.freeze({
      outcome: 'deny' as const,
      status: DENY_CODES.unsupported_media_type.status,
      title: DENY_CODES.unsupported_media_type.title,
      code: 'unsupported_media_type',
      detail: 'Send a GraphQL request as application/json or application/graphql',
      annotations: reason('unsupported-media-type'),
    }),
    'body-missing': invalid('body-missing', 'A POST request needs a GraphQL request body'),
    'not-an-object': invalid('not-an-object', 'The request must be a JSON object'),
    'query-not-string': invalid('query-not-string', 'query must be a string'),
    'variables-not-object': invalid('variables-not-object', 'variables must be a JSON object'),
    'operation-name-not-string': invalid('operation-name-not-string', 'operationName must be a string'),
    'extensions-not-object': invalid('extensions-not-object', 'extensions must be a JSON object'),
    'parameter-repeated': invalid('parameter-repeated', 'A GraphQL parameter is repeated in the query string'),
    'parameter-in-url': invalid('parameter-in-url', 'A POST carries its GraphQL request in the body only, not in the URL'),
    'batch-empty': invalid('batch-empty', 'A batch must hold at least one request'),
    'batch-refused': graphqlDeny('graphql_batch_too_large', { detail: 'Batched requests are not accepted', annotations: reason('batch-refused') }),
    'batch-too-large': graphqlDeny('graphql_batch_too_large', { annotations: reason('batch-too-large'), extensions: Object.freeze({ limit: maxBatch }) }),
  });
}

/** A mutation (or subscription) sent over GET: GraphQL over HTTP allows only queries there. */
export const MUTATION_OVER_GET: DenyOutcome = graphqlDeny('graphql_invalid', {
  detail: 'Only queries may be sent with GET; use POST',
  annotations: Object.freeze({ 'graphql.reason': 'operation-over-get' }),
});
