/**
 * OpenAPI contract enforcement (`@portcullis/openapi`) through every adapter: the documents in
 * ./openapi-document.ts, and next to each attack the legitimate request that must still pass.
 *
 * - type confusion (no coercion in bodies; query strings converted only where the schema says so),
 *   arrays against scalars, duplicated parameters (HTTP parameter pollution);
 * - parameter styles: form (exploded or not), spaceDelimited, pipeDelimited, deepObject, label,
 *   matrix, simple (path, header), cookies, a `content` (JSON) query parameter;
 * - media types (parameters, case, `+json` suffixes, form bodies with a deepObject `encoding`),
 *   required and forbidden bodies, core's JSON refusals, readOnly, closed objects, enum, formats,
 *   null in 3.1 and in 3.0 (`nullable`);
 * - routing: concrete paths first, mixed segment templates, the servers base path, 404/405, HEAD,
 *   `undocumented: 'monitor' | 'allow'`, unknown query parameters, `coercion: 'none'`;
 * - security from the document (an API key, a public operation, OAuth2 scopes with a JWT);
 * - per-operation policy: monitor mode, an operation's own rate limit.
 *
 * A refusal of the contract is a 400 `request_invalid` whose `errors` list pointers and keywords;
 * the values the client sent never come back (`mustNotContain` carries a marker sent in them).
 */
import { createHmac } from 'node:crypto';
import { apiKey, hashApiKey, jwt } from '@portcullis/auth';
import type { Policy } from '@portcullis/core';
import { openapi, type OpenApiOptions } from '@portcullis/openapi';
import { rateLimit } from '@portcullis/rate-limit';
import type { Header } from '../../support/raw-http.js';
import type { EchoedIdentity, HarnessOptions } from '../harness.js';
import { denied, handled, monitored, policy, type ExpectedProblemError, type Expectation, type PolicyCase, type Scenario, type ScenarioRequest } from '../scenario.js';
import { contractDocument, legacyDocument, securedDocument } from './openapi-document.js';

/** Sent inside invalid values: it must never appear in an answer. */
const MARKER = 'zq7oasmarker';
const BASE = '/api/v1';

function contract(name: string, options: Partial<Omit<OpenApiOptions, 'document'>> = {}, extra: Policy = {}): PolicyCase {
  return policy(`openapi: ${name}`, () => ({ body: { rejectDuplicateKeys: true }, guards: [openapi({ document: contractDocument(), ...options })], ...extra }));
}

const strict = contract('contract, defaults');
const undocumentedMonitored = contract("contract, undocumented 'monitor'", { undocumented: 'monitor' });
const undocumentedAllowed = contract("contract, undocumented 'allow'", { undocumented: 'allow' });
const unknownQueryAllowed = contract("contract, unknownQueryParameters 'allow'", { unknownQueryParameters: 'allow' });
const noCoercion = contract("contract, coercion 'none'", { coercion: 'none' });
const closed = contract('contract, closedObjects', { closedObjects: true });
const thingsMonitored = contract('contract, createThing in monitor mode', { operations: { createThing: { mode: 'monitor' } } });
/** 2030-01-01T12:00:00Z: a whole minute, so a 60 s window has 60 s left on every adapter. */
const NOON = Date.UTC(2030, 0, 1, 12, 0, 0);
/** A policy of its own per scenario: the counts are state. */
const searchLimited = (name: string): PolicyCase =>
  contract(`contract, search rate-limited (${name})`, { operations: { search: { guards: [rateLimit({ limits: [{ points: 2, windowSeconds: 60 }] })] } } }, { clock: () => NOON });
const noBasePath = contract("contract, basePath ''", { basePath: '' });
const legacy = policy('openapi: 3.0 document', () => ({ guards: [openapi({ document: legacyDocument() })] }));

// Security: an API key (header X-API-Key) and HS256 JWTs for the OAuth2 scheme.
const API_KEY = 'pk_conformance_5e1c9a7b3d2f4e6a8c0b1d3f';
const WRONG_KEY = 'pk_conformance_0000000000000000deadbeef';
const SECRET = 'conformance-secret-of-at-least-32-bytes!!';
const ISSUER = 'https://issuer.conformance';
const AUDIENCE = 'https://api.conformance';
const NOW = Math.floor(Date.now() / 1000);
const b64url = (value: string): string => Buffer.from(value).toString('base64url');
function hs256(payload: Record<string, unknown>): string {
  const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}
const token = (scope: string): string => hs256({ iss: ISSUER, aud: AUDIENCE, sub: 'u1', client_id: 'client-a', scope, iat: NOW - 10, exp: NOW + 3600 });

