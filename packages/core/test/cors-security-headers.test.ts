/**
 * The CORS guard (preflights answered in core, simple requests annotated, unknown origins omitted
 * or denied) and the security headers guard (API defaults, overrides, removal in the response phase).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runResponseHooks, type CorsOptions, type Policy, type ResponseView } from '../src/index.js';
import { decide, denyGuard, header, headerValues, raw } from './helpers.js';

const ORIGIN = 'https://app.example.com';

function preflight(origin: string, method: string, headers?: string): Parameters<typeof decide>[1] {
  const list: [string, string][] = [
    ['origin', origin],
    ['access-control-request-method', method],
  ];
  if (headers !== undefined) list.push(['access-control-request-headers', headers]);
  return { method: 'OPTIONS', target: '/api/items', headers: raw(...list) };
}

function withCors(cors: CorsOptions, extra: Policy = {}): Policy {
  return { cors, routes: [{ path: '/api/items', methods: ['GET', 'POST'] }], ...extra };
}

describe('CORS', () => {
  const cors: CorsOptions = { origins: [ORIGIN, 'https://*.example.org'], allowHeaders: ['Content-Type', 'X-Api-Key'], exposeHeaders: ['X-Total'], maxAgeSeconds: 120 };

  it('answers an allowed preflight with 204 and the CORS headers, even when the route does not list OPTIONS', async () => {
    const decision = await decide(withCors(cors), preflight(ORIGIN, 'POST', 'content-type, X-API-KEY'));
    assert.equal(decision.outcome, 'respond');
    assert.equal(decision.enforced, true);
    const response = decision.response;
    assert.equal(response?.status, 204);
    assert.equal(response?.body, '');
    assert.equal(header(response?.headers, 'access-control-allow-origin'), ORIGIN);
    assert.equal(header(response?.headers, 'access-control-allow-methods'), 'GET, HEAD, POST, PUT, PATCH, DELETE');
    assert.equal(header(response?.headers, 'access-control-allow-headers'), 'content-type, x-api-key');
    assert.equal(header(response?.headers, 'access-control-max-age'), '120');
    assert.match(header(response?.headers, 'vary') ?? '', /Origin/);
    assert.equal(header(response?.headers, 'access-control-allow-credentials'), undefined);
    assert.equal(header(response?.headers, 'x-request-id'), decision.requestId);
  });

  it('refuses preflights for an unknown origin, method or header', async () => {
    const origin = await decide(withCors(cors), preflight('https://evil.example', 'GET'));
    assert.equal(origin.code, 'cors_origin_denied');
    assert.equal(origin.status, 403);
    assert.equal((await decide(withCors(cors), preflight(ORIGIN, 'TRACE'))).code, 'cors_method_denied');
    assert.equal((await decide(withCors(cors), preflight(ORIGIN, 'POST', 'content-type, x-admin'))).code, 'cors_header_denied');
  });

  it('annotates an allowed simple request and lets it through', async () => {
    const decision = await decide(withCors(cors), { target: '/api/items', headers: raw(['origin', ORIGIN]) });
    assert.equal(decision.outcome, 'allow');
    assert.equal(header(decision.responseHeaders, 'access-control-allow-origin'), ORIGIN);
    assert.equal(header(decision.responseHeaders, 'access-control-expose-headers'), 'x-total');
    assert.ok(headerValues(decision.responseHeaders, 'vary').includes('Origin'));
  });

  it('omits CORS headers for an unknown origin by default, refuses it with unknownOrigin deny', async () => {
    const init = { target: '/api/items', headers: raw(['origin', 'https://evil.example']) };
    const omitted = await decide(withCors(cors), init);
    assert.equal(omitted.outcome, 'allow');
    assert.equal(header(omitted.responseHeaders, 'access-control-allow-origin'), undefined);
    const denied = await decide(withCors({ ...cors, unknownOrigin: 'deny' }), init);
    assert.equal(denied.code, 'cors_origin_denied');
  });

  it('does nothing without an Origin header, and refuses several Origin headers', async () => {
    const none = await decide(withCors(cors), { target: '/api/items' });
    assert.equal(header(none.responseHeaders, 'access-control-allow-origin'), undefined);
    const two = await decide(withCors(cors), { target: '/api/items', headers: raw(['origin', ORIGIN], ['origin', 'https://evil.example']) });
    assert.equal(two.code, 'cors_origin_denied');
  });

  it('matches subdomain wildcards exactly: scheme, suffix and host shape', async () => {
    const allowed = async (origin: string) => header((await decide(withCors(cors), { target: '/api/items', headers: raw(['origin', origin]) })).responseHeaders, 'access-control-allow-origin') === origin;
    assert.equal(await allowed('https://a.example.org'), true);
    assert.equal(await allowed('https://a.b.example.org'), true);
    assert.equal(await allowed('HTTPS://A.EXAMPLE.ORG'), true);
    assert.equal(await allowed('https://example.org'), false, 'the bare domain is not a subdomain');
    assert.equal(await allowed('https://evilexample.org'), false);
    assert.equal(await allowed('http://a.example.org'), false, 'scheme matters');
    assert.equal(await allowed('https://a.example.org:8443'), false, 'port matters');
    assert.equal(await allowed('https://a.example.org.evil.com'), false);
    assert.equal(await allowed('https://x_y.example.org'), false);
    assert.equal(await allowed('https://app.example.com.evil.com'), false);
    assert.equal(await allowed('null'), false);
  });

  it("answers '*' with a literal * and no Vary", async () => {
    const decision = await decide(withCors({ origins: '*' }), { target: '/api/items', headers: raw(['origin', 'https://any.example']) });
    assert.equal(header(decision.responseHeaders, 'access-control-allow-origin'), '*');
    assert.equal(header(decision.responseHeaders, 'vary'), undefined);
  });

  it('reflects the origin with credentials', async () => {
    const decision = await decide(withCors({ origins: [ORIGIN], credentials: true }), { target: '/api/items', headers: raw(['origin', ORIGIN]) });
    assert.equal(header(decision.responseHeaders, 'access-control-allow-origin'), ORIGIN);
    assert.equal(header(decision.responseHeaders, 'access-control-allow-credentials'), 'true');
    const pre = await decide(withCors({ origins: [ORIGIN], credentials: true }), preflight(ORIGIN, 'GET'));
    assert.equal(header(pre.response?.headers, 'access-control-allow-credentials'), 'true');
  });

  it('uses the route CORS over the policy CORS, and none with cors: false', async () => {
    const policy: Policy = {
      cors: { origins: [ORIGIN] },
      routes: [
        { path: '/public', cors: { origins: '*' } },
        { path: '/internal', cors: false },
        { path: '/default' },
      ],
    };
    const origin = raw(['origin', 'https://other.example']);
    assert.equal(header((await decide(policy, { target: '/public', headers: origin })).responseHeaders, 'access-control-allow-origin'), '*');
    const internal = await decide(policy, { target: '/internal', headers: raw(['origin', ORIGIN]) });
    assert.equal(header(internal.responseHeaders, 'access-control-allow-origin'), undefined);
    assert.equal(header((await decide(policy, { target: '/default', headers: raw(['origin', ORIGIN]) })).responseHeaders, 'access-control-allow-origin'), ORIGIN);
  });

  it('a denial by a later guard carries the CORS headers, so the browser can read the problem', async () => {
    const later = await decide(withCors(cors, { guards: [denyGuard()] }), { target: '/api/items', headers: raw(['origin', ORIGIN]) });
    assert.equal(later.code, 'access_denied');
    assert.equal(header(later.response?.headers, 'access-control-allow-origin'), ORIGIN);
    // CORS runs before the IP filter and the limits, so their denials carry the CORS headers too.
    const early = await decide(withCors(cors, { ipFilter: { deny: ['203.0.113.0/24'] } }), { target: '/api/items', headers: raw(['origin', ORIGIN]) });
    assert.equal(early.code, 'ip_denied');
    assert.equal(header(early.response?.headers, 'access-control-allow-origin'), ORIGIN);
    // ... but never for an origin that is not allowed.
    const stranger = await decide(withCors(cors, { ipFilter: { deny: ['203.0.113.0/24'] } }), { target: '/api/items', headers: raw(['origin', 'https://evil.example']) });
    assert.equal(stranger.code, 'ip_denied');
    assert.equal(header(stranger.response?.headers, 'access-control-allow-origin'), undefined);
  });
});

describe('security headers', () => {
  function view(initial: Record<string, string>): ResponseView & { headers: Map<string, string> } {
    const headers = new Map(Object.entries(initial));
    return {
      headers,
      status: 200,
      getHeader: (name) => headers.get(name.toLowerCase()),
      setHeader: (name, value) => void headers.set(name.toLowerCase(), value),
      removeHeader: (name) => void headers.delete(name.toLowerCase()),
    };
  }

  it('sets API defaults on every decision', async () => {
    const decision = await decide({});
    const h = decision.responseHeaders;
    assert.equal(header(h, 'content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
    assert.equal(header(h, 'strict-transport-security'), 'max-age=31536000; includeSubDomains');
    assert.equal(header(h, 'x-frame-options'), 'DENY');
    assert.equal(header(h, 'referrer-policy'), 'no-referrer');
    assert.equal(header(h, 'cross-origin-opener-policy'), 'same-origin');
    assert.equal(header(h, 'cross-origin-resource-policy'), 'same-origin');
    assert.equal(header(h, 'x-content-type-options'), 'nosniff');
  });

  it('changes or drops each header as configured', async () => {
    const decision = await decide({
      securityHeaders: {
        contentSecurityPolicy: false,
        strictTransportSecurity: { maxAgeSeconds: 60, preload: true },
        frameOptions: 'SAMEORIGIN',
        referrerPolicy: 'strict-origin',
        crossOriginResourcePolicy: false,
        noSniff: false,
      },
    });
    const h = decision.responseHeaders;
    assert.equal(header(h, 'content-security-policy'), undefined);
    assert.equal(header(h, 'strict-transport-security'), 'max-age=60; preload');
    assert.equal(header(h, 'x-frame-options'), 'SAMEORIGIN');
    assert.equal(header(h, 'referrer-policy'), 'strict-origin');
    assert.equal(header(h, 'cross-origin-resource-policy'), undefined);
    assert.equal(header(h, 'x-content-type-options'), undefined);
    const off = await decide({ securityHeaders: false });
    assert.deepEqual(off.responseHeaders.map(([n]) => n), ['x-request-id']);
  });

  it('removes x-powered-by (and configured headers) in the response phase; a throwing hook is skipped', async () => {
    const decision = await decide({ securityHeaders: { removeHeaders: ['X-Powered-By', 'Server'] } });
    assert.equal(decision.responseHooks.length, 1);
    const response = view({ 'x-powered-by': 'Express', server: 'nginx', 'content-type': 'application/json' });
    runResponseHooks(decision, response);
    assert.deepEqual([...response.headers.keys()], ['content-type']);
    const defaults = await decide({});
    const other = view({ 'x-powered-by': 'Express', server: 'nginx' });
    runResponseHooks(defaults, other);
    assert.deepEqual([...other.headers.keys()], ['server']);
    const none = await decide({ securityHeaders: { removeHeaders: [] } });
    assert.equal(none.responseHooks.length, 0);
    const throwing = { ...decision, responseHooks: [() => { throw new Error('x'); }, ...decision.responseHooks] };
    const third = view({ server: 'nginx' });
    assert.doesNotThrow(() => runResponseHooks(throwing, third));
    assert.equal(third.headers.size, 0, 'later hooks still ran');
  });
});
