/**
 * Modes, canary, failure handling and the response phase.
 *
 * Monitor: the deny is recorded, the handler runs, and the decision the handler sees says `deny`.
 * Canary: only a deterministic slice is enforced. Failures: a guard that throws or never settles
 * ends in its `onError` choice, and nothing hangs.
 */
import { ALLOWED, denied, handled, JSON_TYPE, monitored, policy, type Scenario } from '../scenario.js';
import { bodyStageHookGuard, hangingGuard, rejectingGuard, rewriteGuard, throwingGuard, throwingHookGuard } from './test-guards.js';

const REFUSE_LOOPBACK = { allow: ['10.0.0.0/8'] } as const;

const monitorPolicy = policy("modes: policy mode 'monitor'", () => ({ mode: 'monitor', ipFilter: REFUSE_LOOPBACK }));
const monitorSmallBodies = policy("modes: policy mode 'monitor', bodyBytes 16", () => ({ mode: 'monitor', limits: { bodyBytes: 16 } }));
const monitorGuard = policy("modes: ipFilter mode 'monitor'", () => ({ ipFilter: { ...REFUSE_LOOPBACK, mode: 'monitor' } }));
const monitorRoute = policy("modes: route mode 'monitor'", () => ({
  routes: [
    { path: '/watched', id: 'watched', mode: 'monitor', ipFilter: REFUSE_LOOPBACK },
    { path: '/enforced', id: 'enforced', ipFilter: REFUSE_LOOPBACK },
  ],
}));
const canaryNone = policy('canary: 0%', () => ({ canary: { percent: 0 }, ipFilter: REFUSE_LOOPBACK }));
const canaryAll = policy('canary: 100%', () => ({ canary: { percent: 100 }, ipFilter: REFUSE_LOOPBACK }));
const canaryByHeader = policy('canary: 50% keyed by x-tenant', () => ({ canary: { percent: 50, key: { header: 'x-tenant' } }, ipFilter: REFUSE_LOOPBACK }));

const throwsDeny = policy("failure: throwing guard, onError 'deny'", () => ({ guards: [throwingGuard('deny', 'zq7marker')] }));
const throwsAllow = policy("failure: throwing guard, onError 'allow'", () => ({ guards: [throwingGuard('allow', 'zq7marker')] }));
const rejectsDeny = policy("failure: rejecting guard, onError 'deny'", () => ({ guards: [rejectingGuard('deny')] }));
const hangsDeny = policy("failure: never-settling guard, onError 'deny'", () => ({ guards: [hangingGuard('deny')] }));
const hangsAllow = policy("failure: never-settling guard, onError 'allow'", () => ({ guards: [hangingGuard('allow')] }));
const responsePhase = policy('response phase: rewriting guard', () => ({
  guards: [rewriteGuard(), throwingHookGuard(), bodyStageHookGuard()],
  routes: [{ path: '/guarded', id: 'guarded', ipFilter: REFUSE_LOOPBACK }],
}));

