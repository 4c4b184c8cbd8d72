/**
 * Rate limits through every adapter (`@portcullis/rate-limit` on the policy's default MemoryStore):
 * the IETF RateLimit headers on an allowed answer, the 429 problem+json with Retry-After once a
 * window or the calendar quota is used up, exposeDetails, the allow list, per-header buckets, an
 * unresolved key refused, a penalty block, a per-route limit.
 *
 * Every policy here has a fixed clock, so that `t=` and Retry-After are exact and the same on every
 * adapter (with the real clock, each harness's firewall would answer with the seconds left in its
 * own current window). The clock sits at 12:00:00 UTC: a whole minute (a 60 s window has 60 s left)
 * and half a day (the daily quota has 43,200 s left).
 *
 * Counting is state: the requests a scenario needs first are its `before` requests, and every
 * scenario has a policy of its own (one firewall per harness), so no scenario sees another's counts.
 */
import { rateLimit } from '@portcullis/rate-limit';
import type { Policy } from '@portcullis/core';
import type { Header } from '../../support/raw-http.js';
import { allowedOn, denied, handled, policy, type PolicyCase, type Scenario, type ScenarioRequest } from '../scenario.js';

/** 2030-01-01T12:00:00Z. */
const NOON = Date.UTC(2030, 0, 1, 12, 0, 0);
const SECONDS_TO_MIDNIGHT = 12 * 3_600;

type RateLimitOptions = Parameters<typeof rateLimit>[0];

/** A policy of its own for one scenario: the rate limit as the only guard, on the fixed clock. */
function limited(name: string, options: RateLimitOptions, extra: Policy = {}): PolicyCase {
  return policy(`rate-limit: ${name}`, () => ({ clock: () => NOON, guards: [rateLimit(options)], ...extra }));
}

const get = (target = '/echo', headers: readonly Header[] = []): ScenarioRequest => ({ method: 'GET', target, headers });
const times = (n: number, request: ScenarioRequest = get()): ScenarioRequest[] => Array.from({ length: n }, () => request);

const ONE_PER_MINUTE = { limits: [{ points: 1, windowSeconds: 60 }] } as const;

/** The RateLimit headers of a 60 s window of `points`, with `remaining` left. */
const window60 = (points: number, remaining: number): Record<string, string> => ({
  'ratelimit-policy': `"w60";q=${points};w=60`,
  ratelimit: `"w60";r=${remaining};t=60`,
});
const NO_RATELIMIT_HEADERS = { 'ratelimit-policy': null, ratelimit: null } as const;

