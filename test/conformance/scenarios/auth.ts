/**
 * Identity and authorization through every adapter: the JWT attack table (each hostile token is a
 * 401 or 400 problem+json that never echoes the token), the legitimate cases that must pass with
 * their identity visible to the handler, and broken object-level (BOLA) and function-level
 * authorization. Tokens are built here with node:crypto, at load time, relative to the real clock.
 */
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { jwt } from '@portcullis/auth';
import type { Header } from '../../support/raw-http.js';
import type { EchoedIdentity } from '../harness.js';
import { allowedOn, denied, handled, policy, type Scenario, type ScenarioRequest } from '../scenario.js';

const SECRET = 'conformance-secret-of-at-least-32-bytes!!';
const ISSUER = 'https://issuer.conformance';
const AUDIENCE = 'https://api.conformance';
const NOW = Math.floor(Date.now() / 1000);
const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

function compact(header: Record<string, unknown>, payload: Record<string, unknown>, signature: (input: string) => Buffer | string): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = signature(input);
  return `${input}.${typeof sig === 'string' ? sig : sig.toString('base64url')}`;
}

const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: ISSUER, aud: AUDIENCE, sub: 'u1', client_id: 'client-a', scope: 'orders:read', iat: NOW - 10, exp: NOW + 3600, ...extra,
});
const hs256 = (payload: Record<string, unknown>, header: Record<string, unknown> = {}, secret: string = SECRET): string =>
  compact({ alg: 'HS256', typ: 'JWT', ...header }, payload, (input) => createHmac('sha256', secret).update(input).digest());

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecPublicPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const es256 = (payload: Record<string, unknown>, header: Record<string, unknown> = {}): string =>
  compact({ alg: 'ES256', typ: 'JWT', kid: 'k1', ...header }, payload, (input) => sign('sha256', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }));

const hsPolicy = policy('auth: jwt HS256 + authorization', () => ({
  guards: [jwt({ algorithms: ['HS256'], secret: SECRET, issuer: ISSUER, audience: AUDIENCE, realm: 'conformance', identity: { roles: 'roles' } })],
  routes: [
    { path: '/users/:userId/orders', methods: ['GET', 'POST'], authorize: [{ methods: ['GET'], scopes: ['orders:read'], owner: { param: 'userId', overrideRoles: ['support'] } }, { methods: ['POST'], scopes: ['orders:write'] }] },
    { path: '/admin/reports', methods: ['GET'], authorize: { roles: ['admin'] } },
  ],
}));
const esPolicy = policy('auth: jwt ES256 public key', () => ({
  guards: [jwt({ algorithms: ['ES256'], publicKeys: [{ pem: ecPublicPem, kid: 'k1' }], issuer: ISSUER, audience: AUDIENCE })],
}));

const get = (target: string, headers: readonly Header[] = []): ScenarioRequest => ({ method: 'GET', target, headers });
const withToken = (token: string, target = '/echo', scheme = 'Bearer'): ScenarioRequest => get(target, [['Authorization', `${scheme} ${token}`]]);

const user: EchoedIdentity = { method: 'jwt', subject: 'u1', clientId: 'client-a', scopes: ['orders:read'], roles: [] };
const INVALID = { 'www-authenticate': 'Bearer realm="conformance", error="invalid_token"' };

/** A hostile token refused with 401 `token_invalid`, whose answer never contains the token. */
function refused(name: string, token: string, onPolicy = hsPolicy, code = 'token_invalid'): Scenario {
  return {
    name: `auth: ${name} is refused`,
    policy: onPolicy,
    request: withToken(token),
    expect: { ...denied(401, code, onPolicy === hsPolicy ? INVALID : { 'www-authenticate': 'Bearer error="invalid_token"' }), mustNotContain: [token.slice(0, 24)] },
  };
}

const valid = hs256(claims());
const forgedWithPublicKey = compact({ alg: 'HS256', typ: 'JWT', kid: 'k1' }, claims(), (input) => createHmac('sha256', ecPublicPem).update(input).digest());

