/**
 * The contract guard through the real engine (`createFirewall` + `decide`): routing and the
 * `undocumented` modes, parameters and bodies refused with safe `errors`, security requirements
 * (alternatives, scopes, roles, optional authentication, an invalid credential never masked),
 * per-operation policy (monitor, extra guards), response validation (report / replace), lazy
 * compilation with `checkContract`, and start-up errors naming their policy path and document
 * location.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  ALLOW,
  createFirewall,
  PolicyError,
  type Decision,
  type Diagnostic,
  type Firewall,
  type GuardOutcome,
  type Policy,
  type ResponseBodyView,
} from '@portcullis/core';
import type { OpenAPIV3 } from 'openapi-types';
import { testGuard } from './support/test-guard.js';
import { checkContract, openapi, openapiRequest, operationIdType, type OpenApiOptions } from '../src/index.js';

const SCHEMAS = {
  Pet: {
    type: 'object',
    required: ['name'],
    properties: {
      id: { type: 'integer', readOnly: true },
      name: { type: 'string', minLength: 1, maxLength: 40 },
      tag: { type: ['string', 'null'] },
      secret: { type: 'string', writeOnly: true },
    },
    additionalProperties: false,
  },
};

const DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'pets', version: '1' },
  servers: [{ url: 'https://api.example.com/v1' }],
  security: [{ bearer: ['pets:read'] }],
  components: {
    schemas: SCHEMAS,
    securitySchemes: {
      bearer: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://auth.example.com/token', scopes: { 'pets:read': 'read', 'pets:write': 'write' } } } },
      key: { type: 'apiKey', in: 'header', name: 'x-api-key' },
    },
  },
  paths: {
    '/pets': {
      get: {
        operationId: 'listPets',
        parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } }],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Pet' } } } } } },
      },
      post: {
        operationId: 'createPet',
        security: [{ bearer: ['pets:write'] }, { key: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } },
        responses: { '201': { description: 'created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } }, default: { description: 'error' } },
      },
    },
    '/pets/{petId}': {
      parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'integer' } }],
      get: { operationId: 'getPet', security: [{ bearer: ['pets:read'] }, {}], responses: { '200': { description: 'ok' } } },
    },
    '/health': { get: { operationId: 'health', security: [], responses: { '204': { description: 'ok' } } } },
  },
};

/**
 * An identity guard the way an auth package writes one: `authorization: Bearer <scopes>` with
 * `bad` as an invalid token, and `x-api-key: k1` as a valid key.
 */
function testIdentity(kind: 'bearer' | 'key') {
  const deny = (code: string): GuardOutcome => ({ outcome: 'deny', status: 401, code, title: 'x' });
  return testGuard({
    id: `test-${kind}`,
    phase: 'identity',
    evaluate(request): GuardOutcome {
      if (kind === 'key') {
        const key = request.headers.get('x-api-key');
        if (key === undefined) return deny('credentials_missing');
        return key === 'k1' ? { outcome: 'allow', identity: { method: 'api-key', clientId: 'c1', scopes: [], roles: ['robot'], claims: {} } } : deny('api_key_invalid');
      }
      const header = request.headers.get('authorization');
      if (header === undefined) return deny('credentials_missing');
      const token = header.replace(/^Bearer /, '');
      if (token === 'bad') return deny('token_invalid');
      return { outcome: 'allow', identity: { method: 'jwt', subject: 'u1', scopes: token.split(','), roles: [], claims: {} } };
    },
  });
}

const SECURITY = { bearer: testIdentity('bearer'), key: testIdentity('key') } as const;

interface Sent {
  readonly method?: string;
  readonly target: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly headers?: readonly [string, string][];
}

const encoder = new TextEncoder();
const firewalls: Firewall[] = [];
after(() => Promise.all(firewalls.map((f) => f.close())));

async function firewallWith(options: Partial<OpenApiOptions> = {}, policy: Partial<Policy> = {}): Promise<{ firewall: Firewall; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const firewall = createFirewall({
    guards: [openapi({ document: DOCUMENT, security: SECURITY, ...options })],
    telemetry: { onDecision: () => undefined, onDiagnostic: (d) => void diagnostics.push(d) },
    ...policy,
  });
  await firewall.ready();
  firewalls.push(firewall);
  return { firewall, diagnostics };
}

