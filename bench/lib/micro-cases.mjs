// The cases of the micro benchmark: one policy per guard (on top of a minimal policy, so that each
// row minus the `minimal` row is that guard's cost), the whole foundation policy, and the whole
// policy with a JSON body. Every case decides the same kind of request and must allow it.
// Then the identity guards of @portcullis/auth on the same minimal policy (identityMicroCases),
// rateLimit() of @portcullis/rate-limit on the policy's default MemoryStore (rateLimitMicroCases),
// and jose's own jwtVerify called directly (libraryMicroCases), so that the page shows what the
// library costs next to what a decision with it costs.
import { randomBytes, webcrypto } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import { foundationPolicy, jwtGuardOptions } from './policy.mjs';
import { es256KeyPair, JWT_AUDIENCE, JWT_ISSUER, signTokens } from './tokens.mjs';
import { HEALTH_PATH, JWT_SECRET, JWT_TOKEN, ORDER_BODY, ORDER_PATH, SMALL_BODY, SMALL_PATH } from './workload.mjs';

/**
 * The request-limits guard cannot be turned off (it is always compiled, with defaults), and neither
 * can the body reader; this is the least a policy runs.
 */
const MINIMAL = Object.freeze({ securityHeaders: false, methodOverride: 'allow' });

// Headers of an ordinary browser-ish API call, as Node's rawHeaders (a flat name/value list).
const COMMON_HEADERS = [
  'Host', '127.0.0.1:3000',
  'User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) bench/1.0',
  'Accept', 'application/json',
  'Accept-Encoding', 'gzip, deflate, br',
  'Accept-Language', 'en-GB,en;q=0.9',
  'Origin', 'https://app.example.com',
  'Connection', 'keep-alive',
];

/** A GET with the common headers, plus `extra` headers (a flat name/value list). */
function getInit(target, extra = []) {
  return { method: 'GET', target, headers: extra.length === 0 ? COMMON_HEADERS : [...COMMON_HEADERS, ...extra], remoteAddress: '127.0.0.1' };
}

function postHeaders(bytes) {
  return [...COMMON_HEADERS, 'Content-Type', 'application/json', 'Content-Length', String(bytes.byteLength)];
}

/** A POST whose body the adapter already read (a `read` body source): reusable across decides. */
function readBodyInit(target, text) {
  const bytes = new TextEncoder().encode(text);
  const init = { method: 'POST', target, headers: postHeaders(bytes), remoteAddress: '127.0.0.1', body: { kind: 'read', result: { kind: 'ok', bytes } } };
  return () => init;
}

/** A POST whose body arrives as a Web stream (Hono): a stream is consumed once, so each decide gets a new one. */
function webStreamBodyInit(target, text) {
  const bytes = new TextEncoder().encode(text);
  const headers = postHeaders(bytes);
  return () => ({
    method: 'POST',
    target,
    headers,
    remoteAddress: '127.0.0.1',
    body: {
      kind: 'web-stream',
      stream: new ReadableStream({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      }),
    },
  });
}

const same = (init) => () => init;

export const MICRO_CASES = Object.freeze([
  { id: 'minimal', title: 'minimal policy (always-on request limits + body reader)', policy: MINIMAL, request: `GET ${HEALTH_PATH}`, makeInit: same(getInit(HEALTH_PATH)) },
  {
    id: 'limits',
    title: '+ explicit limits',
    policy: { ...MINIMAL, limits: { urlLength: 2_048, queryParams: 32, headerCount: 50, headerBytes: 8_192, bodyBytes: 65_536 } },
    request: `GET ${HEALTH_PATH}`,
    makeInit: same(getInit(HEALTH_PATH)),
  },
  { id: 'method-override', title: '+ method-override refusal', policy: { ...MINIMAL, methodOverride: 'deny' }, request: `GET ${HEALTH_PATH}`, makeInit: same(getInit(HEALTH_PATH)) },
  { id: 'ip-filter', title: '+ ipFilter (4-entry deny list)', policy: { ...MINIMAL, ipFilter: foundationPolicy().ipFilter }, request: `GET ${HEALTH_PATH}`, makeInit: same(getInit(HEALTH_PATH)) },
  { id: 'cors', title: '+ CORS (allowed Origin)', policy: { ...MINIMAL, cors: foundationPolicy().cors }, request: `GET ${HEALTH_PATH}`, makeInit: same(getInit(HEALTH_PATH)) },
  { id: 'security-headers', title: '+ security headers', policy: { ...MINIMAL, securityHeaders: {} }, request: `GET ${HEALTH_PATH}`, makeInit: same(getInit(HEALTH_PATH)) },
  { id: 'routes', title: '+ route table with methods', policy: { ...MINIMAL, routes: foundationPolicy().routes, unmatchedRoutes: 'deny' }, request: `GET ${HEALTH_PATH}`, makeInit: same(getInit(HEALTH_PATH)) },
  { id: 'foundation', title: 'full foundation policy', policy: foundationPolicy(), request: `GET ${HEALTH_PATH}`, makeInit: same(getInit(HEALTH_PATH)) },
  { id: 'foundation-small-json', title: 'full foundation + small JSON body (read)', policy: foundationPolicy(), request: `POST ${SMALL_PATH}, ${SMALL_BODY.length} B`, makeInit: readBodyInit(SMALL_PATH, SMALL_BODY), expectBody: true },
  { id: 'foundation-1k-read', title: 'full foundation + 1 KB JSON body (read)', policy: foundationPolicy(), request: `POST ${ORDER_PATH}, 1 KB`, makeInit: readBodyInit(ORDER_PATH, ORDER_BODY), expectBody: true },
  { id: 'foundation-1k-web-stream', title: 'full foundation + 1 KB JSON body (web-stream)', policy: foundationPolicy(), request: `POST ${ORDER_PATH}, 1 KB`, makeInit: webStreamBodyInit(ORDER_PATH, ORDER_BODY), expectBody: true },
]);

