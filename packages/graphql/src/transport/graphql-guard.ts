import { defineGuard, type AllowOutcome, type DenyOutcome, type FirewallRequest, type GuardContext, type GuardDefinition, type GuardOutcome } from '@portcullis/core';
import { createAnalyzer, type Analyzer, type GraphQLRequestInput } from '../analyzer/index.js';
import { AnalysisRefusals } from './analysis-refusals.js';
import { OperationTypes, registeredDocuments } from './operation-type.js';
import { readTransportOptions, type GraphQLGuardOptions } from './options.js';
import { readGraphQLRequest, type TransportRead } from './read-request.js';
import { MUTATION_OVER_GET, transportRefusals } from './refusals.js';

/** A GET without any GraphQL parameter executes nothing (servers answer it with a page or a 400 of their own). */
const NO_OPERATION: AllowOutcome = Object.freeze({ outcome: 'allow', annotations: Object.freeze({ 'graphql.operations': 0 }) });

/**
 * The GraphQL route guard: reads the GraphQL request(s) an HTTP request carries (POST
 * `application/json`, POST `application/graphql`, GET `query`/`variables`/`operationName`/
 * `extensions`, batched JSON arrays), analyzes each with the shared analyzer, and refuses with
 * problem+json (or the GraphQL error format), or allows and annotates the decision with the cost (summed over a batch), the
 * greatest depth and the number of operations, so that a rate limit after it can charge the cost.
 * Runs in the `body` phase; see docs/graphql.md.
 */
export function graphql(options: GraphQLGuardOptions): GuardDefinition {
  return defineGuard('graphql', (context) => {
    const o = readTransportOptions(options, context.path);
    const analyzer: Analyzer = createAnalyzer(o.analyzer, context.path);
    for (const warning of analyzer.warnings) {
      context.report({ code: 'PC_GRAPHQL_SCHEMA_WARNING', severity: 'warn', guard: o.common.id, path: context.path, message: warning });
    }
    const operationTypes = new OperationTypes(registeredDocuments(o.analyzer));
    const refusals = transportRefusals(o.allowHeader, o.maxBatch);
    const analysisRefusals = new AnalysisRefusals();
    // `errorFormat: 'graphql'`: the same frozen refusals, rendered by core in the GraphQL error format.
    const inGraphQLFormat = new WeakMap<DenyOutcome, DenyOutcome>();
    const formatted = (outcome: GuardOutcome): GuardOutcome => {
      if (o.errorFormat !== 'graphql' || outcome.outcome !== 'deny') return outcome;
      let deny = inGraphQLFormat.get(outcome);
      if (deny === undefined) {
        deny = Object.freeze({ ...outcome, format: 'graphql' as const });
        inGraphQLFormat.set(outcome, deny);
      }
      return deny;
    };

    /** Analyzes every request of the read; the first refusal answers for the whole HTTP request. */
    const decide = (read: TransportRead, guardContext: GuardContext): GuardOutcome => {
      if (read.kind === 'refused') return refusals[read.problem];
      if (read.kind === 'no-operation') return NO_OPERATION;
      const inputs: readonly GraphQLRequestInput[] = read.kind === 'single' ? [read.input] : read.inputs;
      let cost = 0;
      let depth = 0;
      // Trusted documents in `report` mode: the analysis passes, and the decision says it was not trusted.
      let trusted: boolean | undefined;
      for (const input of inputs) {
        const analysis = analyzer.analyze(input, guardContext.identity);
        if (!analysis.ok) return analysisRefusals.denyFor(analysis);
        if (read.kind === 'single' && read.overGet && operationTypes.of(analysis, input) !== 'query') return MUTATION_OVER_GET;
        cost += analysis.metrics.cost;
        if (analysis.metrics.depth > depth) depth = analysis.metrics.depth;
        if (analysis.metrics.trusted !== undefined) trusted = (trusted ?? true) && analysis.metrics.trusted;
      }
      const annotations: Record<string, number | boolean> = { 'graphql.cost': cost, 'graphql.depth': depth, 'graphql.operations': inputs.length };
      if (trusted !== undefined) annotations['graphql.trusted'] = trusted;
      const allow: AllowOutcome = { outcome: 'allow', annotations };
      return allow;
    };

    return Object.freeze({
      id: o.common.id,
      kind: 'graphql',
      // The body phase: the body has been read (capped, parsed) by core's body guard by then.
      phase: 'body' as const,
      mode: o.common.mode,
      onError: o.common.onError,
      timeoutMs: o.common.timeoutMs,
      evaluate(request: FirewallRequest, guardContext: GuardContext): GuardOutcome | Promise<GuardOutcome> {
        if (!o.methods.has(request.method)) return formatted(refusals['method-not-allowed']);
        const read = readGraphQLRequest(request, o.maxBatch);
        return read instanceof Promise ? read.then((r) => formatted(decide(r, guardContext))) : formatted(decide(read, guardContext));
      },
    });
  });
}