function send(firewall: Firewall, s: Sent): Promise<Decision> {
  const headers: [string, string][] = [...(s.headers ?? [])];
  if (s.body === undefined) return firewall.decide({ method: s.method ?? 'GET', target: s.target, headers, remoteAddress: '127.0.0.1' });
  const bytes = encoder.encode(s.body);
  headers.push(['content-type', s.contentType ?? 'application/json'], ['content-length', String(bytes.byteLength)]);
  return firewall.decide({ method: s.method ?? 'POST', target: s.target, headers, remoteAddress: '127.0.0.1', body: { kind: 'read', result: { kind: 'ok', bytes } } });
}

const READ = [['authorization', 'Bearer pets:read']] as [string, string][];
const WRITE = [['authorization', 'Bearer pets:write']] as [string, string][];

function problemOf(decision: Decision): Record<string, unknown> {
  assert.ok(decision.response !== undefined, 'expected a rendered answer');
  return JSON.parse(decision.response.body) as Record<string, unknown>;
}

describe('routing and undocumented requests', () => {
  it('annotates the decision with the operation, under the servers base path', async () => {
    const { firewall } = await firewallWith();
    const decision = await send(firewall, { target: '/v1/pets?limit=5', headers: READ });
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.annotations['openapi.operation'], 'listPets');
  });

  it('refuses an undocumented path (404) and method (405 with Allow) by default', async () => {
    const { firewall } = await firewallWith();
    const path = await send(firewall, { target: '/v1/owners' });
    assert.equal(path.status, 404);
    assert.equal(path.code, 'route_undocumented');
    assert.equal(path.annotations['openapi.undocumented'], true);
    const noBase = await send(firewall, { target: '/pets' });
    assert.equal(noBase.code, 'route_undocumented');
    const method = await send(firewall, { method: 'DELETE', target: '/v1/pets' });
    assert.equal(method.status, 405);
    assert.deepEqual(method.response?.headers.find(([name]) => name === 'allow'), ['allow', 'GET, HEAD, POST']);
  });

  it("reports undocumented requests without refusing them under 'monitor', and lets them through under 'allow'", async () => {
    for (const undocumented of ['monitor', 'allow'] as const) {
      const { firewall, diagnostics } = await firewallWith({ undocumented });
      const decision = await send(firewall, { target: '/v1/shadow/endpoint' });
      assert.equal(decision.response, undefined, undocumented);
      assert.equal(decision.annotations['openapi.undocumented'], true);
      // Monitor: the decision is the would-be denial, not enforced; allow: an allow.
      assert.equal(decision.outcome, undocumented === 'monitor' ? 'deny' : 'allow');
      assert.equal(decision.enforced, undocumented !== 'monitor');
      const monitored = decision.results.find((r) => r.outcome === 'deny');
      assert.equal(monitored?.mode, undocumented === 'monitor' ? 'monitor' : undefined);
      assert.ok(diagnostics.some((d) => d.code === 'PC_OPENAPI_UNDOCUMENTED_ROUTE'), undocumented);
      const method = await send(firewall, { method: 'PUT', target: '/v1/pets' });
      assert.equal(method.response, undefined);
      assert.equal(method.code, undocumented === 'monitor' ? 'method_undocumented' : undefined);
    }
  });

  it('overrides the servers base path with basePath', async () => {
    const { firewall } = await firewallWith({ basePath: '/api' });
    assert.equal((await send(firewall, { target: '/api/health' })).outcome, 'allow');
    assert.equal((await send(firewall, { target: '/v1/health' })).code, 'route_undocumented');
  });
});