/**
 * One credential per decide, in order: a cold case must never see a credential twice (a JWT seen
 * before would come from the cache; a signed request's nonce would be a replay). The pool holds
 * one per decide the case will make, so running out is a bug in the sizing, not a reason to wrap.
 */
function eachOnce(id, target, header, values) {
  let next = 0;
  return () => {
    if (next === values.length) throw new Error(`case ${id}: its pool of ${values.length} credentials is used up`);
    return getInit(target, [header, values[next++]]);
  };
}

const bearer = (token) => `Bearer ${token}`;
const identityRequest = (what) => `GET ${HEALTH_PATH}, ${what}`;

/** jwt(), HS256 and ES256, each with a repeat token (a cache hit) and with a token never seen before. */
function jwtCases(auth, decidesPerCase) {
  const hs256 = { ...MINIMAL, guards: [auth.jwt(jwtGuardOptions())] };
  const { privateKey, publicJwk } = es256KeyPair();
  const es256 = { ...MINIMAL, guards: [auth.jwt({ algorithms: ['ES256'], publicKeys: [{ jwk: publicJwk }], issuer: JWT_ISSUER, audience: JWT_AUDIENCE })] };
  const es256Tokens = (count) => signTokens({ alg: 'ES256', key: privateKey, count });
  return [
    { id: 'jwt-hs256-cached', title: '+ jwt HS256, repeat token (cache hit)', policy: hs256, request: identityRequest('Bearer HS256, same token'), makeInit: same(getInit(HEALTH_PATH, ['Authorization', bearer(JWT_TOKEN)])) },
    { id: 'jwt-es256-cached', title: '+ jwt ES256, repeat token (cache hit)', policy: es256, request: identityRequest('Bearer ES256, same token'), makeInit: same(getInit(HEALTH_PATH, ['Authorization', bearer(es256Tokens(1)[0])])) },
    {
      id: 'jwt-hs256-cold',
      title: '+ jwt HS256, new token every decide',
      policy: hs256,
      request: identityRequest('Bearer HS256, never seen before'),
      makeInit: eachOnce('jwt-hs256-cold', HEALTH_PATH, 'Authorization', signTokens({ alg: 'HS256', key: JWT_SECRET, count: decidesPerCase }).map(bearer)),
    },
    {
      id: 'jwt-es256-cold',
      title: '+ jwt ES256, new token every decide',
      policy: es256,
      request: identityRequest('Bearer ES256, never seen before'),
      makeInit: eachOnce('jwt-es256-cold', HEALTH_PATH, 'Authorization', es256Tokens(decidesPerCase).map(bearer)),
    },
  ];
}

/** apiKey() with a realistic static list: 1,000 clients' keys, as hashes; the request presents one in the middle. */
function apiKeyCases(auth) {
  const keys = Array.from({ length: 1_000 }, () => `pk_${randomBytes(24).toString('base64url')}`);
  const entries = keys.map((key, i) => ({ hash: auth.hashApiKey(key), clientId: `client-${i}` }));
  return [{ id: 'api-key', title: '+ apiKey (1,000 listed keys)', policy: { ...MINIMAL, guards: [auth.apiKey({ keys: entries })] }, request: identityRequest('X-Api-Key, key 500 of 1,000'), makeInit: same(getInit(HEALTH_PATH, ['X-Api-Key', keys[500]])) }];
}

/**
 * signedRequest() on a GET with a fresh nonce every decide, each stored in the policy's MemoryStore
 * (the replay check is part of the cost). Signed at start-up; the one-hour window covers any run.
 */
function signedRequestCases(auth, decidesPerCase) {
  const key = { id: 'bench-client', secret: JWT_SECRET };
  const host = COMMON_HEADERS[COMMON_HEADERS.indexOf('Host') + 1];
  const authorizations = Array.from({ length: decidesPerCase }, () => auth.signRequest({ keyId: key.id, secret: key.secret, method: 'GET', target: HEALTH_PATH, headers: { host } }).authorization);
  return [{
    id: 'hmac-signed-get',
    title: '+ signedRequest (HMAC-SHA256, nonce stored)',
    policy: { ...MINIMAL, guards: [auth.signedRequest({ keys: [key], windowSeconds: 3_600 })] },
    request: identityRequest('PC-HMAC-SHA256, new nonce every decide'),
    makeInit: eachOnce('hmac-signed-get', HEALTH_PATH, 'Authorization', authorizations),
  }];
}

