/**
 * The shape of firewall answers (RFC 9457 problem+json, nothing echoed back) and request ids.
 */
import { ALLOWED, denied, handled, JSON_TYPE, policy, type Scenario } from '../scenario.js';

/** Sent in every part of a request; it must never come back in a firewall answer. */
const MARKER = 'zq7marker';

const closed = policy('problem: unmatched routes denied, CORS', () => ({
  unmatchedRoutes: 'deny',
  cors: { origins: ['https://app.example'] },
  routes: [{ path: '/echo', id: 'echo' }],
}));
const untrusting = policy('request ids: incoming not trusted', () => ({ requestId: { trustIncoming: false } }));
const trusting = policy('request ids: incoming trusted');
const customHeader = policy('request ids: x-correlation-id', () => ({ requestId: { header: 'x-correlation-id', trustIncoming: true } }));

const noEcho = (marker = MARKER) => ({ mustNotContain: [marker] });

export const problemScenarios: readonly Scenario[] = [
  { name: 'problem: a marker in the path is not echoed (404)', policy: closed, request: { method: 'GET', target: `/${MARKER}/x` }, expect: { ...denied(404, 'route_not_found'), ...noEcho() } },
  { name: 'problem: a marker in a malformed path is not echoed (400)', policy: closed, request: { method: 'GET', target: `/${MARKER}%zz` }, expect: { ...denied(400, 'path_invalid'), ...noEcho() } },
  { name: 'problem: a marker in a malformed query is not echoed', policy: closed, request: { method: 'GET', target: `/echo?${MARKER}=%zz` }, expect: { ...denied(400, 'query_invalid'), ...noEcho() } },
  {
    name: 'problem: a marker in a refused header is not echoed',
    policy: closed,
    request: { method: 'GET', target: '/echo', headers: [['X-HTTP-Method-Override', MARKER]] },
    expect: { ...denied(400, 'method_override_refused'), ...noEcho() },
  },
  {
    name: 'problem: a marker in a refused Origin is not echoed',
    policy: closed,
    request: { method: 'OPTIONS', target: '/echo', headers: [['Origin', `https://${MARKER}.example`], ['Access-Control-Request-Method', 'GET']] },
    expect: { ...denied(403, 'cors_origin_denied'), ...noEcho() },
  },
  {
    name: 'problem: a marker in a malformed JSON body is not echoed',
    policy: closed,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE], body: `{"${MARKER}":` },
    expect: { ...denied(400, 'json_invalid'), ...noEcho() },
  },
  {
    name: 'problem: a marker in a forbidden JSON key path is not echoed',
    policy: closed,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE], body: `{"${MARKER}":{"__proto__":{"x":1}}}` },
    expect: { ...denied(400, 'json_forbidden_key'), ...noEcho() },
  },
  {
    name: 'problem: a marker in the Content-Type of a refused body is not echoed',
    policy: closed,
    request: { method: 'POST', target: '/echo', headers: [['Content-Type', `application/json; charset=${MARKER}`]], body: '{}' },
    expect: { ...denied(415, 'unsupported_media_type'), ...noEcho() },
  },
  {
    name: 'request ids: generated (UUID) when absent, on a denial',
    policy: trusting,
    request: { method: 'GET', target: '/echo?_method=PUT', omitRequestId: true },
    expect: { ...denied(400, 'method_override_refused'), requestId: 'generated' },
  },
  {
    name: 'request ids: generated (UUID) when absent, on an allowed response',
    policy: trusting,
    request: { method: 'GET', target: '/echo', omitRequestId: true },
    expect: { ...handled({ decision: ALLOWED }), requestId: 'generated' },
  },
  { name: 'request ids: a trusted incoming id is echoed on an allowed response', policy: trusting, request: { method: 'GET', target: '/echo' }, expect: { ...handled(), requestId: 'sent' } },
  {
    name: 'request ids: an untrusted incoming id is replaced on an allowed response',
    policy: untrusting,
    request: { method: 'GET', target: '/echo' },
    expect: { ...handled(), requestId: 'generated' },
  },
  {
    name: 'request ids: an untrusted incoming id is replaced on a denial',
    policy: untrusting,
    request: { method: 'GET', target: '/echo', headers: [['X-HTTP-Method', 'PUT']] },
    expect: { ...denied(400, 'method_override_refused'), requestId: 'generated' },
  },
  {
    name: 'request ids: a malformed incoming id is replaced even when trusted',
    policy: trusting,
    request: { method: 'GET', target: '/echo', omitRequestId: true, headers: [['X-Request-Id', `bad/${MARKER}<>`]] },
    expect: { ...handled(), requestId: 'generated', mustNotContain: [MARKER] },
  },
  {
    name: 'request ids: a custom request id header is read and written',
    policy: customHeader,
    request: { method: 'GET', target: '/echo?_method=PUT', omitRequestId: true, headers: [['X-Correlation-Id', 'corr-7.a:b']] },
    expect: { ...denied(400, 'method_override_refused', { 'x-request-id': null }), requestId: { header: 'x-correlation-id', value: 'corr-7.a:b' } },
  },
];
