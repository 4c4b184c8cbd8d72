/**
 * Path normalization attacks. The firewall decides on the raw request-target as received, whatever
 * the framework does to it: dot segments and `//` resolve onto the guarded route, encodings that
 * would change meaning are refused, and `strictCanonical` refuses every non-canonical form.
 */
import { ALLOWED, allowedOn, denied, handled, policy, type Scenario } from '../scenario.js';

const guarded = policy('normalization: /admin guarded', () => ({
  routes: [
    { path: '/admin', id: 'admin', ipFilter: { allow: ['10.0.0.0/8'] } },
    { path: '/users/:id', id: 'user' },
  ],
}));
const strict = policy('normalization: strictCanonical', () => ({
  paths: { strictCanonical: true },
  routes: [{ path: '/admin', id: 'admin', ipFilter: { allow: ['10.0.0.0/8'] } }],
}));

const GET = (target: string) => ({ method: 'GET', target });

export const normalizationScenarios: readonly Scenario[] = [
  { name: 'normalization: /a/../admin resolves onto the guarded route', policy: guarded, request: GET('/a/../admin'), expect: denied(403, 'ip_denied') },
  { name: 'normalization: /./admin resolves onto the guarded route', policy: guarded, request: GET('/./admin'), expect: denied(403, 'ip_denied') },
  { name: 'normalization: //admin (double slash) resolves onto the guarded route', policy: guarded, request: GET('//admin'), expect: denied(403, 'ip_denied') },
  { name: 'normalization: /admin/ (trailing slash) is the guarded route', policy: guarded, request: GET('/admin/'), expect: denied(403, 'ip_denied') },
  { name: 'normalization: /admin// is the guarded route', policy: guarded, request: GET('/admin//'), expect: denied(403, 'ip_denied') },
  { name: 'normalization: /%61dmin (encoded unreserved) is the guarded route', policy: guarded, request: GET('/%61dmin'), expect: denied(403, 'ip_denied') },
  { name: 'normalization: /admin;x=1 is not /admin (matrix params are data)', policy: guarded, request: GET('/admin;x=1'), expect: handled({ decision: ALLOWED }) },
  { name: 'normalization: /%2e%2e/admin (encoded dot segment) is refused', policy: guarded, request: GET('/%2e%2e/admin'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: /x/%2E%2E/admin (upper-case encoded dot segment) is refused', policy: guarded, request: GET('/x/%2E%2E/admin'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: /x/.%2e/admin (half-encoded dot segment) is refused', policy: guarded, request: GET('/x/.%2e/admin'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: /admin%2f.. (encoded slash) is refused', policy: guarded, request: GET('/admin%2f..'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: /admin%5c (encoded backslash) is refused', policy: guarded, request: GET('/admin%5cx'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: /admin%00 (encoded NUL) is refused', policy: guarded, request: GET('/admin%00'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: raw backslash /admin\\x is refused', policy: guarded, request: GET('/admin\\x'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: backslash dot segment /x\\..\\admin is refused', policy: guarded, request: GET('/x\\..\\admin'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: /caf%C3%28 (invalid UTF-8 escape) is refused', policy: guarded, request: GET('/caf%C3%28'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: /%C0%AFadmin (overlong UTF-8) is refused', policy: guarded, request: GET('/%C0%AFadmin'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: /%zz (malformed escape) is refused', policy: guarded, request: GET('/%zz'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: /admin%2 (truncated escape) is refused', policy: guarded, request: GET('/admin%2'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: /../admin (climbing above the root) is refused', policy: guarded, request: GET('/../admin'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: /a/../../admin is refused', policy: guarded, request: GET('/a/../../admin'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: a fragment in the target is refused', policy: guarded, request: GET('/echo#frag'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: absolute-form target onto the guarded route', policy: guarded, request: GET('http://example.com/admin'), expect: denied(403, 'ip_denied') },
  { name: 'normalization: absolute-form target with dot segments', policy: guarded, request: GET('http://example.com/x/../admin'), expect: denied(403, 'ip_denied') },
  { name: 'normalization: absolute-form target to an open path is served', policy: guarded, request: GET('http://example.com/echo?x=1'), expect: handled({ decision: ALLOWED }) },
  { name: 'normalization: * target on GET is refused', policy: guarded, request: GET('*'), expect: denied(400, 'path_invalid') },
  { name: 'normalization: query with a malformed escape is refused', policy: guarded, request: GET('/echo?q=%zz'), expect: denied(400, 'query_invalid') },
  { name: 'normalization: query with an invalid UTF-8 escape is refused', policy: guarded, request: GET('/echo?q=%C3%28'), expect: denied(400, 'query_invalid') },
  { name: 'normalization: query with a truncated escape in a name is refused', policy: guarded, request: GET('/echo?a%4=1'), expect: denied(400, 'query_invalid') },
  { name: 'normalization: a well-formed query passes', policy: guarded, request: GET('/echo?q=caf%C3%A9&x=a+b&x=2'), expect: handled({ decision: ALLOWED }) },
  { name: 'normalization: an encoded param value reaches the route', policy: guarded, request: GET('/users/%61lice%20b'), expect: handled({ decision: allowedOn('user') }) },
  { name: 'strictCanonical: /a/../echo is refused', policy: strict, request: GET('/a/../echo'), expect: denied(400, 'path_not_canonical') },
  { name: 'strictCanonical: /./echo is refused', policy: strict, request: GET('/./echo'), expect: denied(400, 'path_not_canonical') },
  { name: 'strictCanonical: //echo is refused', policy: strict, request: GET('//echo'), expect: denied(400, 'path_not_canonical') },
  { name: 'strictCanonical: /%65cho (encoded unreserved) is refused', policy: strict, request: GET('/%65cho'), expect: denied(400, 'path_not_canonical') },
  { name: 'strictCanonical: lower-case hex /caf%c3%a9 is refused', policy: strict, request: GET('/caf%c3%a9'), expect: denied(400, 'path_not_canonical') },
  { name: 'strictCanonical: upper-case hex /caf%C3%A9 passes', policy: strict, request: GET('/caf%C3%A9'), expect: handled({ decision: ALLOWED }) },
  { name: 'strictCanonical: a trailing slash alone is canonical', policy: strict, request: GET('/echo/'), expect: handled({ decision: ALLOWED }) },
  { name: 'strictCanonical: an encoded dot segment is still invalid, not merely non-canonical', policy: strict, request: GET('/%2e%2e/admin'), expect: denied(400, 'path_invalid') },
  { name: 'strictCanonical: the canonical guarded route is still guarded', policy: strict, request: GET('/admin'), expect: denied(403, 'ip_denied') },
];