describe('parameters and bodies', () => {
  it('lists what is wrong as pointers, keywords and fixed messages, never the values sent', async () => {
    const { firewall } = await firewallWith();
    const marker = 'MARKER-<script>';
    const decision = await send(firewall, { target: `/v1/pets?limit=${encodeURIComponent(marker)}&${encodeURIComponent(marker)}=1`, headers: READ });
    assert.equal(decision.status, 400);
    assert.equal(decision.code, 'request_invalid');
    const body = decision.response?.body ?? '';
    assert.ok(!body.includes('MARKER'), body);
    const errors = problemOf(decision)['errors'] as { pointer: string; keyword: string }[];
    assert.deepEqual(errors.map((e) => [e.pointer, e.keyword]).sort(), [['/query', 'unknown'], ['/query/limit', 'type']].sort());
  });

  it('hands the handler the parameters as validated, typed (Decision.data), never to telemetry', async () => {
    const { firewall } = await firewallWith();
    const decision = await send(firewall, { target: '/v1/pets/7', headers: READ });
    // Null-prototype records (a `__proto__` parameter name can pollute nothing): compared as JSON.
    assert.deepEqual(JSON.parse(JSON.stringify(openapiRequest(decision))), { operationId: 'getPet', parameters: { path: { petId: 7 }, query: {}, header: {}, cookie: {} } });
    const list = await send(firewall, { target: '/v1/pets?limit=25', headers: READ });
    assert.strictEqual(openapiRequest(list)?.parameters.query['limit'], 25);
    // Not on refused requests, and not in what telemetry sees (annotations).
    const refused = await send(firewall, { target: '/v1/pets?limit=x', headers: READ });
    assert.equal(openapiRequest(refused), undefined);
    assert.equal(JSON.stringify(list.annotations).includes('25'), false);
  });

  it('validates the body and refuses readOnly properties in requests', async () => {
    const { firewall } = await firewallWith();
    assert.equal((await send(firewall, { target: '/v1/pets', body: '{"name":"rex"}', headers: WRITE })).outcome, 'allow');
    const readOnly = await send(firewall, { target: '/v1/pets', body: '{"name":"rex","id":4}', headers: WRITE });
    assert.equal(readOnly.code, 'request_invalid');
    assert.deepEqual((problemOf(readOnly)['errors'] as { keyword: string }[]).map((e) => e.keyword), ['readOnly']);
    const extra = await send(firewall, { target: '/v1/pets', body: '{"name":"rex","isAdmin":true}', headers: WRITE });
    assert.equal(extra.code, 'request_invalid');
    assert.equal((await send(firewall, { target: '/v1/pets', body: '{"name":"rex","tag":null}', headers: WRITE })).outcome, 'allow');
  });

  it('refuses a missing required body (400) and an undocumented media type (415)', async () => {
    const { firewall } = await firewallWith();
    assert.equal((await send(firewall, { method: 'POST', target: '/v1/pets', headers: WRITE })).code, 'body_required');
    assert.equal((await send(firewall, { target: '/v1/pets', body: 'name=rex', contentType: 'application/x-www-form-urlencoded', headers: WRITE })).code, 'media_type_undocumented');
    assert.equal((await send(firewall, { target: '/v1/pets', body: '{"name":"rex"}', contentType: 'application/vnd.evil+json', headers: WRITE })).code, 'media_type_undocumented');
    assert.equal((await send(firewall, { target: '/v1/pets', body: '{"name":"rex"}', contentType: 'application/json; charset=utf-8', headers: WRITE })).outcome, 'allow');
  });

  it('caps the number of errors listed', async () => {
    const { firewall } = await firewallWith({ maxErrors: 2, unknownQueryParameters: 'deny' });
    const decision = await send(firewall, { target: '/v1/pets?a=1&b=2&c=3&d=4&limit=x', headers: READ });
    assert.equal((problemOf(decision)['errors'] as unknown[]).length, 2);
  });

  it('refuses a body sent to an operation that documents none', async () => {
    const { firewall } = await firewallWith();
    const decision = await send(firewall, { method: 'GET', target: '/v1/health', body: '{}' });
    assert.equal(decision.code, 'request_invalid');
  });
});

