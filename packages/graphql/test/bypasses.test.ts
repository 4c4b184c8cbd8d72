/**
 * Bypasses found in review, each kept closed by a test: a POST's URL parameters, a protected field
 * reached through an interface, rules that need a schema, a list size hidden behind `first: null`,
 * repeated operation names, and fragment fan-out.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createFirewall, PolicyError, type Identity } from '@portcullis/core';
import { createAnalyzer } from '../src/analyzer/index.js';
import { graphql } from '../src/transport/graphql-guard.js';

const SDL = /* GraphQL */ `
  interface Node { id: ID! }
  interface HasSecret { secret: String }
  type User implements Node & HasSecret { id: ID!, name: String, secret: String }
  type Connection { nodes: [User!]! }
  type Query { me: User, node(id: ID!): Node, users(first: Int, last: Int): Connection }
  type Mutation { deleteAll: Boolean }
`;

const viewer: Identity = { method: 'test', subject: 'u1', scopes: [], roles: [], claims: {} };

describe('bypasses closed', () => {
  test("a protected field stays protected through an interface its type implements", () => {
    const analyzer = createAnalyzer({ schema: SDL, authorization: { fields: { 'User.secret': { roles: ['admin'] } } } });
    const direct = analyzer.analyze({ query: '{ me { secret } }' }, viewer);
    assert.equal(direct.ok ? 'ok' : direct.code, 'graphql_field_forbidden');
    const viaInterface = analyzer.analyze({ query: '{ node(id: "1") { id ... on HasSecret { secret } } }' }, viewer);
    assert.equal(viaInterface.ok ? 'ok' : viaInterface.code, 'graphql_field_forbidden');
    assert.equal(analyzer.analyze({ query: '{ node(id: "1") { id } }' }, viewer).ok, true, 'the interface itself stays usable');
  });

  test('a type rule on a type behind an interface is reported at start-up', () => {
    const analyzer = createAnalyzer({ schema: SDL, authorization: { types: { User: { roles: ['admin'] } } } });
    assert.ok(analyzer.warnings.some((w) => w.includes('authorization.types["User"]') && w.includes('Node')));
  });

  test('without a schema, type rules and rules below the root are start-up errors (they could never apply)', () => {
    assert.throws(() => createAnalyzer({ authorization: { types: { User: { roles: ['admin'] } } } }), (e: unknown) => e instanceof PolicyError && /graphql\.authorization\.types/.test(e.message));
    assert.throws(() => createAnalyzer({ authorization: { fields: { 'User.secret': { roles: ['admin'] } } } }), (e: unknown) => e instanceof PolicyError && /authorization\.fields/.test(e.message));
    assert.equal(createAnalyzer({ authorization: { fields: { 'Query.me': { roles: ['admin'] } } } }).warnings.length, 0, 'root rules work without a schema');
  });

  test('the largest list argument counts: first: null cannot hide last: 1000', () => {
    const analyzer = createAnalyzer({ schema: SDL });
    const cost = (query: string): number => {
      const a = analyzer.analyze({ query });
      assert.ok(a.ok || a.metrics !== undefined);
      return a.metrics?.cost ?? Number.NaN;
    };
    assert.equal(cost('{ users(first: null, last: 1000) { nodes { id } } }'), cost('{ users(first: 1000) { nodes { id } } }'));
    assert.equal(cost('{ users(first: 5, last: 50) { nodes { id } } }'), cost('{ users(first: 50) { nodes { id } } }'));
  });

  test('a document naming two operations alike (graphql-js would run the last) is invalid', () => {
    const analyzer = createAnalyzer({ schema: SDL });
    const twice = analyzer.analyze({ query: 'query A { me { name } } mutation A { deleteAll }', operationName: 'A' });
    assert.equal(twice.ok ? 'ok' : twice.code, 'graphql_invalid');
    const anonymous = analyzer.analyze({ query: '{ me { name } } query B { me { id } }', operationName: 'B' });
    assert.equal(anonymous.ok ? 'ok' : anonymous.code, 'graphql_invalid');
  });

  test('fragment fan-out stops early: a small document cannot buy a long walk', () => {
    let fragments = 'fragment F0 on User { id }';
    for (let i = 1; i <= 7; i++) fragments += ` fragment F${i} on User { ${Array.from({ length: 10 }, () => `...F${i - 1}`).join(' ')} }`;
    const query = `{ me { ...F7 } } ${fragments}`;
    assert.ok(query.length < 700);
    const a = createAnalyzer({ schema: SDL }).analyze({ query });
    assert.equal(a.ok ? 'ok' : a.code, 'graphql_document_too_large');
  });

  test('a POST carrying GraphQL parameters in its URL is refused, whatever its body', async () => {
    const firewall = createFirewall({ routes: [{ path: '/graphql', guards: [graphql({ schema: SDL })] }] });
    const body = new TextEncoder().encode(JSON.stringify({ query: '{ __typename }' }));
    for (const target of ['/graphql?query=%7B__schema%7Btypes%7Bname%7D%7D%7D', '/graphql?variables=%7B%7D', '/graphql?operationName=A']) {
      const d = await firewall.decide({
        method: 'POST',
        target,
        headers: [['content-type', 'application/json'], ['content-length', String(body.byteLength)]],
        remoteAddress: '127.0.0.1',
        body: { kind: 'read', result: { kind: 'ok', bytes: body } },
      });
      assert.equal(d.code, 'graphql_invalid', target);
      assert.equal(d.annotations['graphql.reason'], 'parameter-in-url');
    }
  });
});
