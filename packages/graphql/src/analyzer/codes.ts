/**
 * Deny codes of the GraphQL analyzer (the problem `type` suffix). Listed in docs/errors.md.
 * `graphql_batch_too_large` belongs to the transport but lives here so one table names them all.
 */
export const GRAPHQL_DENY_CODES = Object.freeze({
  graphql_invalid: { status: 400, title: 'Invalid GraphQL request' },
  graphql_document_too_large: { status: 400, title: 'GraphQL document too large' },
  graphql_depth_exceeded: { status: 400, title: 'GraphQL query too deep' },
  graphql_aliases_exceeded: { status: 400, title: 'Too many GraphQL aliases' },
  graphql_directives_exceeded: { status: 400, title: 'Too many GraphQL directives' },
  graphql_root_fields_exceeded: { status: 400, title: 'Too many GraphQL root fields' },
  graphql_duplicate_fields: { status: 400, title: 'Too many duplicate GraphQL fields' },
  graphql_operations_exceeded: { status: 400, title: 'Too many GraphQL operations' },
  graphql_cost_exceeded: { status: 400, title: 'GraphQL query too expensive' },
  graphql_introspection_refused: { status: 403, title: 'GraphQL introspection not allowed' },
  graphql_document_not_trusted: { status: 403, title: 'GraphQL document not trusted' },
  graphql_field_forbidden: { status: 403, title: 'GraphQL field not allowed' },
  graphql_batch_too_large: { status: 400, title: 'GraphQL batch too large' },
} as const satisfies Record<string, { status: number; title: string }>);

export type GraphQLDenyCode = keyof typeof GRAPHQL_DENY_CODES;
