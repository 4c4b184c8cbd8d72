export { createAnalyzer } from './analyzer.js';
export type { Analyzer, Analysis, GraphQLMetrics, GraphQLRequestInput } from './analyzer.js';
export type { AnalyzerOptions, AccessRequirement } from './options.js';
export { GRAPHQL_DENY_CODES } from './codes.js';
export type { GraphQLDenyCode } from './codes.js';
export { documentHash } from './trusted-documents.js';
