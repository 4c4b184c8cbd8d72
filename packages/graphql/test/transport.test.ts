/**
 * The GraphQL route guard through the real engine (`createFirewall` + `decide`), with real bodies:
 * every transport form (POST JSON, POST application/graphql, GET, a framework-parsed body,
 * batches), malformed input, the analyzer's refusals as problem+json, the annotations a rate limit
 * charges, and the option checks. A seeded generator throws arbitrary JSON at it: every answer is
 * an allow or a 4xx, never a guard error.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFirewall, defineGuard, PolicyError, type BodySource, type Decision, type Firewall, type GuardDefinition, type Identity, type Policy } from '@portcullis/core';
import { documentHash } from '../src/analyzer/index.js';
import { graphql } from '../src/transport/graphql-guard.js';
import type { GraphQLGuardOptions } from '../src/transport/options.js';

const SCHEMA = /* GraphQL */ `
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

const encoder = new TextEncoder();

interface Send {
  readonly method?: string;
  readonly target?: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly source?: BodySource;
}

const firewalls: Firewall[] = [];

async function firewallWith(options: GraphQLGuardOptions = { schema: SCHEMA }, extra: Partial<Policy> = {}, before: readonly GuardDefinition[] = []): Promise<Firewall> {
  const firewall = createFirewall({ routes: [{ path: '/graphql', methods: ['GET', 'POST', 'PUT'], guards: [...before, graphql(options)] }], ...extra });
  await firewall.ready();
  firewalls.push(firewall);
  return firewall;
}

function send(firewall: Firewall, s: Send): Promise<Decision> {
  const headers: [string, string][] = [];
  let source: BodySource | undefined = s.source;
  if (s.body !== undefined) {
    const bytes = encoder.encode(s.body);
    headers.push(['content-type', s.contentType ?? 'application/json'], ['content-length', String(bytes.byteLength)]);
    source = { kind: 'read', result: { kind: 'ok', bytes } };
  } else if (s.contentType !== undefined) {
    headers.push(['content-type', s.contentType]);
  }
  return firewall.decide({ method: s.method ?? (s.body === undefined && s.source === undefined ? 'GET' : 'POST'), target: s.target ?? '/graphql', headers, remoteAddress: '127.0.0.1', ...(source === undefined ? {} : { body: source }) });
}

const post = (body: unknown): Send => ({ body: JSON.stringify(body) });
const get = (params: Record<string, string>): Send => ({ method: 'GET', target: `/graphql?${new URLSearchParams(params).toString()}` });

function assertAllowed(decision: Decision): void {
  assert.equal(decision.outcome, 'allow', `expected allow, got ${decision.outcome} ${decision.code ?? ''}`);
  assert.equal(decision.response, undefined);
}

function assertDenied(decision: Decision, status: number, code: string): Record<string, unknown> {
  assert.equal(decision.outcome, 'deny', `expected a deny ${code}, got ${decision.outcome}`);
  assert.equal(decision.code, code);
  assert.equal(decision.status, status);
  assert.equal(decision.guard, 'graphql');
  assert.ok(decision.response !== undefined, 'an enforced denial is answered');
  assert.equal(decision.response.status, status);
  assert.ok(decision.response.headers.some(([n, v]) => n === 'content-type' && v === 'application/problem+json'));
  return JSON.parse(decision.response.body) as Record<string, unknown>;
}

/** A depth-bomb: `users { friends { friends { ... } } }` nested `levels` deep. */
function deepQuery(levels: number): string {
  let selection = 'id';
  for (let i = 0; i < levels; i++) selection = `friends(first: 1) { ${selection} }`;
  return `{ users(first: 1) { ${selection} } }`;
}

describe('graphql guard: transport forms', () => {
  it('allows a POST application/json query and annotates cost, depth and operations', async () => {
    const fw = await firewallWith();
    const decision = await send(fw, post({ query: '{ users(first: 2) { id name } }' }));
    assertAllowed(decision);
    assert.equal(typeof decision.annotations['graphql.cost'], 'number');
    assert.ok((decision.annotations['graphql.cost'] as number) > 0, 'a list of users costs something');
    assert.equal(decision.annotations['graphql.depth'], 2);
    assert.equal(decision.annotations['graphql.operations'], 1);
    assert.ok(decision.results.some((r) => r.guard === 'graphql' && r.outcome === 'allow'));
  });

  it('passes variables and operationName to the analyzer (the operation chosen is the one analyzed)', async () => {
    const fw = await firewallWith({ schema: SCHEMA, limits: { depth: 3 } });
    const query = `query Small { version } query Deep ${deepQuery(4)}`;
    assertAllowed(await send(fw, post({ query, operationName: 'Small', variables: {} })));
    assertDenied(await send(fw, post({ query, operationName: 'Deep', variables: null })), 400, 'graphql_depth_exceeded');
  });

  it('reads a POST application/graphql body as the document', async () => {
    const fw = await firewallWith({ schema: SCHEMA, limits: { depth: 3 } });
    const ok = await send(fw, { body: '{ user(id: "1") { name } }', contentType: 'application/graphql' });
    assertAllowed(ok);
    assert.equal(ok.annotations['graphql.depth'], 2);
    assertDenied(await send(fw, { body: deepQuery(5), contentType: 'application/graphql; charset=utf-8' }), 400, 'graphql_depth_exceeded');
  });

  it('reads a GET query string: query, JSON variables, operationName', async () => {
    const fw = await firewallWith();
    const decision = await send(fw, get({ query: 'query Q($n: Int) { users(first: $n) { id } }', variables: '{"n":3}', operationName: 'Q' }));
    assertAllowed(decision);
    assert.equal(decision.annotations['graphql.operations'], 1);
  });

  it('lets a GET without any GraphQL parameter through (a GraphiQL page load executes nothing)', async () => {
    const fw = await firewallWith();
    const page = await send(fw, { method: 'GET', target: '/graphql' });
    assertAllowed(page);
    assert.equal(page.annotations['graphql.operations'], 0);
    assert.equal(page.annotations['graphql.cost'], undefined);
    // Any GraphQL parameter makes it a GraphQL request, analyzed (and here refused: no query).
    assertDenied(await send(fw, get({ operationName: 'Q' })), 400, 'graphql_invalid');
    assertDenied(await send(fw, get({ variables: '{}' })), 400, 'graphql_invalid');
  });

  it('uses the list size from GET variables in the cost', async () => {
    const fw = await firewallWith();
    const query = 'query Q($n: Int) { users(first: $n) { friends(first: 10) { id } } }';
    const few = await send(fw, get({ query, variables: '{"n":1}' }));
    const many = await send(fw, get({ query, variables: '{"n":50}' }));
    assertAllowed(few);
    assertAllowed(many);
    assert.ok((many.annotations['graphql.cost'] as number) > (few.annotations['graphql.cost'] as number), 'a larger first costs more');
  });

  it('refuses a mutation sent with GET (GraphQL over HTTP: only queries are safe to GET)', async () => {
    const fw = await firewallWith();
    const body = assertDenied(await send(fw, get({ query: 'mutation { rename(id: "1", name: "x") { id } }' })), 400, 'graphql_invalid');
    assert.equal(body['detail'], 'Only queries may be sent with GET; use POST');
    // The same mutation over POST is fine, and so is a query over GET in a document that also has a mutation.
    assertAllowed(await send(fw, post({ query: 'mutation { rename(id: "1", name: "x") { id } }' })));
    assertAllowed(await send(fw, get({ query: 'query A { version } mutation B { rename(id: "1", name: "x") { id } }', operationName: 'A' })));
    assertDenied(await send(fw, get({ query: 'query A { version } mutation B { rename(id: "1", name: "x") { id } }', operationName: 'B' })), 400, 'graphql_invalid');
  });

  it('accepts a registered persisted query by hash alone over GET, unless it is a mutation', async () => {
    const query = '{ version }';
    const mutation = 'mutation { rename(id: "1", name: "x") { id } }';
    const fw = await firewallWith({ schema: SCHEMA, trustedDocuments: { mode: 'enforce', documents: { [documentHash(query)]: query, [documentHash(mutation)]: mutation } } });
    const byHash = (text: string): Send => get({ extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: documentHash(text) } }) });
    assertAllowed(await send(fw, byHash(query)));
    assertDenied(await send(fw, byHash(mutation)), 400, 'graphql_invalid');
    assertAllowed(await send(fw, { body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(mutation) } } }) }));
    // A document that is not registered is not trusted.
    assertDenied(await send(fw, post({ query: '{ users(first: 1) { id } }' })), 403, 'graphql_document_not_trusted');
  });

  it('annotates graphql.trusted with trusted documents in report mode (the request goes on)', async () => {
    const query = '{ version }';
    const fw = await firewallWith({ schema: SCHEMA, trustedDocuments: { mode: 'report', sha256: [documentHash(query)] } });
    const known = await send(fw, post({ query }));
    assertAllowed(known);
    assert.equal(known.annotations['graphql.trusted'], true);
    const unknown = await send(fw, post([{ query }, { query: '{ users(first: 1) { id } }' }]));
    assertAllowed(unknown);
    assert.equal(unknown.annotations['graphql.trusted'], false, 'one untrusted document makes the batch untrusted');
    const without = await send(await firewallWith(), post({ query }));
    assert.equal(without.annotations['graphql.trusted'], undefined, 'no trusted documents configured: no annotation');
  });

  it('refuses introspection over GET and POST by default, and never echoes the query', async () => {
    const fw = await firewallWith();
    const overGet = await send(fw, get({ query: '{ __schema { types { name } } }' }));
    assertDenied(overGet, 403, 'graphql_introspection_refused');
    assert.ok(!overGet.response?.body.includes('__schema'));
    assertDenied(await send(fw, post({ query: '{ __type(name: "User") { name } }' })), 403, 'graphql_introspection_refused');
    // __typename is not introspection.
    assertAllowed(await send(fw, post({ query: '{ __typename version }' })));
  });

  it('analyzes a body a framework parser already produced', async () => {
    const fw = await firewallWith({ schema: SCHEMA, limits: { depth: 3 } });
    const parsed = await send(fw, { method: 'POST', contentType: 'application/json', source: { kind: 'parsed', value: { query: '{ version }' } } });
    assertAllowed(parsed);
    assertDenied(await send(fw, { method: 'POST', contentType: 'application/json', source: { kind: 'parsed', value: { query: deepQuery(6) } } }), 400, 'graphql_depth_exceeded');
    // A text parser's string (e.g. express.text for application/graphql) is the document.
    assertAllowed(await send(fw, { method: 'POST', contentType: 'application/graphql', source: { kind: 'parsed', value: '{ version }' } }));
  });

  it('gives the identity to the analyzer (introspection allowed for a role)', async () => {
    const admin: Identity = { method: 'api-key', subject: 'ops', scopes: [], roles: ['admin'], claims: {} };
    const identify = defineGuard('test-identity', () => ({
      id: 'identify',
      kind: 'test-identity',
      phase: 'identity' as const,
      mode: undefined,
      onError: 'deny' as const,
      timeoutMs: undefined,
      evaluate: (request) => (request.headers.get('x-admin') === 'yes' ? { outcome: 'allow' as const, identity: admin } : { outcome: 'allow' as const }),
    }));
    const fw = await firewallWith({ schema: SCHEMA, introspection: { allowRoles: ['admin'] } }, {}, [identify]);
    const query = JSON.stringify({ query: '{ __schema { queryType { name } } }' });
    const bytes = encoder.encode(query);
    const asAdmin = await fw.decide({
      method: 'POST',
      target: '/graphql',
      headers: [['content-type', 'application/json'], ['content-length', String(bytes.byteLength)], ['x-admin', 'yes']],
      remoteAddress: '127.0.0.1',
      body: { kind: 'read', result: { kind: 'ok', bytes } },
    });
    assertAllowed(asAdmin);
    assertDenied(await send(fw, { body: query }), 403, 'graphql_introspection_refused');
  });
});

describe('graphql guard: batches', () => {
  it('analyzes every request of a batch: cost summed, greatest depth, number of operations', async () => {
    const fw = await firewallWith();
    const a = { query: '{ users(first: 5) { id name } }' };
    const b = { query: '{ user(id: "1") { friends(first: 3) { id } } }' };
    const one = await send(fw, post(a));
    const two = await send(fw, post(b));
    const both = await send(fw, post([a, b]));
    assertAllowed(both);
    assert.equal(both.annotations['graphql.cost'], (one.annotations['graphql.cost'] as number) + (two.annotations['graphql.cost'] as number));
    assert.equal(both.annotations['graphql.depth'], Math.max(one.annotations['graphql.depth'] as number, two.annotations['graphql.depth'] as number));
    assert.equal(both.annotations['graphql.operations'], 2);
  });

  it('refuses a batch longer than maxOperations (default 5), with the limit only under exposeDetails', async () => {
    const fw = await firewallWith();
    const q = { query: '{ version }' };
    assertAllowed(await send(fw, post(Array.from({ length: 5 }, () => q))));
    const body = assertDenied(await send(fw, post(Array.from({ length: 6 }, () => q))), 400, 'graphql_batch_too_large');
    assert.equal(body['limit'], undefined);
    const exposing = await firewallWith({ schema: SCHEMA, batch: { maxOperations: 2 } }, { exposeDetails: true });
    const exposed = assertDenied(await send(exposing, post([q, q, q])), 400, 'graphql_batch_too_large');
    assert.equal(exposed['limit'], 2);
  });

  it('refuses any array with batch: false, and an empty batch', async () => {
    const noBatch = await firewallWith({ schema: SCHEMA, batch: false });
    assertDenied(await send(noBatch, post([{ query: '{ version }' }])), 400, 'graphql_batch_too_large');
    assertAllowed(await send(noBatch, post({ query: '{ version }' })));
    const fw = await firewallWith();
    assertDenied(await send(fw, post([])), 400, 'graphql_invalid');
  });

  it('refuses the whole batch when one request is refused', async () => {
    const fw = await firewallWith({ schema: SCHEMA, limits: { depth: 3 } });
    assertDenied(await send(fw, post([{ query: '{ version }' }, { query: deepQuery(5) }])), 400, 'graphql_depth_exceeded');
    assertDenied(await send(fw, post([{ query: '{ version }' }, 42])), 400, 'graphql_invalid');
  });
});

describe('graphql guard: malformed requests', () => {
  const cases: readonly [string, Send, number, string][] = [
    ['a JSON string body', post('{ version }'), 400, 'graphql_invalid'],
    ['a JSON number body', post(7), 400, 'graphql_invalid'],
    ['query not a string', post({ query: 7 }), 400, 'graphql_invalid'],
    ['variables an array', post({ query: '{ version }', variables: [1] }), 400, 'graphql_invalid'],
    ['variables a string', post({ query: '{ version }', variables: '{}' }), 400, 'graphql_invalid'],
    ['operationName not a string', post({ query: '{ version }', operationName: 1 }), 400, 'graphql_invalid'],
    ['extensions not an object', post({ query: '{ version }', extensions: 'x' }), 400, 'graphql_invalid'],
    ['no query at all', post({}), 400, 'graphql_invalid'],
    ['a syntax error', post({ query: '{ version' }), 400, 'graphql_invalid'],
    ['malformed JSON (refused by core before the guard)', { body: '{"query":' }, 400, 'json_invalid'],
    ['GET variables that are not JSON', get({ query: '{ version }', variables: '{n:1}' }), 400, 'graphql_invalid'],
    ['GET variables that are a JSON array', get({ query: '{ version }', variables: '[1]' }), 400, 'graphql_invalid'],
    ['GET variables with a __proto__ key', get({ query: '{ version }', variables: '{"__proto__":{"x":1}}' }), 400, 'graphql_invalid'],
    ['GET extensions that are not JSON', get({ query: '{ version }', extensions: 'nope' }), 400, 'graphql_invalid'],
    ['a repeated GET query parameter', { method: 'GET', target: '/graphql?query=%7Bversion%7D&query=%7Bversion%7D' }, 400, 'graphql_invalid'],
    ['a POST without a body', { method: 'POST' }, 400, 'graphql_invalid'],
    ['a text/plain body (a cross-site form could send it)', { body: '{ version }', contentType: 'text/plain' }, 415, 'unsupported_media_type'],
    ['a form body', { body: 'query=%7Bversion%7D', contentType: 'application/x-www-form-urlencoded' }, 415, 'unsupported_media_type'],
    ['an unknown media type', { body: '{ version }', contentType: 'application/octet-stream' }, 415, 'unsupported_media_type'],
    ['PUT (not a GraphQL-over-HTTP method)', { method: 'PUT', body: '{"query":"{ version }"}' }, 405, 'method_not_allowed'],
  ];
  for (const [name, request, status, code] of cases) {
    it(`refuses ${name}: ${status} ${code}`, async () => {
      const fw = await firewallWith();
      const decision = await send(fw, request);
      assert.equal(decision.outcome, 'deny');
      assert.equal(decision.code, code);
      assert.equal(decision.status, status);
      if (code.startsWith('graphql_')) assert.equal(decision.guard, 'graphql');
    });
  }

  it('names the allowed methods on a 405, and honours methods: ["POST"]', async () => {
    const postOnly = await firewallWith({ schema: SCHEMA, methods: ['POST'] });
    const decision = await send(postOnly, get({ query: '{ version }' }));
    assertDenied(decision, 405, 'method_not_allowed');
    assert.deepEqual(decision.response?.headers.filter(([n]) => n === 'allow'), [['allow', 'POST']]);
    assertAllowed(await send(postOnly, post({ query: '{ version }' })));
  });

  it('puts the precise reason in the decision annotations, not in the answer', async () => {
    const fw = await firewallWith();
    const decision = await send(fw, post({ query: '{ version }', variables: [1] }));
    assert.equal(decision.annotations['graphql.reason'], 'variables-not-object');
    assert.ok(!decision.response?.body.includes('variables-not-object'));
  });

  it('only records a refusal in monitor mode (the request goes on)', async () => {
    const fw = await firewallWith({ schema: SCHEMA, mode: 'monitor', limits: { depth: 2 } });
    const decision = await send(fw, post({ query: deepQuery(4) }));
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.enforced, false);
    assert.equal(decision.response, undefined);
    assert.equal(decision.code, 'graphql_depth_exceeded');
  });
});

/** A small seeded PRNG (mulberry32): the same values on every run, so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ATOMS = ['query', 'variables', 'operationName', 'extensions', '{ version }', 'query Q { users { id } }', '__proto__', '', 'mutation { rename(id:"1",name:"x") { id } }', '{ __schema { types { name } } }', '{', 'persistedQuery'];

/** Any JSON value, biased towards shapes that look like GraphQL requests. Bounded depth and width. */
function randomJson(random: () => number, depth: number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const roll = random();
  if (depth <= 0 || roll < 0.35) {
    return pick<unknown>([null, true, false, 0, -1, 1.5, 1e300, pick(ATOMS), 'x'.repeat(Math.floor(random() * 40))]);
  }
  const width = Math.floor(random() * 5);
  if (roll < 0.6) return Array.from({ length: width }, () => randomJson(random, depth - 1));
  const value: Record<string, unknown> = {};
  for (let i = 0; i < width; i++) value[pick(ATOMS.slice(0, 4)) + (random() < 0.2 ? 'x' : '')] = randomJson(random, depth - 1);
  return value;
}

describe('graphql guard: arbitrary input', () => {
  it('answers any JSON body with an allow or a 4xx, never a guard error', async () => {
    const fw = await firewallWith();
    const random = prng(0x9e3779b9);
    for (let i = 0; i < 400; i++) {
      const value = randomJson(random, 4);
      const text = JSON.stringify(value);
      const decision = await send(fw, { body: text });
      const failure = `input #${i}: ${text.slice(0, 200)}`;
      assert.ok(decision.results.every((r) => r.outcome !== 'error'), `a guard failed on ${failure}`);
      if (decision.outcome === 'deny') assert.ok(decision.status !== undefined && decision.status >= 400 && decision.status < 500, `${decision.status} on ${failure}`);
      else assert.equal(decision.outcome, 'allow', failure);
    }
  });

  it('answers any GET query string with an allow or a 4xx, never a guard error', async () => {
    const fw = await firewallWith();
    const random = prng(42);
    for (let i = 0; i < 300; i++) {
      const params = new URLSearchParams();
      for (const name of ['query', 'variables', 'operationName', 'extensions']) {
        if (random() < 0.6) {
          const value = randomJson(random, 3);
          params.append(name, typeof value === 'string' && random() < 0.7 ? value : JSON.stringify(value));
        }
      }
      const decision = await send(fw, { method: 'GET', target: `/graphql?${params.toString()}` });
      const failure = `input #${i}: ${params.toString().slice(0, 200)}`;
      assert.ok(decision.results.every((r) => r.outcome !== 'error'), `a guard failed on ${failure}`);
      if (decision.outcome === 'deny') assert.ok(decision.status !== undefined && decision.status >= 400 && decision.status < 500, `${decision.status} on ${failure}`);
    }
  });
});