export const authScenarios: readonly Scenario[] = [
  // The legitimate cases.
  { name: 'auth: a valid bearer token reaches the handler with its identity', policy: hsPolicy, request: withToken(valid), expect: handled({ identity: user }), },
  { name: 'auth: the Bearer scheme is case-insensitive', policy: hsPolicy, request: withToken(valid, '/echo', 'bEaReR'), expect: handled({ identity: user }) },
  { name: 'auth: a valid ES256 token passes', policy: esPolicy, request: withToken(es256(claims())), expect: handled({ identity: user }) },
  { name: 'auth: the same token twice gets the same answer (cached verification)', policy: hsPolicy, request: withToken(valid), expect: { ...handled({ identity: user }), repeat: 3 } },
  {
    name: 'auth: no token is 401 with a bare challenge',
    policy: hsPolicy,
    request: get('/echo'),
    expect: denied(401, 'credentials_missing', { 'www-authenticate': 'Bearer realm="conformance"' }),
  },

  // The attack table.
  ...['none', 'None', 'NONE', 'nOnE'].map((alg) => refused(`alg "${alg}"`, `${compact({ alg, typ: 'JWT' }, claims(), () => '')}c2ln`)),
  refused('alg "none" with an empty signature', compact({ alg: 'none', typ: 'JWT' }, claims(), () => '')),
  refused('HS256 signed with the public key', forgedWithPublicKey, esPolicy),
  refused('kid injection (path traversal)', es256(claims(), { kid: '../../../../dev/null' }), esPolicy),
  refused('kid injection (SQL)', es256(claims(), { kid: "' UNION SELECT 'key' --" }), esPolicy),
  refused('a jku header', es256(claims(), { jku: 'http://127.0.0.1:9/jwks.json' }), esPolicy),
  refused('an x5u header', es256(claims(), { x5u: 'http://127.0.0.1:9/cert.pem' }), esPolicy),
  refused('an embedded jwk header', es256(claims(), { jwk: ec.publicKey.export({ format: 'jwk' }) }), esPolicy),
  refused('an expired token', hs256(claims({ exp: NOW - 3600 })), hsPolicy, 'token_expired'),
  refused('a token not yet valid', hs256(claims({ nbf: NOW + 3600 }))),
  refused('a token issued in the future', hs256(claims({ iat: NOW + 3600 }))),
  refused('a wrong issuer', hs256(claims({ iss: 'https://evil.example' }))),
  refused('a wrong audience', hs256(claims({ aud: 'https://other.example' }))),
  refused('a token without exp', hs256(claims({ exp: undefined }))),
  refused('an unknown crit header', hs256(claims(), { crit: ['b64'], b64: false })),
  refused('a wrong signature', hs256(claims(), {}, 'an-entirely-different-secret-32-bytes!!')),
  refused('a tampered payload', `${valid.split('.')[0]}.${b64url(JSON.stringify(claims({ sub: 'admin', roles: ['admin'] })))}.${valid.split('.')[2]}`),
  refused('an oversized token', hs256(claims({ pad: 'x'.repeat(9_000) }))),
  refused('a malformed token', 'eyJhbGciOiJIUzI1NiJ9.not-base64!.x'),
  {
    name: 'auth: two Authorization headers are 400',
    policy: hsPolicy,
    request: get('/echo', [['Authorization', `Bearer ${valid}`], ['Authorization', `Bearer ${valid}`]]),
    expect: { ...denied(400, 'credentials_ambiguous', { 'www-authenticate': 'Bearer realm="conformance", error="invalid_request"' }), mustNotContain: [valid.slice(0, 24)] },
  },
  {
    name: 'auth: a token in the query string is not read',
    policy: hsPolicy,
    request: get(`/echo?access_token=${valid}`),
    expect: { ...denied(401, 'credentials_missing'), mustNotContain: [valid.slice(0, 24)] },
  },

  // Object-level (BOLA) and function-level authorization.
  { name: 'auth: a user reads their own orders', policy: hsPolicy, request: withToken(valid, '/users/u1/orders'), expect: handled({ identity: user, decision: allowedOn('GET,POST /users/:userId/orders') }) },
  { name: "auth: BOLA — another user's orders are 403", policy: hsPolicy, request: withToken(valid, '/users/u2/orders'), expect: denied(403, 'not_owner') },
  { name: 'auth: BOLA — an encoded look-alike id is another user', policy: hsPolicy, request: withToken(valid, '/users/u%31x/orders'), expect: denied(403, 'not_owner') },
  {
    name: 'auth: an override role may read any user\'s orders',
    policy: hsPolicy,
    request: withToken(hs256(claims({ roles: ['support'] })), '/users/u2/orders'),
    expect: handled({ identity: { ...user, roles: ['support'] }, decision: allowedOn('GET,POST /users/:userId/orders') }),
  },
  {
    name: 'auth: a missing scope is 403 insufficient_scope',
    policy: hsPolicy,
    request: { method: 'POST', target: '/users/u1/orders', headers: [['Authorization', `Bearer ${valid}`], ['Content-Type', 'application/json']], body: '{}' },
    expect: denied(403, 'insufficient_scope', { 'www-authenticate': 'Bearer error="insufficient_scope"' }),
  },
  { name: 'auth: function-level — an admin route without the role is 403', policy: hsPolicy, request: withToken(valid, '/admin/reports'), expect: denied(403, 'role_required') },
  {
    name: 'auth: function-level — the admin role passes',
    policy: hsPolicy,
    request: withToken(hs256(claims({ roles: ['admin'] })), '/admin/reports'),
    expect: handled({ identity: { ...user, roles: ['admin'] }, decision: allowedOn('GET /admin/reports') }),
  },
  { name: 'auth: an authorized route without a token is 401', policy: hsPolicy, request: get('/admin/reports'), expect: denied(401, 'credentials_missing') },
];
