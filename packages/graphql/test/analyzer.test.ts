import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FirewallError, type Identity } from '@portcullis/core';
import { buildSchema } from 'graphql';
import { GRAPHQL_DENY_CODES, createAnalyzer, documentHash, type Analysis, type AnalyzerOptions, type GraphQLMetrics } from '../src/index.js';

const SDL = /* GraphQL */ `
  type Query {
    user(id: ID!): User
    users(first: Int, last: Int): [User!]!
    search(first: Int): SearchConnection
    node(id: ID!): Node
    tags: [String!]!
    secret: Secret
    a: A
    b: Int
    c: Int
  }
  type Mutation { addPost(title: String!): Post }
  interface Node { id: ID! }
  type User implements Node {
    id: ID!
    name: String
    friends(first: Int): [User!]!
    posts(limit: Int): PostConnection
    tags: [Tag!]!
  }
  type PostConnection { totalCount: Int nodes: [Post!]! edges: [PostEdge!]! }
  type PostEdge { node: Post }
  type Post implements Node { id: ID! title: String author: User }
  type Tag { name: String }
  type Secret implements Node { id: ID! code: String }
  type SearchConnection { nodes: [User] }
  type A { b: B }
  type B { c: Int }
`;

function identity(init: { scopes?: string[]; roles?: string[] } = {}): Identity {
  return { method: 'jwt', subject: 'user-1', scopes: init.scopes ?? [], roles: init.roles ?? [], claims: {} };
}

function ok(analysis: Analysis): GraphQLMetrics {
  if (!analysis.ok) assert.fail(`expected an allowed analysis, got ${analysis.code} (${analysis.detail ?? ''})`);
  return analysis.metrics;
}

function refused(analysis: Analysis, code: keyof typeof GRAPHQL_DENY_CODES): Extract<Analysis, { ok: false }> {
  if (analysis.ok) assert.fail(`expected ${code}, got an allowed analysis`);
  assert.equal(analysis.code, code, `detail: ${analysis.detail ?? ''}`);
  assert.equal(analysis.status, GRAPHQL_DENY_CODES[code].status);
  return analysis;
}