/** Which exports of @portcullis/auth each group of cases needs. */
const IDENTITY_GROUPS = [
  { what: 'jwt cases', exports: ['jwt'], build: jwtCases },
  { what: 'api-key case', exports: ['apiKey', 'hashApiKey'], build: apiKeyCases },
  { what: 'hmac-signed-get case', exports: ['signedRequest', 'signRequest'], build: signedRequestCases },
];

/**
 * The identity cases, on the minimal policy: each row minus `minimal` is the guard's cost.
 * `auth` is the @portcullis/auth module; a guard it does not export (yet) is skipped with a note.
 * `decidesPerCase` sizes the pools of the cold cases (every decide the case will make, warm-up included).
 */
export function identityMicroCases(auth, { decidesPerCase }) {
  const cases = [];
  const skipped = [];
  for (const group of IDENTITY_GROUPS) {
    const missing = group.exports.filter((name) => typeof auth[name] !== 'function');
    if (missing.length > 0) skipped.push(`${group.what}: @portcullis/auth does not export ${missing.map((name) => `${name}()`).join(' or ')} yet`);
    else cases.push(...group.build(auth, decidesPerCase));
  }
  // Tagged so the report shows these rows with the identity targets, not among the foundation guards.
  return { cases: cases.map((c) => ({ ...c, group: 'identity' })), skipped };
}

/** Far above any number of decides a run makes: the limiter counts every decide but never refuses. */
const NEVER_REACHED = 1_000_000_000;

/**
 * rateLimit() on the minimal policy and its default MemoryStore, one client IP (127.0.0.1) every
 * decide: one 60 s window, and two windows plus a daily quota (three counters per decide). Each row
 * minus `minimal` is the guard's cost (the issue's target: ≤ 2 µs). `rateLimitModule` is
 * @portcullis/rate-limit, or undefined when it cannot be imported: the cases are then skipped with a note.
 */
export function rateLimitMicroCases(rateLimitModule) {
  if (typeof rateLimitModule?.rateLimit !== 'function') return { cases: [], skipped: ['rate-limit cases: @portcullis/rate-limit does not export rateLimit() (not built?)'] };
  const { rateLimit } = rateLimitModule;
  const request = `GET ${HEALTH_PATH}, one client IP`;
  const cases = [
    {
      id: 'rate-limit-memory',
      title: '+ rateLimit, memory store, 1 window',
      policy: { ...MINIMAL, guards: [rateLimit({ limits: [{ points: NEVER_REACHED, windowSeconds: 60 }] })] },
      request,
      makeInit: same(getInit(HEALTH_PATH)),
    },
    {
      id: 'rate-limit-memory-quota',
      title: '+ rateLimit, memory store, 2 windows + quota',
      policy: { ...MINIMAL, guards: [rateLimit({ limits: [{ points: NEVER_REACHED, windowSeconds: 60 }, { points: NEVER_REACHED, windowSeconds: 3_600 }], quota: { points: NEVER_REACHED, period: 'day' } })] },
      request,
      makeInit: same(getInit(HEALTH_PATH)),
    },
  ];
  // Tagged so the report shows these rows in the rate-limit section, with their target.
  return { cases: cases.map((c) => ({ ...c, group: 'rate-limit' })), skipped: [] };
}

/**
 * jose's jwtVerify called directly, with the key imported once and the same checks as the guard
 * (algorithm, issuer, audience, exp). No cache: every call verifies. HS256 is measured with a
 * WebCrypto key and with the raw secret bytes, the form jwt() hands to jose today (jose then
 * imports the key on every call).
 */
export async function libraryMicroCases() {
  const hsBytes = new TextEncoder().encode(JWT_SECRET);
  const hsKey = await webcrypto.subtle.importKey('raw', hsBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const { privateKey, publicJwk } = es256KeyPair();
  const esKey = await importJWK(publicJwk, 'ES256');
  const esToken = signTokens({ alg: 'ES256', key: privateKey, count: 1 })[0];
  const verify = (token, key, alg) => () => jwtVerify(token, key, { algorithms: [alg], issuer: JWT_ISSUER, audience: JWT_AUDIENCE });
  return [
    { id: 'jose-hs256-cryptokey', title: 'jose jwtVerify HS256 (CryptoKey)', request: 'HS256 token, key imported once', call: verify(JWT_TOKEN, hsKey, 'HS256') },
    { id: 'jose-hs256-bytes', title: 'jose jwtVerify HS256 (Uint8Array secret)', request: 'HS256 token, secret bytes', call: verify(JWT_TOKEN, hsBytes, 'HS256') },
    { id: 'jose-es256-cryptokey', title: 'jose jwtVerify ES256 (CryptoKey)', request: 'ES256 token, key imported once', call: verify(esToken, esKey, 'ES256') },
  ];
}
