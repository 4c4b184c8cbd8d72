import { getOperationAST, parse } from 'graphql';
import type { Analysis, AnalyzerOptions, GraphQLRequestInput } from '../analyzer/index.js';

export type OperationType = 'query' | 'mutation' | 'subscription';

function isOperationType(value: unknown): value is OperationType {
  return value === 'query' || value === 'mutation' || value === 'subscription';
}

/** The registered persisted documents by lower-case hash, as the analyzer accepted them at start-up. */
export function registeredDocuments(options: AnalyzerOptions): ReadonlyMap<string, string> {
  const documents = new Map<string, string>();
  const registered: unknown = options.trustedDocuments?.documents;
  if (typeof registered !== 'object' || registered === null) return documents;
  for (const [hash, text] of Object.entries(registered)) if (typeof text === 'string') documents.set(hash.toLowerCase(), text);
  return documents;
}

/** Distinct (document, operationName) pairs remembered; past it the memory starts over. */
const MAX_REMEMBERED = 1_000;

/**
 * The type of the operation a GET request would execute, for an analysis that passed: only
 * queries may be sent with GET (GraphQL over HTTP), since a GET must be safe to repeat and to
 * prefetch. Undefined when it cannot be known (a persisted-query hash whose text is not
 * registered); the caller refuses then.
 *
 * The analyzer's own answer is used when it gives one. Otherwise the document is parsed again,
 * once per distinct document and operation name, which is safe here: the analysis already passed,
 * so the text is within the token and nesting bounds, and `maxTokens` is set to the count the
 * analyzer measured.
 */
export class OperationTypes {
  readonly #remembered = new Map<string, OperationType | undefined>();
  readonly #registered: ReadonlyMap<string, string>;

  constructor(registered: ReadonlyMap<string, string>) {
    this.#registered = registered;
  }

  of(analysis: Extract<Analysis, { ok: true }>, input: GraphQLRequestInput): OperationType | undefined {
    const reported: unknown = (analysis as { readonly operationType?: unknown }).operationType;
    if (isOperationType(reported)) return reported;
    const key = `${analysis.documentHash}\u0000${input.operationName ?? ''}`;
    if (this.#remembered.has(key)) return this.#remembered.get(key);
    const type = this.#parse(analysis, input);
    if (this.#remembered.size >= MAX_REMEMBERED) this.#remembered.clear();
    this.#remembered.set(key, type);
    return type;
  }

  #parse(analysis: Extract<Analysis, { ok: true }>, input: GraphQLRequestInput): OperationType | undefined {
    const text = input.query ?? this.#registered.get(analysis.documentHash);
    if (text === undefined) return undefined;
    try {
      const document = parse(text, { noLocation: true, maxTokens: Math.max(1, analysis.metrics.tokens) + 1 });
      const operation: unknown = getOperationAST(document, input.operationName ?? undefined)?.operation;
      return isOperationType(operation) ? operation : undefined;
    } catch {
      return undefined;
    }
  }
}
