/** Security response headers: defaults, customised, disabled, and x-powered-by removed in the response phase. */
import { denied, handled, policy, type Scenario } from '../scenario.js';

export const DEFAULT_SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
} as const;

const NONE = {
  'content-security-policy': null,
  'strict-transport-security': null,
  'x-frame-options': null,
  'referrer-policy': null,
  'cross-origin-opener-policy': null,
  'cross-origin-resource-policy': null,
  'x-content-type-options': null,
} as const;

const defaults = policy('security headers: defaults', () => ({
  routes: [{ path: '/items', methods: ['GET'], id: 'items' }],
}));
const custom = policy('security headers: customised', () => ({
  securityHeaders: {
    contentSecurityPolicy: "default-src 'self'",
    strictTransportSecurity: { maxAgeSeconds: 600, preload: true },
    frameOptions: 'SAMEORIGIN',
    referrerPolicy: false,
    crossOriginOpenerPolicy: false,
    noSniff: false,
  },
}));
const disabled = policy('security headers: disabled', () => ({ securityHeaders: false }));
const keepPoweredBy = policy('security headers: removeHeaders []', () => ({ securityHeaders: { removeHeaders: [] } }));

export const securityHeaderScenarios: readonly Scenario[] = [
  {
    name: 'security headers: defaults on an allowed response, x-powered-by removed in the response phase',
    policy: defaults,
    request: { method: 'GET', target: '/echo' },
    expect: handled({}, { ...DEFAULT_SECURITY_HEADERS, 'x-powered-by': null }),
  },
  {
    name: 'security headers: defaults on a guard denial',
    policy: defaults,
    request: { method: 'GET', target: '/echo', headers: [['x-http-method-override', 'PUT']] },
    expect: denied(400, 'method_override_refused', DEFAULT_SECURITY_HEADERS),
  },
  {
    name: 'security headers: defaults on a 405 from routing',
    policy: defaults,
    request: { method: 'POST', target: '/items' },
    expect: denied(405, 'method_not_allowed', { ...DEFAULT_SECURITY_HEADERS, allow: 'GET, HEAD' }),
  },
  {
    name: 'security headers: defaults on a 400 from path normalization',
    policy: defaults,
    request: { method: 'GET', target: '/%2e%2e/etc' },
    expect: denied(400, 'path_invalid', DEFAULT_SECURITY_HEADERS),
  },
  {
    name: 'security headers: customised values, omitted ones absent',
    policy: custom,
    request: { method: 'GET', target: '/echo' },
    expect: handled(
      {},
      {
        'content-security-policy': "default-src 'self'",
        'strict-transport-security': 'max-age=600; preload',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': null,
        'cross-origin-opener-policy': null,
        'cross-origin-resource-policy': 'same-origin',
        'x-content-type-options': null,
        'x-powered-by': null,
      },
    ),
  },
  {
    name: 'security headers: noSniff false still sends nosniff on a problem+json denial',
    policy: custom,
    request: { method: 'GET', target: '/echo?_method=PUT' },
    expect: denied(400, 'method_override_refused', { 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' }),
  },
  {
    name: 'security headers: disabled, none is added and x-powered-by stays',
    policy: disabled,
    request: { method: 'GET', target: '/echo' },
    expect: handled({}, { ...NONE, 'x-powered-by': 'conformance' }),
  },
  {
    name: 'security headers: removeHeaders [] keeps x-powered-by and the defaults',
    policy: keepPoweredBy,
    request: { method: 'GET', target: '/echo' },
    expect: handled({}, { ...DEFAULT_SECURITY_HEADERS, 'x-powered-by': 'conformance' }),
  },
];
