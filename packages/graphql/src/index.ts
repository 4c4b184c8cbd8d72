// The public API of @portcullis/graphql. Every export is listed here explicitly.

export { createAnalyzer, GRAPHQL_DENY_CODES, documentHash } from './analyzer/index.js';
export type {
  Analyzer,
  Analysis,
  AnalyzerOptions,
  AccessRequirement,
  GraphQLMetrics,
  GraphQLRequestInput,
  GraphQLDenyCode,
} from './analyzer/index.js';

export { useGraphQLProtection } from './plugins/yoga.js';
export type { GraphQLProtectionPlugin, YogaProtectionOptions, YogaProtectionContext, YogaParamsLike, OnParamsPayloadLike, OnExecutePayloadLike } from './plugins/yoga.js';
export { apolloProtection } from './plugins/apollo.js';
export type { ApolloProtectionPlugin, ApolloProtectionOptions, ApolloProtectionListener, ApolloRequestContextLike, ApolloRequestLike } from './plugins/apollo.js';
export type { GraphQLProtectionOptions, IdentityResolver } from './plugins/protection.js';

export { graphql } from './transport/graphql-guard.js';
export type { GraphQLGuardOptions, GraphQLBatchOptions, GraphQLMethod } from './transport/options.js';