function policyError(run: () => unknown, path: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof FirewallError, `expected a FirewallError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_POLICY_INVALID');
    assert.equal(error.path, path);
    return true;
  });
}

const structural = createAnalyzer({ introspection: 'allow' });
const typed = createAnalyzer({ schema: SDL, introspection: 'allow' });

describe('metrics on hand-written documents', () => {
  test('depth: root fields are depth 1, __typename does not count, fragments add no level', () => {
    assert.equal(ok(structural.analyze({ query: '{ a { b { c } } }' })).depth, 3);
    assert.equal(ok(structural.analyze({ query: '{ __typename a { __typename } }' })).depth, 1);
    // __typename alone: no field counts
    assert.equal(ok(structural.analyze({ query: '{ __typename }' })).depth, 0);
    const withFragments = 'query { ...F } fragment F on Query { a { ... on A { b { ...G } } } } fragment G on B { c }';
    assert.equal(ok(structural.analyze({ query: withFragments })).depth, 3);
  });

  test('aliases, duplicates, directives, root fields and operations', () => {
    const aliased = ok(structural.analyze({ query: '{ x: a y: a { z: b } }' }));
    assert.equal(aliased.aliases, 3);
    assert.equal(aliased.fieldDuplicates, 0); // response keys x and y differ
    // `a` selected three times at the root: two duplicates; `b` twice inside the second `a`: one more
    const duplicated = ok(structural.analyze({ query: '{ a a { b b } a }' }));
    assert.equal(duplicated.fieldDuplicates, 3);
    // a fragment selecting the same key in the same selection set counts too
    assert.equal(ok(structural.analyze({ query: '{ a ...F } fragment F on Query { a }' })).fieldDuplicates, 1);
    // operation directive 1 + field 1 + spread 1 + fragment definition 1 + inline fragment 1 = 5
    const directives = ok(
      structural.analyze({
        query: 'query Q @op { a @skip(if: false) ...F @include(if: true) ... @include(if: true) { c } } fragment F on Query @frag { b }',
      }),
    );
    assert.equal(directives.directives, 5);
    // root fields: a, b, c (through an inline fragment); __typename is not counted
    assert.equal(ok(structural.analyze({ query: '{ a b __typename ... on Query { c { d } } }' })).rootFields, 3);
    const two = ok(structural.analyze({ query: 'query A { a } query B { b }', operationName: 'B' }));
    assert.equal(two.operations, 2);
    assert.equal(two.rootFields, 1);
  });

  test('tokens are graphql-js lexical tokens', () => {
    // { a ( x : 1 ) }  -> 8 tokens
    assert.equal(ok(structural.analyze({ query: '{ a(x: 1) }' })).tokens, 8);
  });

  test('cost without a schema: every field costs 1, list arguments multiply', () => {
    // user 1 + name 1 + friends 1*3 + name 1*3 = 8
    assert.equal(ok(structural.analyze({ query: '{ user(id: 1) { name friends(first: 3) { name } } }' })).cost, 8);
    // no list argument: no multiplier without a schema. a 1 + b 1 + c 1 = 3
    assert.equal(ok(structural.analyze({ query: '{ a { b { c } } }' })).cost, 3);
  });

  test('cost with a schema: leaves cost 0, objects 1, list arguments multiply, connections do not multiply twice', () => {
    // user 1 + name 0 + friends 1*3 + name 0 = 4
    assert.equal(ok(typed.analyze({ query: '{ user(id: 1) { name friends(first: 3) { name } } }' })).cost, 4);
    // users 1*2 = 2; posts 1*(2*5) = 10; totalCount 0; nodes (a list under a sliced field: x1) 1*10 = 10;
    // title 0; author 1*10 = 10 -> 32
    const connection = '{ users(first: 2) { posts(limit: 5) { totalCount nodes { title author { name } } } } }';
    assert.equal(ok(typed.analyze({ query: connection })).cost, 32);
    // a list without a list argument: implicitListSize (1). users is a list with no argument: 1;
    // tags [Tag!]! 1; name 0 -> 2. tags [String!]! at the root is a leaf: 0.
    assert.equal(ok(typed.analyze({ query: '{ users { tags { name } } tags }' })).cost, 2);
  });

  test('list sizes from literals, variables, variable defaults and defaultListSize; clamped to maxListSize', () => {
    const query = 'query Q($n: Int) { users(first: $n) { id } }';
    assert.equal(ok(typed.analyze({ query, variables: { n: 7 } })).cost, 7);
    assert.equal(ok(typed.analyze({ query })).cost, 10); // absent: defaultListSize
    assert.equal(ok(typed.analyze({ query, variables: { n: null } })).cost, 10);
    assert.equal(ok(typed.analyze({ query, variables: { n: -1 } })).cost, 10);
    assert.equal(ok(typed.analyze({ query, variables: { n: 2.5 } })).cost, 10);
    assert.equal(ok(typed.analyze({ query, variables: { n: '5' } })).cost, 10);
    assert.equal(ok(typed.analyze({ query, variables: { n: 1_000_000 } })).cost, 1000); // clamped
    assert.equal(ok(typed.analyze({ query: 'query Q($n: Int = 4) { users(first: $n) { id } }' })).cost, 4);
    assert.equal(ok(typed.analyze({ query: 'query Q($n: Int = 4) { users(first: $n) { id } }', variables: { n: 6 } })).cost, 6);
    // `last` is a list argument too; the first one listed in cost.listArguments wins
    assert.equal(ok(typed.analyze({ query: '{ users(last: 3) { id } }' })).cost, 3);
    const custom = createAnalyzer({ schema: SDL, cost: { listArguments: ['last'], defaultListSize: 2, maxListSize: 50 } });
    assert.equal(ok(custom.analyze({ query: '{ users(first: 3, last: 9) { id } }' })).cost, 9);
    assert.equal(ok(custom.analyze({ query: '{ users(last: 900) { id } }' })).cost, 50);
    assert.equal(ok(custom.analyze({ query: 'query Q($n: Int) { users(last: $n) { id } }' })).cost, 2);
  });

  test('per-type and per-field weights', () => {
    const weighted = createAnalyzer({ schema: SDL, cost: { types: { User: 5 }, fields: { 'Query.search': 10 } } });
    // search: field weight 10 * 4 = 40; nodes [User]: type weight 5, under a sliced field x1, * 4 = 20; name 0 -> 60
    assert.equal(ok(weighted.analyze({ query: '{ search(first: 4) { nodes { name } } }' })).cost, 60);
    // without a schema, field weights apply to root fields (the root type is known) and under type conditions
    const plain = createAnalyzer({ cost: { fields: { 'Query.search': 10, 'User.name': 3 } } });
    // search 10*4 = 40; nodes 1*4 = 4; ... on User: name 3*4 = 12 -> 56
    assert.equal(ok(plain.analyze({ query: '{ search(first: 4) { nodes { ... on User { name } } } }' })).cost, 56);
  });

  test('a cost over the limit is refused with the metrics and the limit', () => {
    // users 1*1000 + friends 1*(1000*1000) = 1,001,000 (first: 5000 is clamped to 1000)
    const analysis = refused(typed.analyze({ query: '{ users(first: 5000) { friends(first: 1000) { id } } }' }), 'graphql_cost_exceeded');
    assert.equal(analysis.metrics?.cost, 1_001_000);
    assert.equal(analysis.limit, 250_000);
    const strict = createAnalyzer({ schema: SDL, limits: { cost: 31 } });
    const query = '{ users(first: 2) { posts(limit: 5) { totalCount nodes { title author { name } } } } }';
    assert.equal(refused(strict.analyze({ query }), 'graphql_cost_exceeded').metrics?.cost, 32);
    assert.equal(ok(createAnalyzer({ schema: SDL, limits: { cost: 32 } }).analyze({ query })).cost, 32);
  });

  test('mutations are costed from the mutation root', () => {
    const weighted = createAnalyzer({ schema: SDL, cost: { fields: { 'Mutation.addPost': 25 } } });
    // addPost 25 + id 0 + author 1 = 26
    assert.equal(ok(weighted.analyze({ query: 'mutation { addPost(title: "x") { id author { name } } }' })).cost, 26);
  });
});

describe('attacks', () => {
  test('a 500-level depth bomb is refused before parsing, without a stack overflow', () => {
    const query = `{ ${'a { '.repeat(500)}b${' }'.repeat(500)} }`;
    const analysis = refused(structural.analyze({ query }), 'graphql_depth_exceeded');
    assert.equal(analysis.limit, 15);
    // 10,000 levels, within the byte limit
    refused(structural.analyze({ query: `{${'a{'.repeat(10_000)}b${'}'.repeat(10_000)}}` }), 'graphql_depth_exceeded');
  });

  test('depth over the limit but within the parse bound is measured exactly', () => {
    const query = `{ ${'a { '.repeat(59)}b${' }'.repeat(59)} }`;
    const analysis = refused(structural.analyze({ query }), 'graphql_depth_exceeded');
    assert.equal(analysis.metrics?.depth, 60);
    assert.equal(ok(structural.analyze({ query: `{ ${'a { '.repeat(14)}b${' }'.repeat(14)} }` })).depth, 15);
  });

  test('depth built from a chain of 300 fragments is walked without recursion', () => {
    const fragments = Array.from({ length: 300 }, (_, i) => `fragment F${i} on T { a { ...F${i + 1} } }`).join('\n');
    const query = `{ ...F0 } ${fragments} fragment F300 on T { b }`;
    const analysis = refused(createAnalyzer({ maxTokens: 20_000 }).analyze({ query }), 'graphql_depth_exceeded');
    assert.equal(analysis.metrics?.depth, 301);
  });

  test('1,000 aliases are refused', () => {
    const query = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: a`).join(' ')} }`;
    const analysis = refused(structural.analyze({ query }), 'graphql_aliases_exceeded');
    assert.equal(analysis.metrics?.aliases, 1000);
    assert.equal(analysis.limit, 30);
  });

  test('field duplication is refused', () => {
    const analysis = refused(structural.analyze({ query: `{ a { ${'b '.repeat(100)}} }` }), 'graphql_duplicate_fields');
    assert.equal(analysis.metrics?.fieldDuplicates, 99);
  });

  test('directive overload is refused', () => {
    const analysis = refused(structural.analyze({ query: `{ a ${'@x '.repeat(100)}}` }), 'graphql_directives_exceeded');
    assert.equal(analysis.metrics?.directives, 100);
  });

  test('root field overload and operation overload are refused', () => {
    const roots = `{ ${Array.from({ length: 31 }, (_, i) => `f${i}`).join(' ')} }`;
    assert.equal(refused(structural.analyze({ query: roots }), 'graphql_root_fields_exceeded').metrics?.rootFields, 31);
    const operations = Array.from({ length: 6 }, (_, i) => `query Q${i} { a }`).join(' ');
    assert.equal(refused(structural.analyze({ query: operations, operationName: 'Q0' }), 'graphql_operations_exceeded').metrics?.operations, 6);
  });

  test('circular fragments are invalid: A <-> B, self-spread, and a longer cycle', () => {
    for (const query of [
      '{ ...A } fragment A on Query { a { ...B } } fragment B on A { b { ...A } }',
      '{ ...A } fragment A on Query { a ...A }',
      '{ ...A } fragment A on Query { ...B } fragment B on Query { ... on Query { ...C } } fragment C on Query { ...A }',
      // a cycle in fragments the operation does not use is still refused (as graphql-js validation does)
      '{ a } fragment A on Query { ...A }',
    ]) {
      assert.equal(refused(structural.analyze({ query }), 'graphql_invalid').detail, 'fragment cycle');
    }
  });

  test('exponential fragment fan-out is bounded', () => {
    // F30 expands to 2^30 fields; the walk stops after a bounded number of selections.
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`).join(' ');
    const query = `{ ...F30 } ${fragments} fragment F0 on Query { a }`;
    const analysis = refused(structural.analyze({ query }), 'graphql_document_too_large');
    assert.equal(analysis.detail, 'expanded document too large');
  });

  test('introspection is found through aliases, fragments and nesting; __typename is not introspection', () => {
    const denying = createAnalyzer({ schema: SDL });
    for (const query of [
      '{ __schema { types { name } } }',
      '{ x: __schema { queryType { name } } }',
      '{ ...I } fragment I on Query { __type(name: "User") { name } }',
      '{ user(id: 1) { ... on User { friends(first: 1) { __type(name: "User") { name } } } } }',
      'query { a { ...N } } fragment N on A { b { t: __schema { types { name } } } }',
    ]) {
      const analysis = refused(denying.analyze({ query }), 'graphql_introspection_refused');
      assert.equal(analysis.metrics?.introspection, true);
    }
    const typename = ok(denying.analyze({ query: '{ __typename user(id: 1) { __typename } }' }));
    assert.equal(typename.introspection, false);
  });

  test('introspection allowed per identity role or scope', () => {
    const analyzer = createAnalyzer({ introspection: { allowRoles: ['admin'], allowScopes: ['schema:read'] } });
    const query = '{ __schema { types { name } } }';
    refused(analyzer.analyze({ query }), 'graphql_introspection_refused');
    refused(analyzer.analyze({ query }, identity({ roles: ['user'] })), 'graphql_introspection_refused');
    assert.equal(ok(analyzer.analyze({ query }, identity({ roles: ['admin'] }))).introspection, true);
    assert.equal(ok(analyzer.analyze({ query }, identity({ scopes: ['schema:read'] }))).introspection, true);
  });

  test('very long documents: maxDocumentBytes before parsing, maxTokens while parsing', () => {
    const long = refused(structural.analyze({ query: `{ a }${' '.repeat(100_001)}` }), 'graphql_document_too_large');
    assert.equal(long.limit, 100_000);
    const many = refused(structural.analyze({ query: `{ ${'a '.repeat(6000)}}` }), 'graphql_document_too_large');
    assert.equal(many.limit, 5_000);
    const small = createAnalyzer({ maxTokens: 10, maxDocumentBytes: 50 });
    refused(small.analyze({ query: '{ a b c d e f g h i j k }' }), 'graphql_document_too_large');
    refused(small.analyze({ query: `{ a }${' '.repeat(50)}` }), 'graphql_document_too_large');
    assert.equal(ok(small.analyze({ query: '{ a b c }' })).tokens, 5);
  });

  test('malformed requests and documents are invalid, never a throw', () => {
    const documents = [
      '',
      ' ',
      '{',
      '}',
      'query',
      '{ a(',
      '"""',
      '"unterminated',
      '{ a }}',
      '{ a(x: ) }',
      '\u0000',
      'type Query { a: Int }',
      'fragment F on Query { a }',
      '{ ...Nope }',
      'query A { a } query B { b }',
      'query A { a } fragment F on Q { a } fragment F on Q { b }',
      '# only a comment',
    ];
    for (const query of documents) {
      const analysis = structural.analyze({ query });
      assert.equal(analysis.ok, false, JSON.stringify(query));
      if (!analysis.ok) assert.equal(analysis.code, 'graphql_invalid', JSON.stringify(query));
    }
    assert.equal(refused(structural.analyze({ query: '{ a }', operationName: 'Nope' }), 'graphql_invalid').detail, 'unknown operationName');
    assert.equal(refused(structural.analyze({ query: 'query A { a } query B { b }' }), 'graphql_invalid').detail, 'operationName required');
    const hostile: unknown[] = [
      null,
      42,
      'query',
      [],
      { query: 42 },
      { query: '{ a }', variables: 'x' },
      { query: '{ a }', variables: [] },
      { query: '{ a }', operationName: 1 },
      { query: '{ a }', extensions: 'x' },
      { query: '{ a }', extensions: { persistedQuery: 'x' } },
      { query: '{ a }', extensions: { persistedQuery: { version: 1, sha256Hash: 'not-hex' } } },
      {},
      { query: null },
    ];
    for (const request of hostile) {
      refused(structural.analyze(request as never), 'graphql_invalid');
    }
    // The detail is fixed text: it never echoes the document.
    const secret = refused(structural.analyze({ query: '{ a(token: "s3cr3t" }' }), 'graphql_invalid');
    assert.ok(!JSON.stringify(secret).includes('s3cr3t'));
  });

  test('prototype-named variables and fields are plain data', () => {
    const query = 'query Q($constructor: Int) { __proto__(first: $constructor) { toString } }';
    assert.equal(ok(structural.analyze({ query, variables: JSON.parse('{"__proto__": 3}') as Record<string, unknown> })).cost, 20);
  });
});

