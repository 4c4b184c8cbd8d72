/**
 * The GraphQL route guard (`@portcullis/graphql`) through every adapter: POST application/json,
 * POST application/graphql, GET with query parameters, batches, the analyzer's refusals
 * (depth, aliases, introspection, trusted documents), malformed requests, and a rate limit in the
 * body phase charging the cost the guard computed.
 *
 * Most GraphQL refusals carry a fixed `detail` (e.g. "query too deep"), which core renders between
 * `code` and `requestId`; the runner's exact problem body has no place for it, so those scenarios
 * check the status, that the handler never ran, the problem headers and that no request data is
 * echoed (`graphqlRefused`), and the suite compares every adapter's body with the reference's
 * byte for byte. Refusals without a detail are checked exactly (`denied`).
 */
import { documentHash, graphql } from '@portcullis/graphql';
import { rateLimit } from '@portcullis/rate-limit';
import type { Header } from '../../support/raw-http.js';
import { allowedOn, denied, handled, policy, type Expectation, type Scenario, type ScenarioRequest } from '../scenario.js';

const SCHEMA = `
  type Query {
    user(id: ID!): User
    users(first: Int): [User!]!
    version: String
  }
  type Mutation {
    rename(id: ID!, name: String!): User
  }
  type User {
    id: ID!
    name: String
    friends(first: Int): [User!]!
  }
`;

const ROUTE = 'graphql';
const ON_ROUTE = allowedOn(ROUTE);
/** sha256 (hex) of the document `{ version }`. */
const VERSION_HASH = '1dee97279832c351624025387be36873845c282288b1f0a51ccf63e6b5f7549f';

const LIMITS = { depth: 4, aliases: 3 } as const;

const guarded = policy('graphql: schema, depth 4, aliases 3, batches of 2', () => ({
  routes: [{ id: ROUTE, path: '/graphql', guards: [graphql({ schema: SCHEMA, limits: LIMITS, batch: { maxOperations: 2 } })] }],
}));

const graphqlErrors = policy('graphql: refusals in the GraphQL error format', () => ({
  routes: [{ id: ROUTE, path: '/graphql', guards: [graphql({ schema: SCHEMA, limits: LIMITS, errorFormat: 'graphql' })] }],
}));

const trusted = policy('graphql: trusted documents enforced', () => ({
  routes: [{ id: ROUTE, path: '/graphql', guards: [graphql({ schema: SCHEMA, trustedDocuments: { mode: 'enforce', sha256: [VERSION_HASH], documents: { [VERSION_HASH]: '{ version }' } } })] }],
}));

/** 2030-01-01T12:00:00Z: a whole minute, so the 60 s window has 60 s left on every adapter. */
const NOON = Date.UTC(2030, 0, 1, 12, 0, 0);
const charged = policy('graphql: a rate limit charges the GraphQL cost', () => ({
  clock: () => NOON,
  routes: [
    {
      id: ROUTE,
      path: '/graphql',
      guards: [
        graphql({ schema: SCHEMA }),
        rateLimit({ phase: 'body', limits: [{ points: 5, windowSeconds: 60 }], cost: (_request, context) => Number(context.annotations['graphql.cost'] ?? 1) }),
      ],
    },
  ],
}));

const JSON_TYPE: Header = ['Content-Type', 'application/json'];

const postJson = (body: unknown): ScenarioRequest => ({ method: 'POST', target: '/graphql', headers: [JSON_TYPE], body: JSON.stringify(body) });
const postRaw = (body: string, contentType: string): ScenarioRequest => ({ method: 'POST', target: '/graphql', headers: [['Content-Type', contentType]], body });
const getWith = (params: Record<string, string>): ScenarioRequest => ({ method: 'GET', target: `/graphql?${new URLSearchParams(params).toString()}` });

/** A GraphQL refusal with a fixed detail: status, not handled, problem headers, nothing echoed. */
function graphqlRefused(status: number, mustNotContain: readonly string[]): Expectation {
  return {
    status,
    handled: false,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
    mustNotContain,
  };
}

/** `users { friends { friends { ... } } }`, `levels` friends deep. */
function deepQuery(levels: number): string {
  let selection = 'id';
  for (let i = 0; i < levels; i++) selection = `friends(first: 1) { ${selection} }`;
  return `{ users(first: 1) { ${selection} } }`;
}

const SMALL = { query: '{ users(first: 2) { id name } }' };

