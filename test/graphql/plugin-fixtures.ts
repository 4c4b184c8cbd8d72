// Shared by yoga.test.ts and apollo.test.ts: one small schema, one set of analyzer options and one
// table of hostile documents, so both server plugins are held to the same expectations.
import { createHash } from 'node:crypto';
import type { Identity } from '@portcullis/core';

export const TYPE_DEFS = /* GraphQL */ `
  type Query {
    hello: String!
    user(id: ID!): User
    users(first: Int): [User!]!
  }
  type User {
    id: ID!
    name: String!
    friends(first: Int): [User!]!
  }
`;

interface UserRecord {
  id: string;
  name: string;
}

const USERS: readonly UserRecord[] = Array.from({ length: 20 }, (_, index) => ({
  id: String(index + 1),
  name: `user-${index + 1}`,
}));

/** Bounded: a list resolver never returns more than the 20 stored users. */
function firstUsers(first: unknown, excluding?: string): UserRecord[] {
  const count = typeof first === 'number' && first >= 0 ? Math.min(first, USERS.length) : 3;
  return USERS.filter((user) => user.id !== excluding).slice(0, count);
}

export const RESOLVERS = {
  Query: {
    hello: () => 'world',
    user: (_: unknown, args: { id: string }) => USERS.find((user) => user.id === args.id) ?? null,
    users: (_: unknown, args: { first?: number }) => firstUsers(args.first),
  },
  User: {
    friends: (parent: UserRecord, args: { first?: number }) => firstUsers(args.first, parent.id),
  },
};

/** Tight limits so that small documents cross them; introspection only for the `admin` role. */
export const ANALYZER_OPTIONS = {
  schema: TYPE_DEFS,
  limits: { depth: 5, aliases: 5, cost: 1_000 },
  introspection: { allowRoles: ['admin'] },
};

export const ROLE_HEADER = 'x-test-role';

/** Test-only identity: the role named in a header (a real service would verify a credential). */
export function identityForRole(role: string | null | undefined): Identity | undefined {
  if (role === null || role === undefined || role === '') return undefined;
  return { method: 'api-key', subject: `tester-${role}`, scopes: [], roles: [role], claims: {} };
}

export const LEGIT_QUERY = '{ user(id: "1") { id name friends(first: 2) { name } } }';

/** Depth 7 with tiny list sizes, so only the depth limit (5) is crossed. */
export const DEPTH_BOMB =
  '{ user(id: "1") { friends(first: 1) { friends(first: 1) { friends(first: 1) { friends(first: 1) { friends(first: 1) { id } } } } } } }';

export const ALIAS_OVERLOAD = `{ ${Array.from({ length: 10 }, (_, index) => `a${index}: hello`).join(' ')} }`;

export const INTROSPECTION_QUERY = '{ __schema { queryType { name } } }';

/** (1 + (1 + 0) * 100) * 100 = 10 100 > 1 000, with depth 3 and no alias. */
export const COSTLY_QUERY = '{ users(first: 100) { friends(first: 100) { id name } } }';

export interface HostileCase {
  readonly name: string;
  readonly query: string;
  readonly code: string;
  readonly status: number;
}

/** Schema-valid documents the plugins must refuse (valid, so Apollo's own validation lets them through). */
export const HOSTILE_CASES: readonly HostileCase[] = [
  { name: 'a depth bomb', query: DEPTH_BOMB, code: 'graphql_depth_exceeded', status: 400 },
  { name: 'an alias overload', query: ALIAS_OVERLOAD, code: 'graphql_aliases_exceeded', status: 400 },
  { name: 'introspection without the role', query: INTROSPECTION_QUERY, code: 'graphql_introspection_refused', status: 403 },
  { name: 'a query over the cost limit', query: COSTLY_QUERY, code: 'graphql_cost_exceeded', status: 400 },
];

/** Inputs whose plugin analysis must equal the analyzer's own, refused or not. */
export const COMPARISON_INPUTS: ReadonlyArray<{ query: string; operationName?: string; variables?: Record<string, unknown> }> = [
  { query: LEGIT_QUERY },
  { query: DEPTH_BOMB },
  { query: ALIAS_OVERLOAD },
  { query: INTROSPECTION_QUERY },
  { query: COSTLY_QUERY },
  { query: '{ hello' },
  { query: 'query A { hello } query B { user(id: "2") { name } }', operationName: 'B' },
  { query: 'query A { hello } query B { hello }', operationName: 'C' },
  { query: 'query Many($n: Int) { users(first: $n) { friends(first: $n) { id } } }', variables: { n: 50 } },
  { query: 'query Few($n: Int) { users(first: $n) { friends(first: $n) { id } } }', variables: { n: 2 } },
  { query: '{ hello __typename }' },
];

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface GraphQLErrorBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** One real HTTP POST over loopback; returns the status and the parsed GraphQL response. */
export async function postGraphQL(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: GraphQLErrorBody }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as GraphQLErrorBody };
}
