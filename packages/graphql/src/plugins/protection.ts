import { GraphQLError } from 'graphql';
import { PolicyError, describeValue, readBoolean, readFunction, childPath, type Identity } from '@portcullis/core';
import { GRAPHQL_DENY_CODES, createAnalyzer } from '../analyzer/index.js';
import type { Analysis, Analyzer, AnalyzerOptions, GraphQLRequestInput } from '../analyzer/index.js';

/**
 * What the server plugins share: option reading, one analyzer, and the refusal as a GraphQL error.
 * The plugins stay thin adapters over this so that Yoga, plain Envelop and Apollo Server refuse
 * exactly the same documents with exactly the same codes as `createAnalyzer(...).analyze(...)`.
 */

/** Identity lookup: receives the server's context (see each plugin) and returns who is calling. */
export type IdentityResolver<Context> = (
  context: Context,
) => Identity | undefined | PromiseLike<Identity | undefined>;

export interface GraphQLProtectionOptions<Context> extends AnalyzerOptions {
  /** Who is calling, for `introspection.allowRoles/allowScopes` and `authorization`. */
  identity?: IdentityResolver<Context>;
  /** Adds `extensions.limit` and `extensions.detail` to refusals. Off by default: limits stay private. */
  exposeDetails?: boolean;
  /** Called with every analysis, allowed or refused (telemetry). Errors it throws are ignored. */
  onDecision?: (analysis: Analysis) => void;
}

/** The analysis a refusal is built from. */
export type RefusedAnalysis = Extract<Analysis, { ok: false }>;

export interface Protection<Context> {
  readonly analyzer: Analyzer;
  /** Synchronous unless the identity resolver returns a promise. */
  check(input: GraphQLRequestInput, context: Context): Analysis | Promise<Analysis>;
  /** The GraphQL error a refused analysis is answered with (message = the code's fixed title). */
  refusal(analysis: RefusedAnalysis): GraphQLError;
}

/**
 * Reads the plugin's own options, hands every other key to the analyzer (which refuses unknown
 * keys, naming `path.key`), and returns the shared check.
 */
export function compileProtection<Context>(options: unknown, path: string): Protection<Context> {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new PolicyError(path, `expected an object, got ${describeValue(options)}`);
  }
  const { identity, exposeDetails, onDecision, ...analyzerOptions } = options as Record<string, unknown>;
  const resolveIdentity =
    identity === undefined ? undefined : readFunction<IdentityResolver<Context>>(identity, childPath(path, 'identity'));
  const expose = readBoolean(exposeDetails, childPath(path, 'exposeDetails'), false);
  const notify =
    onDecision === undefined ? undefined : readFunction<(analysis: Analysis) => void>(onDecision, childPath(path, 'onDecision'));
  const analyzer = createAnalyzer(analyzerOptions as AnalyzerOptions, path);

  const finish = (input: GraphQLRequestInput, caller: Identity | undefined): Analysis => {
    const analysis = analyzer.analyze(input, caller);
    if (notify !== undefined) {
      try {
        notify(analysis);
      } catch {
        // Telemetry must not change the outcome of a request, nor turn a refusal into a 500.
      }
    }
    return analysis;
  };

  return Object.freeze({
    analyzer,
    check(input: GraphQLRequestInput, context: Context): Analysis | Promise<Analysis> {
      if (resolveIdentity === undefined) return finish(input, undefined);
      const caller = resolveIdentity(context);
      if (isThenable(caller)) return Promise.resolve(caller).then((resolved) => finish(input, resolved));
      return finish(input, caller);
    },
    refusal(analysis: RefusedAnalysis): GraphQLError {
      return refusalError(analysis, expose);
    },
  });
}

/**
 * `extensions.http.status` is how both Yoga and Apollo Server choose the HTTP status of an error
 * response; both strip `http` before serializing. The message is the code's fixed title: no
 * limit, count or query text unless `exposeDetails` is on.
 */
export function refusalError(analysis: RefusedAnalysis, exposeDetails: boolean): GraphQLError {
  const extensions: Record<string, unknown> = { code: analysis.code, http: { status: analysis.status } };
  if (exposeDetails) {
    if (analysis.limit !== undefined) extensions['limit'] = analysis.limit;
    if (analysis.detail !== undefined) extensions['detail'] = analysis.detail;
  }
  return new GraphQLError(GRAPHQL_DENY_CODES[analysis.code].title, { extensions });
}

function isThenable(value: unknown): value is PromiseLike<Identity | undefined> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Plain-object check for values read out of server contexts and request parameters. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