export const graphqlScenarios: readonly Scenario[] = [
  {
    name: 'graphql: an allowed POST application/json query is handled with the body as validated',
    policy: guarded,
    request: postJson(SMALL),
    expect: handled({ body: SMALL, sameBodyAsValidated: true, decision: ON_ROUTE }),
  },
  {
    name: 'graphql: an allowed GET query is handled',
    policy: guarded,
    request: getWith({ query: 'query V($id: ID!) { user(id: $id) { name } }', variables: '{"id":"1"}', operationName: 'V' }),
    expect: handled({ body: null, decision: ON_ROUTE }),
  },
  {
    name: 'graphql: a GET without GraphQL parameters (a GraphiQL page load) is handled',
    policy: guarded,
    request: { method: 'GET', target: '/graphql', headers: [['Accept', 'text/html']] },
    expect: handled({ body: null, decision: ON_ROUTE }),
  },
  {
    name: 'graphql: an application/graphql body is read and handled',
    policy: guarded,
    request: postRaw('{ user(id: "1") { name } }', 'application/graphql'),
    expect: handled({ body: '{ user(id: "1") { name } }', sameBodyAsValidated: true, decision: ON_ROUTE }),
  },
  {
    name: 'graphql: a depth bomb is 400 graphql_depth_exceeded',
    policy: guarded,
    request: postJson({ query: deepQuery(8) }),
    // No `limit` member without exposeDetails.
    expect: graphqlRefused(400, ['friends', '"limit"']),
  },
  {
    name: 'graphql: errorFormat graphql answers the depth bomb as GraphQL errors, identically on every adapter',
    policy: graphqlErrors,
    request: postJson({ query: deepQuery(8) }),
    expect: {
      status: 400,
      handled: false,
      headers: { 'content-type': 'application/graphql-response+json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
      mustNotContain: ['friends', '"limit"'],
    },
  },
  {
    name: 'graphql: with the framework body parser first, the parsed body is analyzed and handled',
    policy: guarded,
    options: { frameworkBodyParser: true },
    request: postJson(SMALL),
    expect: handled({ body: SMALL, sameBodyAsValidated: true, decision: ON_ROUTE }),
  },
  {
    name: 'graphql: with the framework body parser first, a depth bomb is refused',
    policy: guarded,
    options: { frameworkBodyParser: true },
    request: postJson({ query: deepQuery(8) }),
    expect: graphqlRefused(400, ['friends']),
  },
  {
    name: 'graphql: a depth bomb in an application/graphql body is refused',
    policy: guarded,
    request: postRaw(deepQuery(8), 'application/graphql'),
    expect: graphqlRefused(400, ['friends']),
  },
  {
    name: 'graphql: too many aliases is 400',
    policy: guarded,
    request: postJson({ query: '{ a: version b: version c: version d: version }' }),
    expect: graphqlRefused(400, ['version']),
  },
  {
    name: 'graphql: introspection over GET is 403',
    policy: guarded,
    request: getWith({ query: '{ __schema { types { name } } }' }),
    expect: graphqlRefused(403, ['__schema']),
  },
  {
    name: 'graphql: a mutation over GET is refused (only queries may be sent with GET)',
    policy: guarded,
    request: getWith({ query: 'mutation { rename(id: "1", name: "x") { id } }' }),
    expect: graphqlRefused(400, ['rename']),
  },
  {
    name: 'graphql: a batch within the limit is handled',
    policy: guarded,
    request: postJson([SMALL, { query: '{ version }' }]),
    expect: handled({ body: [SMALL, { query: '{ version }' }], sameBodyAsValidated: true, decision: ON_ROUTE }),
  },
  {
    name: 'graphql: a batch over the limit is 400 graphql_batch_too_large',
    policy: guarded,
    request: postJson([SMALL, SMALL, SMALL]),
    expect: denied(400, 'graphql_batch_too_large'),
  },
  {
    name: 'graphql: malformed JSON is 400 json_invalid (core, before the guard)',
    policy: guarded,
    request: postRaw('{"query": "{ version }"', 'application/json'),
    expect: denied(400, 'json_invalid'),
  },
  {
    name: 'graphql: JSON that is not a GraphQL request is 400',
    policy: guarded,
    request: postJson({ query: 987654321, variables: 'x' }),
    expect: graphqlRefused(400, ['987654321']),
  },
  {
    name: 'graphql: a text/plain body is 415 (no cross-site form posts)',
    policy: guarded,
    request: postRaw('{ version }', 'text/plain'),
    expect: graphqlRefused(415, ['version']),
  },
  {
    name: 'graphql: PUT is 405 with Allow',
    policy: guarded,
    request: { method: 'PUT', target: '/graphql', headers: [JSON_TYPE], body: JSON.stringify(SMALL) },
    expect: denied(405, 'method_not_allowed', { allow: 'GET, POST' }),
  },
  {
    name: 'graphql: a trusted document is handled',
    policy: trusted,
    request: postJson({ query: '{ version }' }),
    expect: handled({ body: { query: '{ version }' }, sameBodyAsValidated: true, decision: ON_ROUTE }),
  },
  {
    name: 'graphql: a registered persisted-query hash alone is handled (GET)',
    policy: trusted,
    request: getWith({ extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: VERSION_HASH } }) }),
    expect: handled({ body: null, decision: ON_ROUTE }),
  },
  {
    name: 'graphql: a persisted-query hash alone that is not registered is 400 (the client sends the document)',
    policy: trusted,
    request: postJson({ extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(SMALL.query) } } }),
    expect: graphqlRefused(400, ['users']),
  },
  {
    name: 'graphql: a document that is not trusted is 403 graphql_document_not_trusted',
    policy: trusted,
    request: postJson(SMALL),
    expect: denied(403, 'graphql_document_not_trusted'),
  },
  {
    name: 'graphql: a persisted query (document and its hash) that is not trusted is 403 graphql_document_not_trusted',
    policy: trusted,
    request: postJson({ query: SMALL.query, extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(SMALL.query) } } }),
    expect: denied(403, 'graphql_document_not_trusted'),
  },
  {
    name: 'graphql: a rate limit in the body phase charges the query cost (3 of 5 points, then 429)',
    policy: charged,
    before: [postJson({ query: '{ users(first: 3) { id } }' })],
    request: postJson({ query: '{ users(first: 3) { id } }' }),
    expect: denied(429, 'rate_limited', { 'retry-after': '60', 'ratelimit-policy': '"w60";q=5;w=60', ratelimit: '"w60";r=0;t=60' }),
  },
];
