// The cases of the micro benchmark: one policy per guard (on top of a minimal policy, so that each
// row minus the `minimal` row is that guard's cost), the whole foundation policy, and the whole
// policy with a JSON body. Every case decides the same kind of request and must allow it.
import { foundationPolicy } from './policy.mjs';
import { HEALTH_PATH, ORDER_BODY, ORDER_PATH, SMALL_BODY, SMALL_PATH } from './workload.mjs';

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

function getInit(target) {
  return { method: 'GET', target, headers: COMMON_HEADERS, remoteAddress: '127.0.0.1' };
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