describe('trusted documents', () => {
  const trustedText = '{ user(id: 1) { name } }';
  const trustedHash = documentHash(trustedText);

  test('enforce: only listed documents; refused before parsing', () => {
    const analyzer = createAnalyzer({ trustedDocuments: { mode: 'enforce', sha256: [trustedHash.toUpperCase()] } });
    const allowed = analyzer.analyze({ query: trustedText });
    assert.equal(ok(allowed).trusted, true);
    assert.equal(allowed.ok && allowed.documentHash, trustedHash);
    refused(analyzer.analyze({ query: '{ user(id: 2) { name } }' }), 'graphql_document_not_trusted');
    // even a document that would not parse is refused as untrusted, without a parse
    refused(analyzer.analyze({ query: '{{{' }), 'graphql_document_not_trusted');
  });

  test('report: every document passes, marked', () => {
    const analyzer = createAnalyzer({ trustedDocuments: { mode: 'report', sha256: [trustedHash] } });
    assert.equal(ok(analyzer.analyze({ query: trustedText })).trusted, true);
    assert.equal(ok(analyzer.analyze({ query: '{ other }' })).trusted, false);
    assert.equal(ok(structural.analyze({ query: '{ other }' })).trusted, undefined);
  });

  test('the Apollo persisted-query extension: with the query, with the hash alone', () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: trustedHash } };
    const registered = createAnalyzer({ trustedDocuments: { mode: 'enforce', documents: { [trustedHash]: trustedText } } });
    assert.equal(ok(registered.analyze({ extensions })).trusted, true);
    assert.equal(ok(registered.analyze({ query: trustedText, extensions })).depth, 2);
    const mismatch = refused(registered.analyze({ query: '{ user(id: 2) { name } }', extensions }), 'graphql_invalid');
    assert.equal(mismatch.detail, 'persisted query hash mismatch');
    const unknown = { persistedQuery: { version: 1, sha256Hash: documentHash('{ nope }') } };
    assert.equal(refused(registered.analyze({ extensions: unknown }), 'graphql_invalid').detail, 'persisted query not found');

    // Without a registry, a hash alone works for a document this analyzer has already seen
    // (the client's first request registered it), and is analyzed again for this identity.
    const plain = createAnalyzer({ schema: SDL, authorization: { fields: { 'User.name': { scopes: ['profile'] } } } });
    assert.equal(refused(plain.analyze({ extensions }), 'graphql_invalid').detail, 'persisted query not found');
    ok(plain.analyze({ query: trustedText, extensions }, identity({ scopes: ['profile'] })));
    ok(plain.analyze({ extensions }, identity({ scopes: ['profile'] })));
    refused(plain.analyze({ extensions }, identity()), 'graphql_field_forbidden');
  });

  test('the document cache is bounded: the oldest parsed document is forgotten', () => {
    const analyzer = createAnalyzer({ cacheSize: 2 });
    const texts = ['{ a }', '{ b }', '{ c }'];
    for (const query of texts) ok(analyzer.analyze({ query }));
    const hashOnly = (text: string): Analysis =>
      analyzer.analyze({ extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(text) } } });
    assert.equal(refused(hashOnly('{ a }'), 'graphql_invalid').detail, 'persisted query not found');
    ok(hashOnly('{ b }'));
    ok(hashOnly('{ c }'));
    const uncached = createAnalyzer({ cacheSize: 0 });
    ok(uncached.analyze({ query: '{ a }' }));
    assert.equal(refused(uncached.analyze({ extensions: { persistedQuery: { version: 1, sha256Hash: documentHash('{ a }') } } }), 'graphql_invalid').detail, 'persisted query not found');
  });

  test('an untrusted document is refused even when only its hash is sent', () => {
    const analyzer = createAnalyzer({ trustedDocuments: { mode: 'enforce', sha256: [trustedHash] } });
    const other = '{ user(id: 2) { name } }';
    refused(analyzer.analyze({ query: other }), 'graphql_document_not_trusted');
    // never parsed (refused before parsing), so the hash alone names nothing the analyzer knows
    const extensions = { persistedQuery: { version: 1, sha256Hash: documentHash(other) } };
    assert.equal(refused(analyzer.analyze({ extensions }), 'graphql_invalid').detail, 'persisted query not found');
    // a listed hash without a registered text: the client must send the query once
    const listed = { persistedQuery: { version: 1, sha256Hash: trustedHash } };
    assert.equal(refused(analyzer.analyze({ extensions: listed }), 'graphql_invalid').detail, 'persisted query not found');
    ok(analyzer.analyze({ query: trustedText, extensions: listed }));
    assert.equal(ok(analyzer.analyze({ extensions: listed })).trusted, true);
  });
});