const securedAccountPublic = policy('openapi: secured document, getAccount made public by the policy', () => ({
  guards: [openapi({ document: securedDocument(), security: { ApiKeyAuth: apiKey({ header: 'x-api-key', keys: [{ hash: hashApiKey(API_KEY), clientId: 'key-client' }] }) }, operations: { getAccount: { security: [] } } })],
}));
const secured = policy('openapi: secured document', () => ({
  guards: [
    openapi({
      document: securedDocument(),
      security: {
        ApiKeyAuth: apiKey({ header: 'x-api-key', keys: [{ hash: hashApiKey(API_KEY), clientId: 'key-client', scopes: ['account:read'] }] }),
        OAuth: jwt({ algorithms: ['HS256'], secret: SECRET, issuer: ISSUER, audience: AUDIENCE }),
      },
    }),
  ],
}));

const get = (target: string, headers: readonly Header[] = []): ScenarioRequest => ({ method: 'GET', target: BASE + target, headers });
const send = (method: string, target: string, body: string, contentType: string | null = 'application/json'): ScenarioRequest => ({
  method,
  target: BASE + target,
  headers: contentType === null ? [] : [['Content-Type', contentType]],
  body,
});
const postJson = (target: string, body: unknown, contentType = 'application/json'): ScenarioRequest => send('POST', target, JSON.stringify(body), contentType);

/** The 3.0 document has no servers: no base path. */
const postNote = (body: unknown): ScenarioRequest => ({ method: 'POST', target: '/notes', headers: [['Content-Type', 'application/json']], body: JSON.stringify(body) });

const ITEM = { name: 'lamp', price: 12 };

/** A 400 `request_invalid` listing exactly these errors; the answer must not contain `hidden`. */
function invalid(errors: readonly ExpectedProblemError[], hidden: readonly string[] = [MARKER]): Expectation {
  return { ...denied(400, 'request_invalid'), problemErrors: errors, mustNotContain: hidden };
}
const error = (pointer: string, keyword: string): ExpectedProblemError => ({ pointer, keyword });

/** The table: a scenario per row, named `openapi: <what>`. */
function rows(list: ReadonlyArray<readonly [name: string, policy: PolicyCase, request: ScenarioRequest, expect: Expectation, options?: HarnessOptions]>): Scenario[] {
  return list.map(([name, p, request, expect, options]) => ({ name: `openapi: ${name}`, policy: p, request, expect, ...(options === undefined ? {} : { options }) }));
}
const FRAMEWORK_PARSER: HarnessOptions = { frameworkBodyParser: true };

const typeConfusion = rows([
  ['a query integer is converted from its string (?limit=10)', strict, get('/items?limit=10'), handled()],
  ['a non-numeric query integer is refused', strict, get(`/items?limit=${MARKER}`), invalid([error('/query/limit', 'type')])],
  ['a fractional query integer is refused (?limit=1.5)', strict, get('/items?limit=1.5'), invalid([error('/query/limit', 'type')])],
  ['a query integer under its minimum is refused', strict, get('/items?limit=0'), invalid([error('/query/limit', 'minimum')])],
  // Number() would take all of these; an integer parameter is decimal digits only.
  ['a query integer in exponent form is refused (?limit=1e1)', strict, get('/items?limit=1e1'), invalid([error('/query/limit', 'type')])],
  ['a query integer in hex is refused (?limit=0x10)', strict, get('/items?limit=0x10'), invalid([error('/query/limit', 'type')])],
  ['a query integer with a leading space is refused', strict, get('/items?limit=%2010'), invalid([error('/query/limit', 'type')])],
  ['an empty query integer is refused (?limit=)', strict, get('/items?limit='), invalid([error('/query/limit', 'type')])],
  ['a signed path integer is refused (/items/%2B5)', strict, get('/items/%2B5'), invalid([error('/path/id', 'type')])],
  ['a JSON body of the documented types passes', strict, postJson('/items', ITEM), handled({ body: ITEM, sameBodyAsValidated: true })],
  ['a string where a JSON integer is required is refused (no coercion in bodies)', strict, postJson('/items', { name: 'lamp', price: '1' }), invalid([error('/body/price', 'type')])],
  ['a JSON number where a string is required is refused', strict, postJson('/items', { name: 7, price: 1 }), invalid([error('/body/name', 'type')])],
  ['a JSON array where an object is expected is refused', strict, postJson('/items', [ITEM]), invalid([error('/body', 'type')])],
  ['a fractional JSON number where an integer is required is refused', strict, postJson('/items', { name: 'lamp', price: 1.5 }), invalid([error('/body/price', 'type')])],
  ['a JSON array where a string is required is refused', strict, postJson('/items', { name: [MARKER], price: 1 }), invalid([error('/body/name', 'type')])],
  ['a JSON string where an array is required is refused', strict, postJson('/items', { ...ITEM, tags: MARKER }), invalid([error('/body/tags', 'type')])],
  ['a JSON boolean where an integer is required is refused', strict, postJson('/items', { name: 'lamp', price: true }), invalid([error('/body/price', 'type')])],
]);

