import { print, type DocumentNode, type GraphQLError } from 'graphql';
import type { GraphQLRequestInput } from '../analyzer/index.js';
import { asRecord, compileProtection, type GraphQLProtectionOptions, type Protection } from './protection.js';

/*
 * An Envelop plugin (works in graphql-yoga 5 and any Envelop 5 server). Only structural types are
 * used here, so @portcullis/graphql never depends on graphql-yoga or @envelop/core at run time.
 *
 * Two paths, one analyzer:
 * - Yoga fast path, `onParams`: runs on the raw request parameters before Yoga parses or validates
 *   anything, so an oversized or hostile document costs one bounded analysis and nothing more.
 * - Envelop path, `onExecute`/`onSubscribe`: runs after the server parsed and validated. The text
 *   analyzed is the parsed document's own source (`document.loc.source.body`); only a document
 *   without location info is re-printed with `print()` (slower, and trusted-document hashes then
 *   have to be of the printed text). Skipped when the fast path already checked the same request.
 */

/** The request parameters as Yoga hands them to `onParams` (GraphQL-over-HTTP fields). */
export interface YogaParamsLike {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

/**
 * What `identity` receives in Yoga: the Yoga context (`request`, `params`, and the server context
 * such as `req`/`res` under node:http). In the fast path the user's own `context` factory has not
 * run yet, so read credentials from `request` (a Fetch API Request). In a plain Envelop server it
 * is the execution context value.
 */
export interface YogaProtectionContext {
  readonly request?: Request;
  readonly params?: YogaParamsLike;
  readonly [key: string]: unknown;
}

interface ErrorResult {
  errors: readonly GraphQLError[];
}

/** The parts of Yoga's `onParams` payload this plugin uses. */
export interface OnParamsPayloadLike {
  request: Request;
  params: YogaParamsLike;
  context: object;
  setResult(result: ErrorResult): void;
}

/** The parts of Envelop's `onExecute`/`onSubscribe` payload this plugin uses. */
export interface OnExecutePayloadLike {
  args: {
    // Envelop types these as `any`; they are a graphql-js DocumentNode and plain values.
    document: unknown;
    variableValues?: unknown;
    operationName?: unknown;
    contextValue?: unknown;
  };
  setResultAndStopExecution(result: ErrorResult): void;
}

/** The Envelop/Yoga plugin object; pass it in `plugins: [...]` of createYoga or envelop. */
export interface GraphQLProtectionPlugin {
  onParams(payload: OnParamsPayloadLike): void | Promise<void>;
  onExecute(payload: OnExecutePayloadLike): void | Promise<void>;
  onSubscribe(payload: OnExecutePayloadLike): void | Promise<void>;
}

export type YogaProtectionOptions = GraphQLProtectionOptions<YogaProtectionContext>;

/** What the fast path analyzed for a context, so the execution hook can skip the same request. */
interface CheckedRequest {
  readonly query: string | undefined;
  readonly operationName: unknown;
  readonly variables: unknown;
}

export function useGraphQLProtection(options: YogaProtectionOptions = {}): GraphQLProtectionPlugin {
  const protection: Protection<YogaProtectionContext> = compileProtection(options, 'useGraphQLProtection');
  // Keyed by the Yoga context object; entries go away with the request.
  const checked = new WeakMap<object, CheckedRequest>();

  const onExecute = (payload: OnExecutePayloadLike): void | Promise<void> => {
    const { args } = payload;
    const contextValue = asRecord(args.contextValue);
    const input = executionInput(args, contextValue);
    if (contextValue !== undefined) {
      const previous = checked.get(contextValue);
      if (
        previous !== undefined &&
        previous.query === input.query &&
        previous.operationName === args.operationName &&
        previous.variables === args.variableValues
      ) {
        return;
      }
    }
    const verdict = protection.check(input, (contextValue ?? {}) as YogaProtectionContext);
    const apply = (analysis: Awaited<typeof verdict>): void => {
      if (!analysis.ok) payload.setResultAndStopExecution({ errors: [protection.refusal(analysis)] });
    };
    if (verdict instanceof Promise) return verdict.then(apply);
    apply(verdict);
  };

  return Object.freeze({
    onParams(payload: OnParamsPayloadLike): void | Promise<void> {
      const { params, request, context } = payload;
      const input: GraphQLRequestInput = {
        query: params.query,
        variables: params.variables ?? null,
        operationName: params.operationName ?? null,
        extensions: params.extensions ?? null,
      };
      // The same shape Yoga later gives resolvers: the server context plus `request` and `params`.
      const yogaContext = Object.assign(Object.create(context) as object, { request, params }) as YogaProtectionContext;
      const verdict = protection.check(input, yogaContext);
      const apply = (analysis: Awaited<typeof verdict>): void => {
        if (!analysis.ok) {
          // setResult (rather than throwing) answers only this operation, also inside a batch.
          payload.setResult({ errors: [protection.refusal(analysis)] });
          return;
        }
        checked.set(context, {
          query: params.query,
          operationName: params.operationName,
          variables: params.variables,
        });
      };
      if (verdict instanceof Promise) return verdict.then(apply);
      apply(verdict);
    },
    onExecute,
    onSubscribe: onExecute,
  });
}

function executionInput(
  args: OnExecutePayloadLike['args'],
  contextValue: Record<string, unknown> | undefined,
): GraphQLRequestInput {
  const document = args.document as DocumentNode;
  // The parser keeps the original text on `loc` unless told not to; printing is the fallback.
  const query = document.loc?.source.body ?? print(document);
  // Yoga keeps the request's extensions (e.g. persistedQuery) in `context.params`; plain Envelop has none.
  const params = asRecord(contextValue?.['params']);
  const extensions = asRecord(params?.['extensions']) ?? null;
  return {
    query,
    variables: (asRecord(args.variableValues) ?? null),
    operationName: typeof args.operationName === 'string' ? args.operationName : null,
    extensions,
  };
}