describe('graphql guard: errorFormat graphql', () => {
  it('renders the same refusals in the GraphQL error format, with the same status and no echo', async () => {
    const fw = await firewallWith({ schema: SCHEMA, errorFormat: 'graphql', limits: { depth: 3 } });
    const decision = await send(fw, post({ query: deepQuery(8) }));
    assert.equal(decision.status, 400);
    assert.equal(decision.code, 'graphql_depth_exceeded');
    const contentType = decision.response?.headers.find(([n]) => n === 'content-type')?.[1];
    assert.equal(contentType, 'application/graphql-response+json');
    const body = JSON.parse(decision.response?.body ?? '{}') as { errors: { message: string; extensions: Record<string, unknown> }[] };
    assert.equal(body.errors.length, 1);
    assert.equal(body.errors[0]?.extensions['code'], 'graphql_depth_exceeded');
    assert.equal(body.errors[0]?.extensions['status'], 400);
    assert.equal(body.errors[0]?.extensions['limit'], undefined, 'no limit without exposeDetails');
    assert.ok(!(decision.response?.body ?? '').includes('users'), 'the query is not echoed');
    const transport = await send(fw, post([]));
    assert.equal(transport.response?.headers.find(([n]) => n === 'content-type')?.[1], 'application/graphql-response+json', 'transport refusals too');
    const exposed = await firewallWith({ schema: SCHEMA, errorFormat: 'graphql', limits: { depth: 3 } }, { exposeDetails: true });
    const detailed = JSON.parse((await send(exposed, post({ query: deepQuery(8) }))).response?.body ?? '{}') as { errors: { extensions: Record<string, unknown> }[] };
    assert.equal(detailed.errors[0]?.extensions['limit'], 3);
  });
});

