/** Request limits: URL, query, headers, body size (declared and streamed), JSON shape, per route. */
import { allowedOn, denied, handled, JSON_TYPE, policy, type Scenario } from '../scenario.js';

const limited = policy('limits: small', () => ({
  limits: { urlLength: 64, queryParams: 3, headerCount: 12, headerBytes: 600, bodyBytes: 64, jsonDepth: 3, jsonKeys: 4, jsonArrayLength: 3, bodyTimeoutMs: 300 },
}));
const perRoute = policy('limits: per route', () => ({
  routes: [{ path: '/small', limits: { bodyBytes: 8 } }],
}));

const extraHeaders = (n: number): [string, string][] => Array.from({ length: n }, (_, i) => [`x-h${i}`, 'v']);
const POST_JSON = (body: string, target = '/echo') => ({ method: 'POST', target, headers: [JSON_TYPE], body });

export const limitScenarios: readonly Scenario[] = [
  { name: 'limits: URL over urlLength is 414', policy: limited, request: { method: 'GET', target: `/echo?q=${'a'.repeat(80)}` }, expect: denied(414, 'url_too_long') },
  {
    name: 'limits: URL of exactly urlLength passes',
    policy: limited,
    request: { method: 'GET', target: `/echo?q=${'a'.repeat(64 - '/echo?q='.length)}` },
    expect: handled(),
  },
  { name: 'limits: more query parameters than queryParams is 400', policy: limited, request: { method: 'GET', target: '/echo?a=1&b=2&c=3&d=4' }, expect: denied(400, 'too_many_query_params') },
  { name: 'limits: queryParams parameters pass', policy: limited, request: { method: 'GET', target: '/echo?a=1&b=2&c=3' }, expect: handled() },
  { name: 'limits: more header fields than headerCount is 431', policy: limited, request: { method: 'GET', target: '/echo', headers: extraHeaders(12) }, expect: denied(431, 'too_many_headers') },
  {
    name: 'limits: duplicate header fields each count towards headerCount',
    policy: limited,
    request: { method: 'GET', target: '/echo', headers: Array.from({ length: 12 }, () => ['x-dup', 'v'] as const) },
    expect: denied(431, 'too_many_headers'),
  },
  { name: 'limits: header fields under headerCount pass', policy: limited, request: { method: 'GET', target: '/echo', headers: extraHeaders(4) }, expect: handled() },
  { name: 'limits: header bytes over headerBytes is 431', policy: limited, request: { method: 'GET', target: '/echo', headers: [['x-filler', 'a'.repeat(700)]] }, expect: denied(431, 'header_too_large') },
  { name: 'limits: header bytes under headerBytes pass', policy: limited, request: { method: 'GET', target: '/echo', headers: [['x-filler', 'a'.repeat(200)]] }, expect: handled() },
  {
    name: 'limits: Content-Length over bodyBytes is 413 with connection close, before the body is sent',
    policy: limited,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE, ['Content-Length', '65']], keepAlive: true },
    expect: denied(413, 'body_too_large', { connection: 'close' }),
  },
  {
    name: 'limits: Expect: 100-continue with a Content-Length over bodyBytes is 413 without the body',
    policy: limited,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE, ['Content-Length', '100000'], ['Expect', '100-continue']], keepAlive: true },
    expect: denied(413, 'body_too_large', { connection: 'close' }),
  },
  {
    name: 'limits: a body of exactly bodyBytes passes',
    policy: limited,
    request: POST_JSON(`{"k":"${'x'.repeat(64 - 8)}"}`),
    expect: handled({ body: { k: 'x'.repeat(56) }, sameBodyAsValidated: true }),
  },
  {
    name: 'limits: a chunked body that grows past bodyBytes is 413 with connection close',
    policy: limited,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE], chunks: ['['], chunkedEnd: { flood: { chunkBytes: 32, maxBytes: 256 * 1024 } }, keepAlive: true },
    expect: denied(413, 'body_too_large', { connection: 'close' }),
  },
  {
    name: 'limits: a chunked body that never ends is 408 after bodyTimeoutMs',
    policy: limited,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE], chunks: ['{"a":'], chunkedEnd: 'stall', keepAlive: true },
    expect: denied(408, 'request_timeout', { connection: 'close' }),
  },
  { name: 'limits: JSON deeper than jsonDepth is 400', policy: limited, request: POST_JSON('[[[[1]]]]'), expect: denied(400, 'json_too_deep') },
  { name: 'limits: JSON of exactly jsonDepth passes', policy: limited, request: POST_JSON('[[[1]]]'), expect: handled({ body: [[[1]]], sameBodyAsValidated: true }) },
  { name: 'limits: more JSON keys than jsonKeys is 400', policy: limited, request: POST_JSON('{"a":1,"b":2,"c":3,"d":4,"e":5}'), expect: denied(400, 'json_too_many_keys') },
  { name: 'limits: jsonKeys counts nested keys; exactly jsonKeys passes', policy: limited, request: POST_JSON('{"a":1,"b":{"c":2,"d":3}}'), expect: handled({ body: { a: 1, b: { c: 2, d: 3 } }, sameBodyAsValidated: true }) },
  { name: 'limits: a JSON array longer than jsonArrayLength is 400', policy: limited, request: POST_JSON('[1,2,3,4]'), expect: denied(400, 'json_array_too_long') },
  { name: 'limits: a JSON array of jsonArrayLength passes', policy: limited, request: POST_JSON('[1,2,3]'), expect: handled({ body: [1, 2, 3], sameBodyAsValidated: true }) },
  {
    name: 'limits: a form body with more fields than jsonKeys is 400',
    policy: limited,
    request: { method: 'POST', target: '/echo', headers: [['content-type', 'application/x-www-form-urlencoded']], body: 'a=1&b=2&c=3&d=4&e=5' },
    expect: denied(400, 'json_too_many_keys'),
  },
  { name: 'limits: a route bodyBytes refuses on its route', policy: perRoute, request: POST_JSON('{"abc":"defgh"}', '/small'), expect: denied(413, 'body_too_large') },
  {
    name: 'limits: a route bodyBytes does not apply elsewhere',
    policy: perRoute,
    request: POST_JSON('{"abc":"defgh"}', '/big'),
    expect: handled({ body: { abc: 'defgh' }, sameBodyAsValidated: true }),
  },
  {
    name: 'limits: a small body passes the route bodyBytes',
    policy: perRoute,
    request: POST_JSON('[1,2]', '/small'),
    expect: handled({ body: [1, 2], sameBodyAsValidated: true, decision: allowedOn('* /small') }),
  },
];