describe('security from the contract', () => {
  it('requires the root-level scheme and its scopes', async () => {
    const { firewall } = await firewallWith();
    const missing = await send(firewall, { target: '/v1/pets' });
    assert.equal(missing.status, 401);
    assert.equal(missing.code, 'authentication_required');
    assert.deepEqual(missing.response?.headers.find(([n]) => n === 'www-authenticate'), ['www-authenticate', 'Bearer']);
    const scope = await send(firewall, { target: '/v1/pets', headers: [['authorization', 'Bearer other']] });
    assert.equal(scope.status, 403);
    assert.equal(scope.code, 'insufficient_scope');
    const ok = await send(firewall, { target: '/v1/pets', headers: READ });
    assert.equal(ok.outcome, 'allow');
    assert.equal(ok.identity?.subject, 'u1');
  });

  it('admits any one of the alternatives', async () => {
    const { firewall } = await firewallWith();
    const byKey = await send(firewall, { target: '/v1/pets', body: '{"name":"a"}', headers: [['x-api-key', 'k1']] });
    assert.equal(byKey.outcome, 'allow');
    assert.equal(byKey.identity?.method, 'api-key');
    const byToken = await send(firewall, { target: '/v1/pets', body: '{"name":"a"}', headers: WRITE });
    assert.equal(byToken.identity?.method, 'jwt');
  });

  it('never lets a later alternative mask a credential that was presented and refused', async () => {
    const { firewall } = await firewallWith();
    const invalid = await send(firewall, { target: '/v1/pets/1', headers: [['authorization', 'Bearer bad']] });
    assert.equal(invalid.code, 'token_invalid');
    // `{}` makes authentication optional for getPet: no credential at all is fine.
    const anonymous = await send(firewall, { target: '/v1/pets/1' });
    assert.equal(anonymous.outcome, 'allow');
    assert.equal(anonymous.identity, undefined);
    const wrongKey = await send(firewall, { target: '/v1/pets', body: '{"name":"a"}', headers: [['x-api-key', 'nope']] });
    assert.equal(wrongKey.code, 'api_key_invalid');
  });

  it('never counts the query parameter of an apiKey scheme as unknown', async () => {
    const document = {
      openapi: '3.0.3',
      info: { title: 'q', version: '1' },
      components: { securitySchemes: { queryKey: { type: 'apiKey', in: 'query', name: 'api_key' } } },
      security: [{ queryKey: [] }],
      paths: { '/things': { get: { responses: { '200': { description: 'ok' } } } } },
    };
    const queryKey = testGuard({
      id: 'query-key',
      phase: 'identity',
      evaluate: (request): GuardOutcome =>
        request.query.get('api_key')?.[0] === 'k1'
          ? { outcome: 'allow', identity: { method: 'api-key', clientId: 'c', scopes: [], roles: [], claims: {} } }
          : { outcome: 'deny', status: 401, code: 'credentials_missing', title: 'x' },
    });
    const firewall = createFirewall({ guards: [openapi({ document, security: { queryKey } })] });
    await firewall.ready();
    firewalls.push(firewall);
    assert.equal((await send(firewall, { target: '/things?api_key=k1' })).outcome, 'allow');
    const extra = await send(firewall, { target: '/things?api_key=k1&other=1' });
    assert.deepEqual((problemOf(extra)['errors'] as { pointer: string }[]).map((e) => e.pointer), ['/query/other']);
  });

  it('leaves `security: []` operations public', async () => {
    const { firewall } = await firewallWith();
    assert.equal((await send(firewall, { target: '/v1/health' })).outcome, 'allow');
  });

  it("accepts the policy's own identity for a scheme mapped to 'policy' (and by default), whatever the order of the guards", async () => {
    for (const guards of [
      [testIdentity('bearer'), openapi({ document: DOCUMENT })],
      [openapi({ document: DOCUMENT }), testIdentity('bearer')],
      [openapi({ document: DOCUMENT, security: { bearer: 'policy' } }), testIdentity('bearer')],
    ]) {
      const { firewall } = await firewallWith({}, { guards });
      const ok = await send(firewall, { target: '/v1/pets', headers: READ });
      assert.equal(ok.outcome, 'allow');
      assert.equal(ok.identity?.subject, 'u1');
      assert.equal((await send(firewall, { target: '/v1/pets', headers: [['authorization', 'Bearer x']] })).code, 'insufficient_scope');
      assert.equal((await send(firewall, { target: '/v1/pets' })).code, 'credentials_missing', "the policy's guard refuses first");
    }
  });

  it('lets the policy replace an operation’s security', async () => {
    const { firewall } = await firewallWith({ operations: { listPets: { security: [] } } });
    assert.equal((await send(firewall, { target: '/v1/pets' })).outcome, 'allow');
  });
});

