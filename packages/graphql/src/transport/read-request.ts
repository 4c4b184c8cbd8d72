import { isPlainObject, type FirewallRequest, type ParsedBody } from '@portcullis/core';
import type { GraphQLRequestInput } from '../analyzer/index.js';

/**
 * Why a request is not a GraphQL request this endpoint accepts. Each has one fixed refusal
 * (refusals.ts); none carries request data.
 */
const TRANSPORT_PROBLEMS = [
  'method-not-allowed',
  'unsupported-media-type',
  'body-missing',
  'not-an-object',
  'query-not-string',
  'variables-not-object',
  'operation-name-not-string',
  'extensions-not-object',
  'parameter-repeated',
  'parameter-in-url',
  'batch-empty',
  'batch-refused',
  'batch-too-large',
] as const;

export type TransportProblem = (typeof TRANSPORT_PROBLEMS)[number];

/** The GraphQL request(s) an HTTP request carries, or why it carries none. */
export type TransportRead =
  /** A GET with no GraphQL parameter at all (e.g. a GraphiQL page load): nothing to execute, nothing to analyze. */
  | { readonly kind: 'no-operation' }
  | { readonly kind: 'single'; readonly input: GraphQLRequestInput; readonly overGet: boolean }
  | { readonly kind: 'batch'; readonly inputs: readonly GraphQLRequestInput[] }
  | { readonly kind: 'refused'; readonly problem: TransportProblem };

type Refused = Extract<TransportRead, { kind: 'refused' }>;

/** The parameters GraphQL over HTTP defines; in a POST's URL they are refused. */
const GRAPHQL_PARAMETERS = ['query', 'variables', 'operationName', 'extensions'] as const;

/** One frozen read per problem: a refusal allocates nothing. */
const REFUSED = Object.freeze(
  Object.fromEntries(TRANSPORT_PROBLEMS.map((problem) => [problem, Object.freeze({ kind: 'refused' as const, problem })])) as Record<TransportProblem, Refused>,
);

const NO_OPERATION: TransportRead = Object.freeze({ kind: 'no-operation' });

/** The GraphQL document media type (GraphQL over HTTP, legacy but still sent by clients). */
const GRAPHQL_MEDIA_TYPE = 'application/graphql';

/** `type/subtype` of a Content-Type, lower-case; core has already refused malformed ones for bodies it read. */
function mediaEssence(request: FirewallRequest): string {
  const header = request.headers.get('content-type');
  if (header === undefined) return '';
  const semicolon = header.indexOf(';');
  return (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
}

/** `null` and absent are the same in GraphQL over HTTP. */
function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/**
 * One request object (`{ query, variables, operationName, extensions }`), checked member by member.
 * Unknown members are ignored, as GraphQL over HTTP lets servers do. The values are handed to the
 * analyzer as they are: it bounds what it reads from them.
 */
function inputFromObject(value: unknown): GraphQLRequestInput | Refused {
  if (!isPlainObject(value)) return REFUSED['not-an-object'];
  const { query, variables, operationName, extensions } = value;
  if (!isAbsent(query) && typeof query !== 'string') return REFUSED['query-not-string'];
  if (!isAbsent(variables) && !isPlainObject(variables)) return REFUSED['variables-not-object'];
  if (!isAbsent(operationName) && typeof operationName !== 'string') return REFUSED['operation-name-not-string'];
  if (!isAbsent(extensions) && !isPlainObject(extensions)) return REFUSED['extensions-not-object'];
  return {
    ...(isAbsent(query) ? {} : { query }),
    ...(isAbsent(variables) ? {} : { variables }),
    ...(isAbsent(operationName) ? {} : { operationName }),
    ...(isAbsent(extensions) ? {} : { extensions }),
  };
}

function isRefused(value: GraphQLRequestInput | Refused): value is Refused {
  return (value as Partial<Refused>).kind === 'refused';
}

/** A parsed JSON body: one request object, or a batch (an array of them). */
function fromJsonValue(value: unknown, maxBatch: number): TransportRead {
  if (!Array.isArray(value)) {
    const input = inputFromObject(value);
    return isRefused(input) ? input : { kind: 'single', input, overGet: false };
  }
  if (maxBatch === 0) return REFUSED['batch-refused'];
  if (value.length === 0) return REFUSED['batch-empty'];
  // Checked before any element is looked at: the length alone decides.
  if (value.length > maxBatch) return REFUSED['batch-too-large'];
  const inputs: GraphQLRequestInput[] = [];
  for (const element of value as unknown[]) {
    const input = inputFromObject(element);
    if (isRefused(input)) return input;
    inputs.push(input);
  }
  return { kind: 'batch', inputs };
}

/** Keys that would turn a parsed object into something else than data once spread or merged downstream. */
function refuseForbiddenKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new SyntaxError('forbidden key');
  return value;
}