export const rateLimitScenarios: readonly Scenario[] = [
  {
    name: 'rate-limit: a request under the limit is handled with RateLimit headers',
    policy: limited('under the limit', { limits: [{ points: 2, windowSeconds: 60 }] }),
    request: get(),
    expect: handled({}, { ...window60(2, 1), 'retry-after': null }),
  },
  {
    name: 'rate-limit: the last point of a window is handled with r=0',
    policy: limited('last point', { limits: [{ points: 2, windowSeconds: 60 }] }),
    before: times(1),
    request: get(),
    expect: handled({}, window60(2, 0)),
  },
  {
    name: 'rate-limit: a request over the limit is 429 rate_limited with Retry-After and RateLimit headers',
    policy: limited('over the limit', ONE_PER_MINUTE),
    before: times(1),
    request: get(),
    // Sent twice: a refused request stays refused with the same answer (it does not count again).
    expect: { ...denied(429, 'rate_limited', { 'retry-after': '60', ...window60(1, 0) }), repeat: 2 },
  },
  {
    name: 'rate-limit: a HEAD over the limit is 429 without a body',
    policy: limited('over the limit, HEAD', ONE_PER_MINUTE),
    before: times(1, { method: 'HEAD', target: '/echo' }),
    request: { method: 'HEAD', target: '/echo' },
    expect: denied(429, 'rate_limited', { 'retry-after': '60', ...window60(1, 0) }),
  },
  {
    name: 'rate-limit: with several windows, RateLimit-Policy lists each and RateLimit names the most restrictive',
    policy: limited('two windows', { limits: [{ points: 10, windowSeconds: 60 }, { points: 3, windowSeconds: 3_600, name: 'hourly' }] }),
    before: times(1),
    request: get(),
    expect: handled({}, { 'ratelimit-policy': '"w60";q=10;w=60, "hourly";q=3;w=3600', ratelimit: '"hourly";r=1;t=3600' }),
  },
  {
    name: 'rate-limit: headers: false sends no RateLimit headers on an allowed answer',
    policy: limited('headers false, allowed', { ...ONE_PER_MINUTE, headers: false }),
    request: get(),
    expect: handled({}, NO_RATELIMIT_HEADERS),
  },
  {
    name: 'rate-limit: headers: false sends no RateLimit headers on a 429 (Retry-After stays)',
    policy: limited('headers false, refused', { ...ONE_PER_MINUTE, headers: false }),
    before: times(1),
    request: get(),
    expect: denied(429, 'rate_limited', { 'retry-after': '60', ...NO_RATELIMIT_HEADERS }),
  },
  {
    name: 'rate-limit: exposeDetails adds the limit to the problem',
    policy: limited('exposeDetails', ONE_PER_MINUTE, { exposeDetails: true }),
    before: times(1),
    request: get(),
    expect: { ...denied(429, 'rate_limited', { 'retry-after': '60', ...window60(1, 0) }), problemExtensions: { limit: 1, window: 60, retryAfter: 60 } },
  },
  {
    name: 'rate-limit: without exposeDetails the problem has no limit values',
    policy: limited('no exposeDetails', ONE_PER_MINUTE),
    before: times(1),
    request: get(),
    // The exact-body check already refuses any extra member; this names what must not leak.
    expect: { ...denied(429, 'rate_limited', { 'retry-after': '60', ...window60(1, 0) }), mustNotContain: ['"limit"', '"window"', '"retryAfter"'] },
  },
  {
    name: 'rate-limit: the daily quota used up is 429 quota_exceeded until midnight UTC',
    policy: limited('quota', { limits: [{ points: 100, windowSeconds: 60 }], quota: { points: 1, period: 'day' } }),
    before: times(1),
    request: get(),
    expect: {
      ...denied(429, 'quota_exceeded', { 'retry-after': String(SECONDS_TO_MIDNIGHT), 'ratelimit-policy': '"w60";q=100;w=60, "day";q=1;w=86400', ratelimit: `"day";r=0;t=${SECONDS_TO_MIDNIGHT}` }),
      repeat: 2,
    },
  },
  {
    name: 'rate-limit: an allow-listed client IP is never limited',
    policy: limited('allow list', { ...ONE_PER_MINUTE, allow: { ips: ['127.0.0.1'] } }),
    before: times(2),
    request: get(),
    expect: { ...handled(), repeat: 2 },
  },
  {
    name: 'rate-limit: keyed by a header, another value has its own bucket',
    policy: limited('key by header, other value', { ...ONE_PER_MINUTE, key: { header: 'x-client' } }),
    before: times(1, get('/echo', [['X-Client', 'client-a']])),
    request: get('/echo', [['X-Client', 'client-b']]),
    expect: handled({}, window60(1, 0)),
  },
  {
    name: 'rate-limit: keyed by a header, the same value is limited',
    policy: limited('key by header, same value', { ...ONE_PER_MINUTE, key: { header: 'x-client' } }),
    before: times(1, get('/echo', [['X-Client', 'client-a']])),
    request: get('/echo', [['X-Client', 'client-a']]),
    expect: denied(429, 'rate_limited', { 'retry-after': '60', ...window60(1, 0) }),
  },
  {
    name: "rate-limit: unresolved: 'deny' refuses a request without the key header with 403",
    policy: limited('unresolved deny', { ...ONE_PER_MINUTE, key: { header: 'x-client' }, unresolved: 'deny' }),
    request: get(),
    expect: denied(403, 'rate_limit_key_missing', NO_RATELIMIT_HEADERS),
  },
  {
    name: 'rate-limit: with a penalty, the request that crosses the limit is refused for the block',
    policy: limited('penalty, crossing', { ...ONE_PER_MINUTE, penalty: { blockSeconds: 300 } }),
    before: times(1),
    request: get(),
    expect: denied(429, 'rate_limited', { 'retry-after': '300', 'ratelimit-policy': '"w60";q=1;w=60', ratelimit: /^"w60";r=0;t=\d+$/ }),
  },
  {
    name: 'rate-limit: a penalty blocks the client after it exceeded the limit',
    policy: limited('penalty, blocked', { ...ONE_PER_MINUTE, penalty: { blockSeconds: 300 } }),
    before: times(2),
    request: get(),
    // Like every 429 of the guard: Retry-After and, with headers on, the RateLimit fields.
    expect: { ...denied(429, 'rate_limit_blocked', { 'retry-after': '300', 'ratelimit-policy': '"w60";q=1;w=60', ratelimit: /^"w60";r=0;t=\d+$/ }), repeat: 2 },
  },
  {
    name: 'rate-limit: a route limit answers on its route with RateLimit headers',
    policy: perRoute('route limit, first request'),
    request: get('/limited'),
    expect: handled({ decision: allowedOn('limited') }, window60(1, 0)),
  },
  {
    name: 'rate-limit: a route limit applies on its route',
    policy: perRoute('route limit, on the route'),
    before: times(1, get('/limited')),
    request: get('/limited'),
    expect: denied(429, 'rate_limited', { 'retry-after': '60', ...window60(1, 0) }),
  },
  {
    name: 'rate-limit: a route limit does not apply elsewhere',
    policy: perRoute('route limit, elsewhere'),
    before: times(2, get('/limited')),
    request: get('/echo'),
    expect: { ...handled({}, NO_RATELIMIT_HEADERS), repeat: 2 },
  },
];

function perRoute(name: string): PolicyCase {
  return policy(`rate-limit: ${name}`, () => ({ clock: () => NOON, routes: [{ path: '/limited', id: 'limited', guards: [rateLimit(ONE_PER_MINUTE)] }] }));
}