describe('field and type authorization', () => {
  const analyzer = createAnalyzer({
    schema: SDL,
    authorization: {
      fields: { 'Query.secret': { scopes: ['secret:read', 'secret:list'] } },
      types: { Secret: { roles: ['admin'] } },
    },
  });

  test('a guarded field needs every listed scope, through aliases and fragments', () => {
    for (const query of ['{ secret { code } }', '{ s: secret { code } }', '{ ...F } fragment F on Query { secret { id } }']) {
      refused(analyzer.analyze({ query }), 'graphql_field_forbidden');
      refused(analyzer.analyze({ query }, identity({ scopes: ['secret:read'], roles: ['admin'] })), 'graphql_field_forbidden');
      ok(analyzer.analyze({ query }, identity({ scopes: ['secret:read', 'secret:list'], roles: ['admin'] })));
    }
  });

  test('a guarded type needs its role, reached through a field or a type condition', () => {
    const throughInterface = '{ node(id: 1) { id ... on Secret { code } } }';
    refused(analyzer.analyze({ query: throughInterface }, identity()), 'graphql_field_forbidden');
    ok(analyzer.analyze({ query: throughInterface }, identity({ roles: ['admin'] })));
    ok(analyzer.analyze({ query: '{ node(id: 1) { id } }' }, identity()));
    // the scopes for the field but not the role for its type
    refused(analyzer.analyze({ query: '{ secret { code } }' }, identity({ scopes: ['secret:read', 'secret:list'] })), 'graphql_field_forbidden');
  });

  test('unguarded queries pass without an identity', () => {
    ok(analyzer.analyze({ query: '{ user(id: 1) { name } }' }));
  });
});

