import type { Analysis, GraphQLRequestInput } from '../analyzer/index.js';
import { compileProtection, type GraphQLProtectionOptions, type Protection } from './protection.js';

/*
 * An Apollo Server 4/5 plugin. Only structural types are used, so @portcullis/graphql never
 * depends on @apollo/server at run time.
 *
 * Apollo Server's pipeline decides where a refusal can happen: an error thrown from
 * `requestDidStart` or `didResolveSource` becomes a generic 500 ("Internal server error"), while
 * one thrown from `didResolveOperation` is answered as a GraphQL error with the status in
 * `extensions.http`. So the document is analyzed in `didResolveSource` (the resolved text, after
 * automatic persisted queries, before Apollo parses) and the refusal is thrown from
 * `didResolveOperation`. Apollo parses and validates in between: bound that work with Apollo's
 * `parseOptions: { maxTokens }` and a body size limit, or use the route guard `graphql()` in front
 * of the server to refuse before any parsing (see docs/graphql-plugins.md).
 */

/** The parts of Apollo's GraphQLRequest this plugin reads. */
export interface ApolloRequestLike {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

/** The parts of Apollo's GraphQLRequestContext this plugin reads. */
export interface ApolloRequestContextLike<Context> {
  readonly request: ApolloRequestLike;
  readonly source?: string;
  readonly contextValue: Context;
}

/** The request listener returned from `requestDidStart`. */
export interface ApolloProtectionListener<Context> {
  didResolveSource(requestContext: ApolloRequestContextLike<Context>): Promise<void>;
  didResolveOperation(requestContext: ApolloRequestContextLike<Context>): Promise<void>;
}

/** The plugin object; pass it in `plugins: [...]` of `new ApolloServer(...)`. */
export interface ApolloProtectionPlugin<Context> {
  requestDidStart(requestContext: ApolloRequestContextLike<Context>): Promise<ApolloProtectionListener<Context>>;
}

/** `identity` receives Apollo's `contextValue` (what your `context` function returned). */
export type ApolloProtectionOptions<Context> = GraphQLProtectionOptions<Context>;

export function apolloProtection<Context extends object = Record<string, unknown>>(
  options: ApolloProtectionOptions<Context> = {},
): ApolloProtectionPlugin<Context> {
  const protection: Protection<Context> = compileProtection(options, 'apolloProtection');

  return Object.freeze({
    async requestDidStart(): Promise<ApolloProtectionListener<Context>> {
      // One listener per operation (Apollo calls requestDidStart per operation of a batch).
      let analysis: Analysis | undefined;
      return {
        async didResolveSource(requestContext: ApolloRequestContextLike<Context>): Promise<void> {
          analysis = await protection.check(apolloInput(requestContext), requestContext.contextValue);
        },
        async didResolveOperation(requestContext: ApolloRequestContextLike<Context>): Promise<void> {
          // didResolveSource always runs first; analyzing here too keeps the plugin fail-closed
          // should a future Apollo version skip it.
          analysis ??= await protection.check(apolloInput(requestContext), requestContext.contextValue);
          if (!analysis.ok) throw protection.refusal(analysis);
        },
      };
    },
  });
}

function apolloInput(requestContext: ApolloRequestContextLike<unknown>): GraphQLRequestInput {
  const { request } = requestContext;
  return {
    // `source` is the text Apollo will parse: `request.query`, or the text an APQ hash resolved to.
    query: requestContext.source ?? request.query,
    variables: request.variables ?? null,
    operationName: request.operationName ?? null,
    extensions: request.extensions ?? null,
  };
}
