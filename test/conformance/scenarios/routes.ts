/** Routes and methods: 405 with Allow, HEAD on GET routes, unmatched routes, case-insensitive match, params. */
import { ALLOWED, allowedOn, denied, handled, JSON_TYPE, policy, type Scenario } from '../scenario.js';
import { blockedUser } from './test-guards.js';

const routed = policy('routes: table', () => ({
  routes: [
    { path: '/items', methods: ['GET'], id: 'items' },
    { path: '/orders', methods: ['GET', 'POST'] },
    { path: '/admin', id: 'admin', ipFilter: { allow: ['10.0.0.0/8'] } },
    { path: '/users/:id', methods: ['GET'], id: 'user', guards: [blockedUser()] },
    { path: '/files/*', id: 'files' },
  ],
}));
const closed = policy('routes: unmatched denied', () => ({
  unmatchedRoutes: 'deny',
  routes: [{ path: '/items', methods: ['GET'], id: 'items' }],
}));
const caseSensitive = policy('routes: case-sensitive', () => ({
  paths: { caseSensitive: true },
  routes: [{ path: '/admin', id: 'admin', ipFilter: { allow: ['10.0.0.0/8'] } }],
}));

export const routeScenarios: readonly Scenario[] = [
  { name: 'routes: GET on a GET route reaches the handler with the route id', policy: routed, request: { method: 'GET', target: '/items' }, expect: handled({ decision: allowedOn('items') }) },
  { name: 'routes: DELETE on a GET route is 405 with Allow incl. HEAD', policy: routed, request: { method: 'DELETE', target: '/items' }, expect: denied(405, 'method_not_allowed', { allow: 'GET, HEAD' }) },
  {
    name: 'routes: HEAD on a GET route is allowed (handler runs, no body)',
    policy: routed,
    request: { method: 'HEAD', target: '/items' },
    expect: { status: 200, handled: true, emptyBody: true },
  },
  { name: 'routes: PUT on a GET,POST route is 405 listing both', policy: routed, request: { method: 'PUT', target: '/orders' }, expect: denied(405, 'method_not_allowed', { allow: 'GET, HEAD, POST' }) },
  {
    name: 'routes: POST on a GET,POST route gets the default route id',
    policy: routed,
    request: { method: 'POST', target: '/orders', headers: [JSON_TYPE], body: '{"n":1}' },
    expect: handled({ body: { n: 1 }, sameBodyAsValidated: true, decision: allowedOn('GET,POST /orders') }),
  },
  { name: 'routes: /ADMIN hits the /admin route guards (case-insensitive)', policy: routed, request: { method: 'GET', target: '/ADMIN' }, expect: denied(403, 'ip_denied') },
  { name: 'routes: /Admin/ hits the /admin route guards', policy: routed, request: { method: 'GET', target: '/Admin/' }, expect: denied(403, 'ip_denied') },
  { name: 'routes: a route guard sees the param (denied)', policy: routed, request: { method: 'GET', target: '/users/blocked' }, expect: denied(403, 'access_denied') },
  { name: 'routes: a route guard sees the decoded param (bl%6Fcked)', policy: routed, request: { method: 'GET', target: '/users/bl%6Fcked' }, expect: denied(403, 'access_denied') },
  { name: 'routes: a param route passes other values', policy: routed, request: { method: 'GET', target: '/users/alice' }, expect: handled({ decision: allowedOn('user') }) },
  { name: 'routes: a wildcard route matches deeper paths', policy: routed, request: { method: 'GET', target: '/files/a/b/c.txt' }, expect: handled({ decision: allowedOn('files') }) },
  { name: 'routes: a path matching no route is allowed by default (route null)', policy: routed, request: { method: 'GET', target: '/nowhere' }, expect: handled({ decision: ALLOWED }) },
  {
    name: 'routes: OPTIONS without preflight headers on a GET-only route is 405',
    policy: routed,
    request: { method: 'OPTIONS', target: '/items' },
    expect: denied(405, 'method_not_allowed', { allow: 'GET, HEAD' }),
  },
  {
    name: 'routes: HEAD denied has no body',
    policy: routed,
    request: { method: 'HEAD', target: '/admin' },
    expect: { status: 403, handled: false, problem: 'ip_denied', emptyBody: true },
  },
  { name: "routes: unmatchedRoutes 'deny' answers 404", policy: closed, request: { method: 'GET', target: '/nowhere' }, expect: denied(404, 'route_not_found') },
  { name: "routes: unmatchedRoutes 'deny' still serves listed routes", policy: closed, request: { method: 'GET', target: '/items' }, expect: handled({ decision: allowedOn('items') }) },
  { name: 'routes: OPTIONS * with unmatched routes denied is 404', policy: closed, request: { method: 'OPTIONS', target: '*' }, expect: denied(404, 'route_not_found') },
  { name: 'routes: caseSensitive: /ADMIN does not match /admin', policy: caseSensitive, request: { method: 'GET', target: '/ADMIN' }, expect: handled({ decision: ALLOWED }) },
  { name: 'routes: caseSensitive: /admin still guarded', policy: caseSensitive, request: { method: 'GET', target: '/admin' }, expect: denied(403, 'ip_denied') },
];