const parameterStyles = rows([
  // Scalars and arrays; duplicates (HTTP parameter pollution).
  ['a scalar query parameter given twice is refused as duplicate', strict, get('/items?limit=1&limit=2'), invalid([error('/query/limit', 'duplicate')])],
  ['query parameter names are case-sensitive (?LIMIT=5 is not limit)', strict, get('/items?LIMIT=5'), invalid([error('/query/LIMIT', 'unknown')])],
  ['a scalar string parameter given twice is refused (no first/last-wins)', strict, get(`/items?q=lamp&q=${MARKER}`), invalid([error('/query/q', 'duplicate')])],
  ['a required query parameter missing is refused', strict, get('/search'), invalid([error('/query/q', 'required')])],
  ['an exploded form array given once passes', strict, get('/items?tags=a'), handled()],
  ['an exploded form array given empty is the empty list (?tags=)', strict, get('/items?tags='), handled()],
  ['an exploded form array given twice passes (?tags=a&tags=b)', strict, get('/items?tags=a&tags=b'), handled()],
  ['an exploded form array: a comma is data (?tags=a,b)', strict, get('/items?tags=a,b'), handled()],
  ['an exploded form array over maxItems is refused', strict, get('/items?tags=1&tags=2&tags=3&tags=4&tags=5&tags=6'), invalid([error('/query/tags', 'maxItems')])],
  ['a non-exploded form array is comma-separated (?ids=1,2)', strict, get('/items?ids=1,2'), handled()],
  ['a non-exploded form array given twice is refused as duplicate', strict, get('/items?ids=1&ids=2'), invalid([error('/query/ids', 'duplicate')])],
  ['a non-exploded form array item of the wrong type is refused', strict, get(`/items?ids=1,${MARKER}`), invalid([error('/query/ids/1', 'type')])],
  ['a %2C inside a non-exploded array value is data, not a separator', strict, get('/items?names=a%2Cb%2Cc'), handled()],
  ['literal commas in a non-exploded array value do separate', strict, get('/items?names=a,b,c'), invalid([error('/query/names', 'maxItems')])],
  ['a spaceDelimited array (%20) passes', strict, get('/items?spaced=1%202%203'), handled()],
  ['a spaceDelimited array item of the wrong type is refused', strict, get(`/items?spaced=1%20${MARKER}`), invalid([error('/query/spaced/1', 'type')])],
  ['a pipeDelimited array passes', strict, get('/items?piped=1|2|3'), handled()],
  ['a pipeDelimited array item of the wrong type is refused', strict, get(`/items?piped=1|${MARKER}`), invalid([error('/query/piped/1', 'type')])],
  ['a deepObject parameter passes (?filter[color]=red&filter[size]=3)', strict, get('/items?filter[color]=red&filter[size]=3'), handled()],
  ['a deepObject parameter with encoded brackets passes', strict, get('/items?filter%5Bcolor%5D=blue'), handled()],
  ['a deepObject property outside its enum is refused', strict, get(`/items?filter[color]=${MARKER}`), invalid([error('/query/filter/color', 'enum')])],
  ['a deepObject property the schema closes is refused', strict, get('/items?filter[admin]=1'), invalid([error('/query/filter/admin', 'additionalProperties')])],
  ['a deepObject __proto__ key is refused', strict, get('/items?filter[__proto__][admin]=1'), invalid([error('/query/filter', 'forbiddenKey')])],
  ['a deepObject property given twice is refused', strict, get('/items?filter[color]=red&filter[color]=blue'), invalid([error('/query/filter/color', 'duplicate')])],
  ['a JSON (content) query parameter passes', strict, get(`/items?where=${encodeURIComponent('{"name":"lamp"}')}`), handled()],
  ['a JSON (content) query parameter that is not JSON is refused', strict, get(`/items?where=${encodeURIComponent(`{${MARKER}`)}`), invalid([error('/query/where', 'content')])],
  ['a JSON (content) query parameter is validated by its schema', strict, get(`/items?where=${encodeURIComponent(`{"other":"${MARKER}"}`)}`), invalid([error('/query/where/name', 'required')])],
  ['a date-time query parameter passes', strict, get('/items?since=2024-05-01T10:00:00Z'), handled()],
  ['an invalid date-time query parameter is refused', strict, get(`/items?since=${MARKER}`), invalid([error('/query/since', 'format')])],
  // Path styles.
  ['a label path parameter passes (/labelled/.5)', strict, get('/labelled/.5'), handled()],
  ['a label path parameter without its dot is refused', strict, get('/labelled/5'), invalid([error('/path/id', 'style')])],
  ['a matrix path parameter passes (/matrix/;id=5)', strict, get('/matrix/;id=5'), handled()],
  ['a matrix path parameter without its name is refused', strict, get('/matrix/5'), invalid([error('/path/id', 'style')])],
  ['a simple path array passes (/colors/red,green)', strict, get('/colors/red,green'), handled()],
  ['a simple path array item outside its enum is refused', strict, get(`/colors/red,${MARKER}`), invalid([error('/path/list/1', 'enum')])],
  ['a path integer is converted (/items/42)', strict, get('/items/42'), handled()],
  ['a non-integer path parameter is refused', strict, get(`/items/${MARKER}`), invalid([error('/path/id', 'type')])],
  ['a percent-encoded path parameter is decoded before validation (/files/r%65port.png)', strict, get('/files/r%65port.png'), handled()],
  ['an encoded slash in a path parameter is refused by core', strict, get('/users/12%2F34'), denied(400, 'path_invalid')],
  ['invalid UTF-8 in a query parameter is refused by core', strict, get('/items?q=%ff'), denied(400, 'query_invalid')],
  // Headers and cookies.
  ['a header parameter in its enum passes', strict, get('/items', [['X-Mode', 'fast']]), handled()],
  ['header parameter names are case-insensitive (x-mode)', strict, get('/items', [['x-mode', 'full']]), handled()],
  ['a header parameter outside its enum is refused', strict, get('/items', [['X-Mode', MARKER]]), invalid([error('/header/X-Mode', 'enum')])],
  ['a single-valued header parameter sent twice is refused', strict, get('/items', [['X-Mode', 'fast'], ['X-Mode', 'full']]), invalid([error('/header/X-Mode', 'duplicate')])],
  ['a simple header array passes (X-Ids: 1,2)', strict, get('/items', [['X-Ids', '1,2']]), handled()],
  ['a header array may be split over two fields', strict, get('/items', [['X-Ids', '1'], ['X-Ids', '2']]), handled()],
  ['a header array item of the wrong type is refused', strict, get('/items', [['X-Ids', `1,${MARKER}`]]), invalid([error('/header/X-Ids/1', 'type')])],
  ['a cookie parameter matching its pattern passes', strict, get('/items', [['Cookie', 'session=abcd1234']]), handled()],
  ['a cookie parameter outside its pattern is refused', strict, get('/items', [['Cookie', `session=${MARKER}`]]), invalid([error('/cookie/session', 'pattern')])],
  ['a cookie parameter sent twice is refused', strict, get('/items', [['Cookie', 'session=abcd1234; session=zzzz9999']]), invalid([error('/cookie/session', 'duplicate')], ['zzzz9999'])],
  // Unknown parameters and coercion.
  ['an undocumented query parameter is refused by default', strict, get(`/items?debug=${MARKER}`), invalid([error('/query/debug', 'unknown')])],
  // A name the client chose appears in a pointer only when short and plain.
  ['an odd undocumented query parameter name is not echoed', strict, get(`/items?${MARKER}%3Cscript%3E=1`), invalid([error('/query', 'unknown')])],
  ['a long undocumented query parameter name is not echoed', strict, get(`/items?${MARKER.repeat(6)}=1`), invalid([error('/query', 'unknown')])],
  ['an odd deepObject property name is not echoed', strict, get(`/items?filter[${MARKER}%3Cb%3E]=1`), invalid([error('/query/filter', 'additionalProperties')])],
  ["an undocumented query parameter passes with unknownQueryParameters 'allow'", unknownQueryAllowed, get('/items?debug=1'), handled()],
  ["coercion 'none' refuses ?limit=10 for an integer", noCoercion, get('/items?limit=10'), invalid([error('/query/limit', 'type')])],
  ["coercion 'none' still passes a string parameter", noCoercion, get('/items?q=lamp'), handled()],
]);

const deepJson = `{"name":"lamp","price":1,"tags":${'['.repeat(100)}${']'.repeat(100)}}`;

const bodies = rows([
  // Media types.
  ['application/json; charset=utf-8 is the documented JSON', strict, postJson('/items', ITEM, 'application/json; charset=utf-8'), handled({ body: ITEM, sameBodyAsValidated: true })],
  ['media types are case-insensitive (application/JSON)', strict, postJson('/items', ITEM, 'application/JSON'), handled({ body: ITEM, sameBodyAsValidated: true })],
  ['application/merge-patch+json passes where documented', strict, send('PATCH', '/items/1', '{"price":3}', 'application/merge-patch+json'), handled({ body: { price: 3 }, sameBodyAsValidated: true })],
  ['application/json is 415 where only merge-patch+json is documented', strict, send('PATCH', '/items/1', '{"price":3}'), denied(415, 'media_type_undocumented')],
  ['application/merge-patch+json is 415 where only application/json is documented', strict, postJson('/items', ITEM, 'application/merge-patch+json'), denied(415, 'media_type_undocumented')],
  ['an undocumented +json media type is 415', strict, postJson('/items', ITEM, 'application/vnd.api+json'), denied(415, 'media_type_undocumented')],
  ['text/plain to a JSON-only operation is 415', strict, send('POST', '/items', JSON.stringify(ITEM), 'text/plain'), denied(415, 'media_type_undocumented')],
  ['a body without Content-Type is 415', strict, send('POST', '/items', JSON.stringify(ITEM), null), denied(415, 'media_type_undocumented')],
  ['a required body missing is 400 body_required', strict, { method: 'POST', target: `${BASE}/items`, headers: [['Content-Type', 'application/json']] }, denied(400, 'body_required')],
  ['an empty required body (Content-Length: 0) is 400 body_required', strict, send('POST', '/items', ''), denied(400, 'body_required')],
  ['a chunked JSON body is validated and passes', strict, { method: 'POST', target: `${BASE}/items`, headers: [['Content-Type', 'application/json']], chunks: ['{"name":"lamp",', '"price":12}'] }, handled({ body: ITEM, sameBodyAsValidated: true })],
  ['a chunked JSON body is validated and refused', strict, { method: 'POST', target: `${BASE}/items`, headers: [['Content-Type', 'application/json']], chunks: ['{"name":"lamp",', `"price":"${MARKER}"}`] }, invalid([error('/body/price', 'type')])],
  ['a chunked body without Content-Type is 415', strict, { method: 'POST', target: `${BASE}/items`, chunks: [JSON.stringify(ITEM)] }, denied(415, 'media_type_undocumented')],
  ['a JSON body in a charset other than UTF-8 is refused by core', strict, postJson('/items', ITEM, 'application/json; charset=latin1'), denied(415, 'unsupported_media_type')],
  ['a body sent to an operation that documents none is refused', strict, send('DELETE', '/items/1', `{"a":"${MARKER}"}`), invalid([error('/body', 'requestBody')])],
  ['a DELETE without a body passes', strict, { method: 'DELETE', target: `${BASE}/items/1` }, handled({ body: null })],
  // Form bodies (Stripe-like metadata[key]=value, a deepObject encoding).
  [
    'a form body with deepObject metadata passes',
    strict,
    send('POST', '/customers', 'email=ada%40example.com&metadata[order]=42&metadata[tier]=gold', 'application/x-www-form-urlencoded'),
    // The handler gets core's form body (flat names); the contract validated its deepObject reading.
    handled({ body: { email: 'ada@example.com', 'metadata[order]': '42', 'metadata[tier]': 'gold' }, sameBodyAsValidated: true }),
  ],
  ['a form field of the wrong format is refused', strict, send('POST', '/customers', `email=${MARKER}`, 'application/x-www-form-urlencoded'), invalid([error('/body/email', 'format')])],
  ['an undocumented form field is refused', strict, send('POST', '/customers', 'email=ada%40example.com&role=admin', 'application/x-www-form-urlencoded'), invalid([error('/body/role', 'additionalProperties')])],
  ['a form field given twice is refused', strict, send('POST', '/customers', `email=ada%40example.com&email=${MARKER}%40example.com`, 'application/x-www-form-urlencoded'), invalid([error('/body/email', 'duplicate')])],
  ['a form deepObject nested deeper than its schema is refused', strict, send('POST', '/customers', `email=ada%40example.com&metadata[a][b]=${MARKER}`, 'application/x-www-form-urlencoded'), invalid([error('/body/metadata/a', 'type')])],
  ['a form __proto__ key is refused', strict, send('POST', '/customers', 'email=ada%40example.com&metadata[__proto__]=1', 'application/x-www-form-urlencoded'), invalid([error('/body/metadata', 'forbiddenKey')])],
  ['JSON to a form-only operation is 415', strict, postJson('/customers', { email: 'ada@example.com' }), denied(415, 'media_type_undocumented')],
  // Core's JSON refusals come first.
  ['duplicate JSON keys are refused (rejectDuplicateKeys)', strict, send('POST', '/items', '{"name":"lamp","price":1,"price":0}'), denied(400, 'json_duplicate_key')],
  ['__proto__ in a JSON body is refused', strict, send('POST', '/items', '{"name":"lamp","price":1,"__proto__":{"admin":true}}'), denied(400, 'json_forbidden_key')],
  ['JSON nested deeper than the core limit is refused', strict, send('POST', '/items', deepJson), denied(400, 'json_too_deep')],
  // With the framework's own JSON parser first (Express, Fastify, Koa; not applicable on Hono).
  ['with the framework body parser first, a valid body passes', strict, postJson('/items', ITEM), handled({ body: ITEM, sameBodyAsValidated: true }), FRAMEWORK_PARSER],
  ['with the framework body parser first, an invalid body is refused', strict, postJson('/items', { name: 'lamp', price: MARKER }), invalid([error('/body/price', 'type')]), FRAMEWORK_PARSER],
  // Schema keywords.
  ['a readOnly property in a request body is refused', strict, postJson('/items', { ...ITEM, id: MARKER }), invalid([error('/body/id', 'readOnly')])],
  ['a property outside additionalProperties: false is refused', strict, postJson('/items', { ...ITEM, role: MARKER }), invalid([error('/body/role', 'additionalProperties')])],
  ['an odd extra property name is not echoed', strict, postJson('/items', { ...ITEM, [`${MARKER}<img src=x>`]: 1 }), invalid([error('/body', 'additionalProperties')])],
  ['an odd undocumented form field name is not echoed', strict, send('POST', '/customers', `email=ada%40example.com&${MARKER}%3Cb%3E=1`, 'application/x-www-form-urlencoded'), invalid([error('/body', 'additionalProperties')])],
  ['an extra property passes where the schema leaves objects open', strict, postJson('/open', { a: 'x', role: 'admin' }), handled({ body: { a: 'x', role: 'admin' }, sameBodyAsValidated: true })],
  ['closedObjects refuses an extra property on an open schema', closed, postJson('/open', { a: 'x', role: MARKER }), invalid([error('/body/role', 'unevaluatedProperties')])],
  ['closedObjects passes the documented properties', closed, postJson('/open', { a: 'x' }), handled({ body: { a: 'x' }, sameBodyAsValidated: true })],
  ['an open allOf composition passes an extra property', strict, postJson('/composed', { a: 'x', b: 1, role: 'admin' }), handled({ body: { a: 'x', b: 1, role: 'admin' }, sameBodyAsValidated: true })],
  ['closedObjects passes the properties of every allOf branch', closed, postJson('/composed', { a: 'x', b: 1 }), handled({ body: { a: 'x', b: 1 }, sameBodyAsValidated: true })],
  ['closedObjects refuses an extra property on an allOf composition', closed, postJson('/composed', { a: 'x', b: 1, role: MARKER }), invalid([error('/body/role', 'unevaluatedProperties')])],
  ['a value in its enum passes', strict, postJson('/items', { ...ITEM, status: 'published' }), handled({ body: { ...ITEM, status: 'published' }, sameBodyAsValidated: true })],
  ['a value outside its enum is refused', strict, postJson('/items', { ...ITEM, status: MARKER }), invalid([error('/body/status', 'enum')])],
  [
    'valid date-time, email and uuid formats pass',
    strict,
    postJson('/items', { ...ITEM, createdAt: '2024-05-01T10:00:00Z', contact: 'ada@example.com', ref: '0b8f6a52-7c1e-4d2a-9f3b-5e6d7c8b9a01' }),
    handled({ body: { ...ITEM, createdAt: '2024-05-01T10:00:00Z', contact: 'ada@example.com', ref: '0b8f6a52-7c1e-4d2a-9f3b-5e6d7c8b9a01' }, sameBodyAsValidated: true }),
  ],
  ['an invalid date-time is refused', strict, postJson('/items', { ...ITEM, createdAt: `2024-13-45T${MARKER}` }), invalid([error('/body/createdAt', 'format')])],
  ['an invalid email is refused', strict, postJson('/items', { ...ITEM, contact: `${MARKER}@` }), invalid([error('/body/contact', 'format')])],
  ['an invalid uuid is refused', strict, postJson('/items', { ...ITEM, ref: `${MARKER}-not-a-uuid` }), invalid([error('/body/ref', 'format')])],
  // ajv stops at a body's first failure: the work per invalid body is bounded by the schema.
  ['a body reports its first failure only', strict, postJson('/items', { name: '', price: -1 }), invalid([error('/body/name', 'minLength')])],
  [
    'parameter and body errors are listed together',
    strict,
    postJson(`/items?debug=${MARKER}`, { name: 'lamp', price: MARKER }),
    invalid([error('/query/debug', 'unknown'), error('/body/price', 'type')]),
  ],
  ['several parameter errors are listed together', strict, get(`/items?limit=${MARKER}&since=${MARKER}&X=1`), invalid([error('/query/X', 'unknown'), error('/query/limit', 'type'), error('/query/since', 'format')])],
  ['3.1: null passes for type [string, null]', strict, postJson('/items', { ...ITEM, note: null }), handled({ body: { ...ITEM, note: null }, sameBodyAsValidated: true })],
  ['3.1: a number is refused for type [string, null]', strict, postJson('/items', { ...ITEM, note: 5 }), invalid([error('/body/note', 'type')])],
  ['3.0: null passes where nullable is true', legacy, postNote({ note: null }), handled({ body: { note: null }, sameBodyAsValidated: true })],
  ['3.0: a number is refused where nullable is true', legacy, postNote({ note: 5 }), invalid([error('/body/note', 'type')])],
  ['3.0: null is refused where nullable is false', legacy, postNote({ note: 'x', count: null }), invalid([error('/body/count', 'type')])],
]);

const routing = rows([
  ['a concrete path is matched before a templated one (/users/me)', strict, get('/users/me'), handled()],
  ['the templated path takes the rest (/users/42)', strict, get('/users/42'), handled()],
  ['a templated path parameter outside its pattern is refused', strict, get(`/users/${MARKER}`), invalid([error('/path/id', 'pattern')])],
  ['a mixed segment template passes (/files/report.png)', strict, get('/files/report.png'), handled()],
  ['a mixed segment template refuses an undocumented extension', strict, get('/files/report.exe'), invalid([error('/path/ext', 'enum')])],
  ['a request without the servers base path is 404', strict, { method: 'GET', target: '/items' }, denied(404, 'route_undocumented')],
  ['an undocumented path is 404', strict, get('/admin'), denied(404, 'route_undocumented')],
  ['an undocumented method is 405 with Allow', strict, { method: 'PUT', target: `${BASE}/items`, headers: [['Content-Type', 'application/json']], body: '{}' }, denied(405, 'method_undocumented', { allow: 'GET, HEAD, POST' })],
  ['HEAD is served by the GET operation', strict, { method: 'HEAD', target: `${BASE}/items?limit=5` }, { status: 200, handled: true, emptyBody: true }],
  ['HEAD is validated like GET', strict, { method: 'HEAD', target: `${BASE}/items?limit=abc` }, { ...denied(400, 'request_invalid'), emptyBody: true }],
  ["undocumented 'monitor': an undocumented path is handled, the deny reported", undocumentedMonitored, get('/admin'), handled({ decision: monitored('openapi', 'route_undocumented') })],
  ["undocumented 'monitor': an undocumented method is handled, the deny reported", undocumentedMonitored, { method: 'PUT', target: `${BASE}/items/1` }, handled({ decision: monitored('openapi', 'method_undocumented') })],
  ["undocumented 'monitor': the contract is still enforced on documented operations", undocumentedMonitored, get(`/items?limit=${MARKER}`), invalid([error('/query/limit', 'type')])],
  ["undocumented 'allow': an undocumented path is handled", undocumentedAllowed, get('/admin'), handled()],
  ["basePath '' overrides the servers: /items is served", noBasePath, { method: 'GET', target: '/items?limit=3' }, handled()],
  ["basePath '' overrides the servers: /api/v1/items is 404", noBasePath, get('/items'), denied(404, 'route_undocumented')],
]);

const apiKeyIdentity: EchoedIdentity = { method: 'api-key', subject: 'key-client', clientId: 'key-client', scopes: ['account:read'], roles: [] };
const jwtIdentity = (scopes: readonly string[]): EchoedIdentity => ({ method: 'jwt', subject: 'u1', clientId: 'client-a', scopes, roles: [] });
const bare = (target: string, headers: readonly Header[] = []): ScenarioRequest => ({ method: 'GET', target, headers });

const security = rows([
  ['security: an operation with security [] is public', secured, bare('/health'), handled()],
  // RFC 9110 §11.6.1: a 401 carries WWW-Authenticate; the apiKey guard's own is `ApiKey realm="api"`.
  ['security: a missing API key is 401 with a challenge', secured, bare('/account'), denied(401, 'authentication_required', { 'www-authenticate': true })],
  ['security: a wrong API key is 401', secured, bare('/account', [['X-API-Key', WRONG_KEY]]), { ...denied(401, 'api_key_invalid', { 'www-authenticate': 'ApiKey realm="api"' }), mustNotContain: [WRONG_KEY] }],
  ['security: the right API key reaches the handler with its identity', secured, bare('/account', [['X-API-Key', API_KEY]]), handled({ identity: apiKeyIdentity })],
  ['security: an OAuth2 operation without a token is 401 with a Bearer challenge', secured, bare('/reports'), denied(401, 'authentication_required', { 'www-authenticate': 'Bearer' })],
  [
    'security: a token lacking the scope is 403 insufficient_scope',
    secured,
    bare('/reports', [['Authorization', `Bearer ${token('orders:read')}`]]),
    { ...denied(403, 'insufficient_scope'), mustNotContain: [token('orders:read').slice(0, 24), 'orders:read'] },
  ],
  ['security: an invalid token is 401', secured, bare('/reports', [['Authorization', `Bearer ${token('reports:read').slice(0, -4)}AAAA`]]), { ...denied(401, 'token_invalid'), mustNotContain: [token('reports:read').slice(0, 24)] }],
  ['security: a token with the scope reaches the handler with its identity', secured, bare('/reports', [['Authorization', `Bearer ${token('orders:read reports:read')}`]]), handled({ identity: jwtIdentity(['orders:read', 'reports:read']) })],
  ['security: operations.<id>.security [] makes an operation public', securedAccountPublic, bare('/account'), handled()],
  ['security: operations.<id>.security leaves the other operations secured', securedAccountPublic, bare('/reports'), denied(401, 'authentication_required', { 'www-authenticate': 'Bearer' })],
  ['security: an API key does not stand in for the OAuth2 scheme', secured, bare('/reports', [['X-API-Key', API_KEY]]), denied(401, 'authentication_required', { 'www-authenticate': 'Bearer' })],
]);

const limitedSearch = searchLimited('limit reached');
const limitedFirst = searchLimited('first request');
const limitedElsewhere = searchLimited('other operations');
const RATE_HEADERS = { 'retry-after': '60', 'ratelimit-policy': '"w60";q=2;w=60', ratelimit: '"w60";r=0;t=60' };

const perOperation: Scenario[] = [
  ...rows([
    ['operations: a monitored operation handles an invalid body, the deny reported', thingsMonitored, postJson('/things', { name: 'x', role: MARKER }), handled({ body: { name: 'x', role: MARKER }, sameBodyAsValidated: true, decision: monitored('openapi.contract', 'request_invalid') })],
    ['operations: a monitored operation handles a missing body, the deny reported', thingsMonitored, { method: 'POST', target: `${BASE}/things` }, handled({ body: null, decision: monitored('openapi.contract', 'body_required') })],
    ['operations: a monitored operation handles a valid body', thingsMonitored, postJson('/things', { name: 'x' }), handled({ body: { name: 'x' }, sameBodyAsValidated: true })],
    ['operations: other operations stay enforced', thingsMonitored, postJson('/items', { name: 'x' }), invalid([error('/body/price', 'required')])],
  ]),
  {
    name: "openapi: operations: a request under an operation's rate limit is handled with RateLimit headers",
    policy: limitedFirst,
    request: get('/search?q=a'),
    expect: handled({}, { 'ratelimit-policy': '"w60";q=2;w=60', ratelimit: '"w60";r=1;t=60' }),
  },
  {
    name: 'openapi: operations: a rate limit on one operation answers 429 after its limit',
    policy: limitedSearch,
    before: [get('/search?q=a'), get('/search?q=b')],
    request: get('/search?q=c'),
    expect: denied(429, 'rate_limited', RATE_HEADERS),
  },
  {
    name: "openapi: operations: an operation's rate limit leaves the other operations alone",
    policy: limitedElsewhere,
    before: [get('/search?q=a'), get('/search?q=b'), get('/search?q=c')],
    request: get('/items'),
    expect: handled({}, { 'ratelimit-policy': null, ratelimit: null }),
  },
];

/**
 * Response validation: the harness handler answers its EchoBody (`handled`, `method`, `body`...).
 * One document describes it loosely (valid), one forbids all but `handled` (the EchoBody leaks
 * undeclared properties): `enforce` replaces that answer with a 502 problem before anything is sent,
 * on every adapter; `monitor` lets it through.
 */
function echoDocument(closedResponse: boolean): Record<string, unknown> {
  const schema = closedResponse
    ? { type: 'object', properties: { handled: { type: 'boolean' } }, additionalProperties: false }
    : { type: 'object', required: ['handled', 'method'], properties: { handled: { const: true }, method: { type: 'string' } } };
  return {
    openapi: '3.1.0',
    info: { title: 'echo', version: '1' },
    paths: { '/echo': { get: { operationId: 'echo', responses: { '200': { description: 'the echo', content: { 'application/json': { schema } } } } } } },
  };
}
const responsesEnforced = (closedResponse: boolean): PolicyCase =>
  policy(`openapi: responses 'enforce', ${closedResponse ? 'closed' : 'open'} response schema`, () => ({ guards: [openapi({ document: echoDocument(closedResponse), responses: 'enforce' })] }));
const responsesMonitored = policy("openapi: responses 'monitor', closed response schema", () => ({ guards: [openapi({ document: echoDocument(true), responses: 'monitor' })] }));

const responses: Scenario[] = [
  { name: 'openapi: responses: a response that matches the contract goes out unchanged', policy: responsesEnforced(false), request: { method: 'GET', target: '/echo' }, expect: handled() },
  {
    name: "openapi: responses: a response leaking undeclared properties is replaced by a 502 under 'enforce'",
    policy: responsesEnforced(true),
    request: { method: 'GET', target: '/echo' },
    expect: { status: 502, handled: true, problem: 'response_invalid', mustNotContain: ['sameBodyAsValidated'] },
  },
  { name: "openapi: responses: the same response goes out under 'monitor'", policy: responsesMonitored, request: { method: 'GET', target: '/echo' }, expect: handled() },
];

export const openapiScenarios: readonly Scenario[] = [...typeConfusion, ...parameterStyles, ...bodies, ...routing, ...security, ...perOperation, ...responses];