describe('schemas', () => {
  test('a GraphQLSchema passes through', () => {
    const analyzer = createAnalyzer({ schema: buildSchema(SDL) });
    assert.deepEqual(analyzer.warnings, []);
    assert.equal(ok(analyzer.analyze({ query: '{ user(id: 1) { name friends(first: 3) { name } } }' })).cost, 4);
  });

  test('an SDL defining a field twice loads with a warning; unknown fields cost defaults, no error', () => {
    const analyzer = createAnalyzer({ schema: 'type Query { a: Int a: Int u: U } type U { x: Int }' });
    assert.equal(analyzer.warnings.length, 1);
    assert.match(analyzer.warnings[0] ?? '', /graphql\.schema: .*can only be defined once/);
    // u 1 + x 0 + unknown leaf 0 + unknown object 1 + its unknown leaf 0 = 2
    assert.equal(ok(analyzer.analyze({ query: '{ a u { x nope other { y } } }' })).cost, 2);
  });
});

describe('options', () => {
  const cases: Array<[unknown, string]> = [
    [{ limits: { depth: 0 } }, 'graphql.limits.depth'],
    [{ limits: { deph: 3 } }, 'graphql.limits.deph'],
    [{ limit: {} }, 'graphql.limit'],
    [{ maxTokens: 'x' }, 'graphql.maxTokens'],
    [{ cost: { fields: { 'Query.search': -1 } } }, 'graphql.cost.fields["Query.search"]'],
    [{ cost: { fields: { search: 1 } } }, 'graphql.cost.fields["search"]'],
    [{ cost: { types: { 'Bad-Name': 1 } } }, 'graphql.cost.types["Bad-Name"]'],
    [{ cost: { types: [] } }, 'graphql.cost.types'],
    [{ cost: { listArguments: ['first', ''] } }, 'graphql.cost.listArguments[1]'],
    [{ cost: { defaultListSize: 20, maxListSize: 10 } }, 'graphql.cost.defaultListSize'],
    [{ introspection: 'sometimes' }, 'graphql.introspection'],
    [{ introspection: {} }, 'graphql.introspection'],
    [{ trustedDocuments: { mode: 'enforce', sha256: ['abc'] } }, 'graphql.trustedDocuments.sha256[0]'],
    [{ trustedDocuments: { mode: 'block', sha256: ['a'.repeat(64)] } }, 'graphql.trustedDocuments.mode'],
    [{ trustedDocuments: { mode: 'enforce', documents: { ['a'.repeat(64)]: '{ a }' } } }, `graphql.trustedDocuments.documents["${'a'.repeat(64)}"]`],
    [{ trustedDocuments: { mode: 'enforce' } }, 'graphql.trustedDocuments'],
    [{ authorization: { fields: { 'Query.secret': {} } } }, 'graphql.authorization.fields["Query.secret"]'],
    [{ authorization: { fields: { 'Query.secret': { scopes: 'x' } } } }, 'graphql.authorization.fields["Query.secret"].scopes'],
    [{ schema: 42 }, 'graphql.schema'],
    [{ schema: 'type Query {' }, 'graphql.schema'],
    [{ schema: SDL, cost: { types: { Usr: 2 } } }, 'graphql.cost.types["Usr"]'],
    [{ schema: SDL, cost: { fields: { 'Query.serch': 2 } } }, 'graphql.cost.fields["Query.serch"]'],
    [{ schema: SDL, authorization: { types: { Secrets: { roles: ['a'] } } } }, 'graphql.authorization.types["Secrets"]'],
    [{ cacheSize: -1 }, 'graphql.cacheSize'],
  ];
  for (const [options, path] of cases) {
    test(`refuses ${JSON.stringify(options).slice(0, 90)} naming ${path}`, () => {
      policyError(() => createAnalyzer(options as AnalyzerOptions), path);
    });
  }

  test('the policy path prefixes every error', () => {
    policyError(() => createAnalyzer({ limits: { cost: -1 } }, 'routes[0].guards[1]'), 'routes[0].guards[1].limits.cost');
  });

  test('defaults', () => {
    const analyzer = createAnalyzer();
    refused(analyzer.analyze({ query: '{ __schema { types { name } } }' }), 'graphql_introspection_refused');
    ok(analyzer.analyze({ query: `{ ${'a { '.repeat(14)}b${' }'.repeat(14)} }` }));
  });
});