describe('per-operation policy', () => {
  it("reports an operation adopted in 'monitor' mode without refusing it", async () => {
    const { firewall } = await firewallWith({ operations: { createPet: { mode: 'monitor' } } });
    const decision = await send(firewall, { target: '/v1/pets', body: '{"id":"x"}', headers: WRITE });
    assert.equal(decision.response, undefined);
    assert.equal(decision.enforced, false);
    const monitored = decision.results.find((r) => r.outcome === 'deny');
    assert.equal(monitored?.mode, 'monitor');
    assert.equal(monitored?.code, 'request_invalid');
    // Other operations stay enforced.
    assert.equal((await send(firewall, { target: '/v1/pets?limit=x', headers: READ })).status, 400);
  });

  it("runs an operation's own guards only on that operation", async () => {
    let calls = 0;
    const counter = testGuard({
      id: 'counter',
      phase: 'rate-limit',
      evaluate: () => (++calls > 1 ? { outcome: 'deny', status: 429, code: 'rate_limited', title: 'Too Many Requests' } : ALLOW),
    });
    const { firewall } = await firewallWith({ operations: { listPets: { guards: [counter] } } });
    assert.equal((await send(firewall, { target: '/v1/pets', headers: READ })).outcome, 'allow');
    assert.equal((await send(firewall, { target: '/v1/pets', headers: READ })).status, 429);
    assert.equal((await send(firewall, { target: '/v1/health' })).outcome, 'allow');
    assert.equal(calls, 2);
  });
});

describe('response validation', () => {
  const view = (status: number, body: string, contentType = 'application/json'): ResponseBodyView => ({
    status,
    getHeader: (name) => (name === 'content-type' ? contentType : undefined),
    body: encoder.encode(body),
  });

  it('registers no body hook unless asked (no buffering by default)', async () => {
    const { firewall } = await firewallWith();
    assert.equal((await send(firewall, { target: '/v1/pets', headers: READ })).responseBodyHooks.length, 0);
  });

  it("replaces an invalid response with a 502 that reveals nothing under 'enforce'", async () => {
    const { firewall, diagnostics } = await firewallWith({ responses: 'enforce' });
    const decision = await send(firewall, { target: '/v1/pets', headers: READ });
    const hook = decision.responseBodyHooks[0];
    assert.ok(hook !== undefined);
    assert.equal(hook.inspect(view(200, '[{"id":1,"name":"rex"}]')), undefined);
    const leaked = hook.inspect(view(200, '[{"id":1,"name":"rex","secret":"hunter2"}]'));
    assert.equal(leaked?.status, 502);
    assert.ok(!leaked.body.includes('hunter2'));
    assert.equal((JSON.parse(leaked.body) as { code: string }).code, 'response_invalid');
    assert.equal(hook.inspect(view(418, '{}'))?.status, 502, 'an undocumented status');
    assert.equal(hook.inspect(view(200, 'not json'))?.status, 502);
    assert.equal(hook.inspect(view(200, '[]', 'text/html'))?.status, 502, 'an undocumented media type');
    const report = diagnostics.find((d) => d.code === 'PC_OPENAPI_RESPONSE_INVALID');
    assert.ok(report !== undefined);
    assert.ok(!report.message.includes('hunter2'));
  });

  it("only reports under 'monitor', and for an operation whose policy says so", async () => {
    const { firewall, diagnostics } = await firewallWith({ responses: 'monitor', operations: { createPet: { responses: 'off' } } });
    const decision = await send(firewall, { target: '/v1/pets', headers: READ });
    assert.equal(decision.responseBodyHooks[0]?.inspect(view(200, '[{"name":5}]')), undefined);
    assert.ok(diagnostics.some((d) => d.code === 'PC_OPENAPI_RESPONSE_INVALID'));
    const create = await send(firewall, { target: '/v1/pets', body: '{"name":"a"}', headers: WRITE });
    assert.equal(create.responseBodyHooks.length, 0);
  });

  it('accepts an empty body where the response documents no content, and a default response', async () => {
    const { firewall } = await firewallWith({ responses: 'enforce' });
    const health = await send(firewall, { target: '/v1/health' });
    assert.equal(health.responseBodyHooks[0]?.inspect(view(204, '')), undefined);
    assert.equal(health.responseBodyHooks[0]?.inspect(view(204, 'x'))?.status, 502);
    const create = await send(firewall, { target: '/v1/pets', body: '{"name":"a"}', headers: WRITE });
    assert.equal(create.responseBodyHooks[0]?.inspect(view(500, '')), undefined, 'default response without content');
  });
});