/** 32-bit FNV-1a, as core's canary documents it ("stable across processes and versions"). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
function tenant(inSlice: boolean): string {
  for (let i = 0; ; i++) {
    const value = `tenant-${i}`;
    if (fnv1a(value) % 10_000 < 5_000 === inSlice) return value;
  }
}

export const modeScenarios: readonly Scenario[] = [
  {
    name: "monitor: policy mode 'monitor' records the deny and the handler runs",
    policy: monitorPolicy,
    request: { method: 'GET', target: '/echo' },
    expect: handled({ decision: monitored('ip-filter', 'ip_denied') }),
  },
  {
    name: "monitor: policy mode 'monitor' hands a malformed JSON body to the handler unread",
    policy: monitorPolicy,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE], body: '{"a":' },
    expect: handled({ body: null, sameBodyAsValidated: false, decision: monitored('ip-filter', 'ip_denied') }),
  },
  {
    name: "monitor: a declared oversize body is recorded and left unread for the handler",
    policy: monitorSmallBodies,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE], body: `{"data":"${'x'.repeat(40)}"}` },
    expect: handled({ body: null, sameBodyAsValidated: false, decision: monitored('request-limits', 'body_too_large') }),
  },
  {
    name: "monitor: a guard in mode 'monitor' records the deny and the handler runs",
    policy: monitorGuard,
    request: { method: 'GET', target: '/echo' },
    expect: handled({ decision: monitored('ip-filter', 'ip_denied') }),
  },
  {
    name: "monitor: a guard in mode 'monitor' does not weaken the other guards",
    policy: monitorGuard,
    request: { method: 'GET', target: '/echo', headers: [['x-http-method-override', 'DELETE']] },
    expect: denied(400, 'method_override_refused'),
  },
  {
    name: "monitor: a route in mode 'monitor' records the deny and the handler runs",
    policy: monitorRoute,
    request: { method: 'GET', target: '/watched' },
    expect: handled({ decision: monitored('route-ip-filter', 'ip_denied', 'watched') }),
  },
  { name: "monitor: a route in mode 'enforce' next to it still refuses", policy: monitorRoute, request: { method: 'GET', target: '/enforced' }, expect: denied(403, 'ip_denied') },
  {
    name: 'canary: percent 0 enforces nothing (deny recorded, handler runs)',
    policy: canaryNone,
    request: { method: 'GET', target: '/echo' },
    expect: handled({ decision: monitored('ip-filter', 'ip_denied') }),
  },
  { name: 'canary: percent 100 enforces everything', policy: canaryAll, request: { method: 'GET', target: '/echo' }, expect: denied(403, 'ip_denied') },
  {
    name: 'canary: a header key inside the slice is enforced, every time',
    policy: canaryByHeader,
    request: { method: 'GET', target: '/echo', headers: [['X-Tenant', tenant(true)]] },
    expect: { ...denied(403, 'ip_denied'), repeat: 3 },
  },
  {
    name: 'canary: a header key outside the slice is not enforced, every time',
    policy: canaryByHeader,
    request: { method: 'GET', target: '/echo', headers: [['X-Tenant', tenant(false)]] },
    expect: { ...handled({ decision: monitored('ip-filter', 'ip_denied') }), repeat: 3 },
  },
  { name: "failure: a throwing guard with onError 'deny' is 503", policy: throwsDeny, request: { method: 'GET', target: '/echo' }, expect: { ...denied(503, 'guard_unavailable'), mustNotContain: ['zq7marker', 'exploded', 'Error'] } },
  { name: "failure: a throwing guard with onError 'allow' lets the request through", policy: throwsAllow, request: { method: 'GET', target: '/echo' }, expect: handled({ decision: ALLOWED }) },
  { name: "failure: a rejecting guard with onError 'deny' is 503", policy: rejectsDeny, request: { method: 'GET', target: '/echo' }, expect: denied(503, 'guard_unavailable') },
  { name: "failure: a never-settling guard with onError 'deny' is 503 after its timeout", policy: hangsDeny, request: { method: 'GET', target: '/echo' }, expect: denied(503, 'guard_unavailable') },
  { name: "failure: a never-settling guard with onError 'allow' lets the request through", policy: hangsAllow, request: { method: 'GET', target: '/echo' }, expect: handled({ decision: ALLOWED }) },
  {
    name: "failure: a never-settling guard with onError 'deny' refuses a request with a body too",
    policy: hangsDeny,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE], body: '{"a":1}' },
    expect: denied(503, 'guard_unavailable'),
  },
  {
    name: "response phase: a guard rewrites x-app from 'original' to 'rewritten'; a throwing hook is skipped",
    policy: responsePhase,
    request: { method: 'GET', target: '/echo' },
    expect: handled({ decision: ALLOWED }, { 'x-app': 'rewritten', 'x-seen-status': '200', 'x-body-kind': 'none', 'x-powered-by': null }),
  },
  {
    name: 'response phase: a hook registered by a body-stage guard sees the body kind',
    policy: responsePhase,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE], body: '{"a":1}' },
    expect: handled({ body: { a: 1 }, sameBodyAsValidated: true, decision: ALLOWED }, { 'x-app': 'rewritten', 'x-body-kind': 'json' }),
  },
  {
    name: 'response phase: hooks do not run on a firewall denial',
    policy: responsePhase,
    request: { method: 'GET', target: '/guarded' },
    expect: denied(403, 'ip_denied', { 'x-seen-status': null, 'x-body-kind': null }),
  },
  {
    name: 'response phase: a HEAD request is rewritten too',
    policy: responsePhase,
    request: { method: 'HEAD', target: '/echo' },
    expect: { status: 200, handled: true, emptyBody: true, headers: { 'x-app': 'rewritten' } },
  },
];