describe('graphql guard: options', () => {
  const refused: readonly [string, unknown, string][] = [
    ['not an object', 'yes', 'routes[0].guards[0]'],
    ['an unknown errorFormat', { errorFormat: 'xml' }, 'routes[0].guards[0].errorFormat'],
    ['batch true', { batch: true }, 'routes[0].guards[0].batch'],
    ['batch.maxOperations 0', { batch: { maxOperations: 0 } }, 'routes[0].guards[0].batch.maxOperations'],
    ['an unknown batch key', { batch: { max: 3 } }, 'routes[0].guards[0].batch.max'],
    ['methods with PUT', { methods: ['POST', 'PUT'] }, 'routes[0].guards[0].methods[1]'],
    ['methods empty', { methods: [] }, 'routes[0].guards[0].methods'],
    ['methods repeated', { methods: ['GET', 'GET'] }, 'routes[0].guards[0].methods[1]'],
    ['mode typo', { mode: 'enforcing' }, 'routes[0].guards[0].mode'],
    ['an unknown key (refused by the analyzer options)', { limit: { depth: 3 } }, 'routes[0].guards[0].limit'],
  ];
  for (const [name, options, path] of refused) {
    it(`refuses ${name} at start-up, naming ${path}`, () => {
      assert.throws(
        () => createFirewall({ routes: [{ path: '/graphql', guards: [graphql(options as GraphQLGuardOptions)] }] }),
        (error: unknown) => error instanceof PolicyError && error.message.includes(path),
      );
    });
  }

  it('uses the id option as the guard id', async () => {
    const fw = await firewallWith({ schema: SCHEMA, id: 'gql', limits: { depth: 2 } });
    const decision = await send(fw, post({ query: deepQuery(4) }));
    assert.equal(decision.guard, 'gql');
  });
});

after(async () => {
  await Promise.all(firewalls.map((fw) => fw.close()));
});