describe('start-up errors and checks', () => {
  it('names the policy path of a bad option', () => {
    assert.throws(() => createFirewall({ guards: [openapi({ document: DOCUMENT, undocumented: 'maybe' as never })] }), (e: unknown) => e instanceof PolicyError && e.message.includes('guards[0].undocumented'));
    assert.throws(() => createFirewall({ guards: [openapi({ document: 42 as never })] }), (e: unknown) => e instanceof PolicyError && e.message.includes('guards[0].document'));
    assert.throws(() => createFirewall({ guards: [openapi({ document: DOCUMENT, maxErrors: 0 })] }), /guards\[0\]\.maxErrors/);
    assert.throws(() => createFirewall({ guards: [openapi({ document: DOCUMENT, security: { nope: SECURITY.key } })] }), /guards\[0\]\.security\.nope/);
  });

  it('refuses an unknown operationId, suggesting the closest', () => {
    assert.throws(
      () => createFirewall({ guards: [openapi({ document: DOCUMENT, operations: { listPet: { mode: 'monitor' } } })] }),
      (e: unknown) => e instanceof PolicyError && e.message.includes('guards[0].operations.listPet') && e.message.includes('"listPets"'),
    );
  });

  it('turns a document problem into a start-up error naming its location', async () => {
    const structural = { ...DOCUMENT, paths: { '/pets': { get: { operationId: 'a', responses: {} }, post: { operationId: 'a', responses: {} } } } };
    assert.throws(() => createFirewall({ guards: [openapi({ document: structural, security: SECURITY })] }), (e: unknown) => e instanceof PolicyError && e.message.includes('guards[0].document') && e.message.includes('operationId'));
    // A template variable without its path parameter is found when the operation compiles: in ready().
    const unbound = { ...DOCUMENT, paths: { '/pets/{id}': { get: { responses: { '200': { description: 'ok' } } } } } };
    const firewall = createFirewall({ guards: [openapi({ document: unbound, security: SECURITY })] });
    await assert.rejects(firewall.ready(), (e: unknown) => e instanceof PolicyError && e.message.includes('guards[0].document') && e.message.includes('/paths/~1pets~1{id}'));
  });

  it('finds the compile failures of a lazy policy with checkContract, before deploy', async () => {
    const broken = {
      ...DOCUMENT,
      paths: { ...DOCUMENT.paths, '/broken': { get: { operationId: 'broken', security: [], parameters: [{ name: 'q', in: 'query', style: 'matrix', schema: { type: 'string' } }], responses: { '200': { description: 'ok' } } } } },
    };
    const { firewall, diagnostics } = await firewallWith({ document: broken, compile: 'lazy' });
    // Compiled on first use: the other operations work; the broken one fails closed and says where.
    assert.equal((await send(firewall, { target: '/v1/health' })).outcome, 'allow');
    const first = await send(firewall, { target: '/v1/broken?q=x' });
    assert.equal(first.status, 503);
    const failed = diagnostics.find((d) => d.code === 'PC_OPENAPI_COMPILE_FAILED');
    assert.match(failed?.message ?? '', /\/paths\/~1broken\/get\/parameters\/0/);
    const report = checkContract({ document: broken });
    assert.equal(report.ok, false);
    assert.equal(report.errors.length, 1);
    assert.match(report.errors[0]?.location ?? '', /\/paths\/~1broken\/get\/parameters\/0/);
    assert.equal(checkContract({ document: DOCUMENT }).ok, true);
    // The same document compiled eagerly fails at start-up instead.
    const eager = createFirewall({ guards: [openapi({ document: broken, security: SECURITY })] });
    await assert.rejects(eager.ready(), /parameters\/0/);
  });

  it('takes a document typed with openapi-types', async () => {
    const typed: OpenAPIV3.Document = { openapi: '3.0.3', info: { title: 't', version: '1' }, paths: { '/ping': { get: { responses: { '204': { description: 'pong' } } } } } };
    const firewall = createFirewall({ guards: [openapi({ document: typed })] });
    await firewall.ready();
    firewalls.push(firewall);
    assert.equal((await send(firewall, { target: '/ping' })).annotations['openapi.operation'], 'GET /ping');
  });

  it('generates a TypeScript union of the operationIds', () => {
    const source = operationIdType(DOCUMENT);
    assert.match(source, /export type OperationId =\n {2}\| "createPet"\n {2}\| "getPet"\n {2}\| "health"\n {2}\| "listPets";/);
  });
});