/** A JSON-encoded query parameter (`variables`, `extensions`): an object, or a refusal. Never throws. */
function jsonObjectParameter(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text, refuseForbiddenKeys);
  } catch {
    return undefined;
  }
  return isPlainObject(value) ? value : undefined;
}

/** The single value of a query parameter; `null` when it is repeated (ambiguous: refused). */
function singleParameter(request: FirewallRequest, name: string): string | undefined | null {
  const values = request.query.get(name);
  if (values === undefined || values.length === 0) return undefined;
  return values.length === 1 ? (values[0] as string) : null;
}

/** GET: `query`, `variables` (JSON), `operationName`, `extensions` (JSON) from the query string. */
function fromQueryString(request: FirewallRequest): TransportRead {
  const query = singleParameter(request, 'query');
  const variables = singleParameter(request, 'variables');
  const operationName = singleParameter(request, 'operationName');
  const extensions = singleParameter(request, 'extensions');
  if (query === null || variables === null || operationName === null || extensions === null) return REFUSED['parameter-repeated'];
  if (query === undefined && variables === undefined && operationName === undefined && extensions === undefined) return NO_OPERATION;
  const input: { -readonly [K in keyof GraphQLRequestInput]: GraphQLRequestInput[K] } = {};
  if (query !== undefined) input.query = query;
  if (operationName !== undefined) input.operationName = operationName;
  if (variables !== undefined) {
    const parsed = jsonObjectParameter(variables);
    if (parsed === undefined) return REFUSED['variables-not-object'];
    input.variables = parsed;
  }
  if (extensions !== undefined) {
    const parsed = jsonObjectParameter(extensions);
    if (parsed === undefined) return REFUSED['extensions-not-object'];
    input.extensions = parsed;
  }
  return { kind: 'single', input, overGet: true };
}

/** POST: the body core read (JSON, an `application/graphql` document) or a framework parser's value. */
function fromBody(request: FirewallRequest, body: ParsedBody, maxBatch: number): TransportRead {
  switch (body.kind) {
    case 'json':
      return fromJsonValue(body.value, maxBatch);
    case 'text':
      // Core decodes text/* too; only the GraphQL media type is a document. Accepting text/plain
      // would let a cross-site form post (a CORS "simple" request) reach the endpoint.
      if (mediaEssence(request) !== GRAPHQL_MEDIA_TYPE) return REFUSED['unsupported-media-type'];
      return { kind: 'single', input: { query: body.value }, overGet: false };
    case 'framework':
      // A framework parser ran first: a JSON value, or the text of an application/graphql body.
      if (typeof body.value === 'string') {
        if (mediaEssence(request) !== GRAPHQL_MEDIA_TYPE) return REFUSED['unsupported-media-type'];
        return { kind: 'single', input: { query: body.value }, overGet: false };
      }
      return fromJsonValue(body.value, maxBatch);
    case 'none':
      return REFUSED['body-missing'];
    case 'form':
    case 'unread':
      return REFUSED['unsupported-media-type'];
  }
}

/** The methods the guard accepts are checked by the caller; GET reads the query string, POST the body. */
export function readGraphQLRequest(request: FirewallRequest, maxBatch: number): TransportRead | Promise<TransportRead> {
  if (request.method === 'GET') return fromQueryString(request);
  if (request.method !== 'POST') return REFUSED['method-not-allowed'];
  // Some servers (express-graphql and the handlers copied from it) prefer `?query=` over the body:
  // a POST carrying GraphQL parameters in its URL could run something other than what was analyzed.
  if (request.rawQuery !== '') {
    for (const name of GRAPHQL_PARAMETERS) if (request.query.has(name)) return REFUSED['parameter-in-url'];
  }
  return request.body().then((body) => fromBody(request, body, maxBatch));
}
