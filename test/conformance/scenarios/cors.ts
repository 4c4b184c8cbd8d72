/** CORS: preflights answered or refused, simple requests with and without an allowed origin. */
import { denied, handled, policy, type Expectation, type Scenario } from '../scenario.js';
import type { Header } from '../../support/raw-http.js';

const APP = 'https://app.example';
const EVIL = 'https://evil.example';
const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const DEFAULT_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';

const cors = policy('cors: listed origins', () => ({
  cors: { origins: [APP, 'https://*.partner.example'], exposeHeaders: ['x-app'] },
  routes: [
    { path: '/items', methods: ['GET'], id: 'items' },
    { path: '/internal', methods: ['GET'], id: 'internal', cors: false },
  ],
}));
const strict = policy("cors: unknownOrigin 'deny'", () => ({ cors: { origins: [APP], unknownOrigin: 'deny' } }));
const credentials = policy('cors: credentials', () => ({ cors: { origins: [APP], credentials: true, methods: ['GET', 'POST'], allowHeaders: ['content-type', 'x-csrf'], maxAgeSeconds: 60 } }));
const anyOrigin = policy("cors: origins '*'", () => ({ cors: { origins: '*' } }));

const preflight = (target: string, origin: string, method: string, headers?: string): { method: string; target: string; headers: Header[] } => ({
  method: 'OPTIONS',
  target,
  headers: [['Origin', origin], ['Access-Control-Request-Method', method], ...(headers === undefined ? [] : ([['Access-Control-Request-Headers', headers]] as Header[]))],
});
const answered = (headers: Expectation['headers']): Expectation => ({ status: 204, handled: false, emptyBody: true, headers: { 'content-type': null, ...headers } });

export const corsScenarios: readonly Scenario[] = [
  {
    name: 'cors: allowed preflight is answered 204 with the exact CORS headers',
    policy: cors,
    request: preflight('/echo', APP, 'POST', 'Content-Type'),
    expect: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
      'access-control-allow-credentials': null,
      vary: PREFLIGHT_VARY,
    }),
  },
  {
    name: 'cors: allowed preflight without requested headers grants none',
    policy: cors,
    request: preflight('/echo', APP, 'GET'),
    expect: answered({ 'access-control-allow-origin': APP, 'access-control-allow-headers': null, vary: PREFLIGHT_VARY }),
  },
  {
    name: 'cors: preflight to a GET-only route is answered (OPTIONS is implied by CORS)',
    policy: cors,
    request: preflight('/items', APP, 'GET', 'authorization'),
    expect: answered({ 'access-control-allow-origin': APP, 'access-control-allow-headers': 'authorization' }),
  },
  { name: 'cors: preflight from a disallowed origin is 403', policy: cors, request: preflight('/echo', EVIL, 'POST'), expect: denied(403, 'cors_origin_denied', { vary: 'Origin', 'access-control-allow-origin': null }) },
  { name: 'cors: preflight for a disallowed method is 403', policy: cors, request: preflight('/echo', APP, 'PURGE'), expect: denied(403, 'cors_method_denied', { vary: PREFLIGHT_VARY, 'access-control-allow-origin': null }) },
  {
    name: 'cors: preflight for a disallowed header is 403',
    policy: cors,
    request: preflight('/echo', APP, 'POST', 'content-type, x-secret'),
    expect: denied(403, 'cors_header_denied', { vary: PREFLIGHT_VARY, 'access-control-allow-origin': null }),
  },
  {
    name: 'cors: preflight to a route with cors: false is 405',
    policy: cors,
    request: preflight('/internal', APP, 'GET'),
    expect: denied(405, 'method_not_allowed', { allow: 'GET, HEAD', 'access-control-allow-origin': null }),
  },
  {
    name: 'cors: simple request from an allowed origin gets ACAO, Vary and expose headers',
    policy: cors,
    request: { method: 'GET', target: '/echo', headers: [['Origin', APP]] },
    expect: handled({}, { 'access-control-allow-origin': APP, vary: 'Origin', 'access-control-expose-headers': 'x-app', 'access-control-allow-credentials': null }),
  },
  {
    name: 'cors: a wildcard-subdomain origin is allowed',
    policy: cors,
    request: { method: 'GET', target: '/echo', headers: [['Origin', 'https://eu.partner.example']] },
    expect: handled({}, { 'access-control-allow-origin': 'https://eu.partner.example', vary: 'Origin' }),
  },
  {
    name: 'cors: the bare domain of a wildcard-subdomain origin is not allowed (omitted)',
    policy: cors,
    request: { method: 'GET', target: '/echo', headers: [['Origin', 'https://partner.example']] },
    expect: handled({}, { 'access-control-allow-origin': null }),
  },
  {
    name: 'cors: simple request from a disallowed origin is served without CORS headers',
    policy: cors,
    request: { method: 'GET', target: '/echo', headers: [['Origin', EVIL]] },
    expect: handled({}, { 'access-control-allow-origin': null, 'access-control-expose-headers': null }),
  },
  {
    name: "cors: the 'null' origin is not allowed unless listed",
    policy: cors,
    request: { method: 'GET', target: '/echo', headers: [['Origin', 'null']] },
    expect: handled({}, { 'access-control-allow-origin': null }),
  },
  { name: 'cors: a request without Origin gets no CORS headers', policy: cors, request: { method: 'GET', target: '/echo' }, expect: handled({}, { 'access-control-allow-origin': null, vary: null }) },
  {
    name: 'cors: two Origin fields are refused',
    policy: cors,
    request: { method: 'GET', target: '/echo', headers: [['Origin', APP], ['Origin', EVIL]] },
    expect: denied(403, 'cors_origin_denied'),
  },
  { name: "cors: unknownOrigin 'deny' refuses a simple request from a disallowed origin", policy: strict, request: { method: 'GET', target: '/echo', headers: [['Origin', EVIL]] }, expect: denied(403, 'cors_origin_denied', { vary: 'Origin' }) },
  { name: "cors: unknownOrigin 'deny' serves an allowed origin", policy: strict, request: { method: 'GET', target: '/echo', headers: [['Origin', APP]] }, expect: handled({}, { 'access-control-allow-origin': APP }) },
  {
    name: 'cors: credentials: simple request gets the exact origin and allow-credentials',
    policy: credentials,
    request: { method: 'POST', target: '/echo', headers: [['Origin', APP]] },
    expect: handled({}, { 'access-control-allow-origin': APP, 'access-control-allow-credentials': 'true', vary: 'Origin' }),
  },
  {
    name: 'cors: credentials: preflight with custom methods, headers and max-age',
    policy: credentials,
    request: preflight('/echo', APP, 'POST', 'X-CSRF'),
    expect: answered({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'x-csrf',
      'access-control-max-age': '60',
    }),
  },
  { name: 'cors: credentials: preflight for an unlisted method is 403', policy: credentials, request: preflight('/echo', APP, 'DELETE'), expect: denied(403, 'cors_method_denied') },
  {
    name: "cors: origins '*' answers ACAO * without Vary",
    policy: anyOrigin,
    request: { method: 'GET', target: '/echo', headers: [['Origin', 'https://anyone.example']] },
    expect: handled({}, { 'access-control-allow-origin': '*', vary: null }),
  },
  { name: "cors: origins '*' preflight", policy: anyOrigin, request: preflight('/echo', 'https://anyone.example', 'PUT'), expect: answered({ 'access-control-allow-origin': '*' }) },
];
