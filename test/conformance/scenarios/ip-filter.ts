/**
 * IP filter and client address resolution. The test client is always 127.0.0.1, so policies
 * include or exclude 127.0.0.1/8 and ::1; other addresses arrive through trusted proxies.
 */
import { denied, handled, policy, type Scenario } from '../scenario.js';

const GET = (target = '/echo', headers: readonly (readonly [string, string])[] = []) => ({ method: 'GET', target, headers });

const allowLoopback = policy('ip: allow 127.0.0.0/8', () => ({ ipFilter: { allow: ['127.0.0.0/8'] } }));
const allowOthers = policy('ip: allow 10.0.0.0/8 only', () => ({ ipFilter: { allow: ['10.0.0.0/8', '192.0.2.0/24'] } }));
const denyLoopback = policy('ip: deny 127.0.0.1', () => ({ ipFilter: { deny: ['127.0.0.1'] } }));
const denyOthers = policy('ip: deny 192.0.2.0/24', () => ({ ipFilter: { deny: ['192.0.2.0/24'] } }));
const allowV6Loopback = policy('ip: allow ::1 only', () => ({ ipFilter: { allow: ['::1'] } }));
const allowMapped = policy('ip: allow ::ffff:127.0.0.1', () => ({ ipFilter: { allow: ['::ffff:127.0.0.1'] } }));
const denyMappedCidr = policy('ip: deny ::ffff:127.0.0.0/104', () => ({ ipFilter: { deny: ['::ffff:127.0.0.0/104'] } }));
const untrustedAllow = policy('ip: allow 203.0.113.0/24, no proxy', () => ({ ipFilter: { allow: ['203.0.113.0/24'] } }));
const untrustedDeny = policy('ip: deny 203.0.113.0/24, no proxy', () => ({ ipFilter: { deny: ['203.0.113.0/24'] } }));
const viaXff = policy('ip: trusted proxies with X-Forwarded-For', () => ({
  proxy: { trusted: ['127.0.0.1', '10.0.0.0/8'] },
  ipFilter: { allow: ['198.51.100.0/24', '192.0.2.0/24', '2001:db8::/32'], deny: ['198.51.100.66'] },
}));
const viaForwarded = policy('ip: trusted proxy with Forwarded', () => ({
  proxy: { trusted: ['127.0.0.1'], header: 'forwarded' },
  ipFilter: { allow: ['198.51.100.0/24', '2001:db8::/32'], deny: ['2001:db8:dead::/48'] },
}));
const routeFilter = policy('ip: filter on the /admin route only', () => ({
  routes: [{ path: '/admin', id: 'admin', ipFilter: { allow: ['10.0.0.0/8'] } }],
}));

export const ipFilterScenarios: readonly Scenario[] = [
  { name: 'ip: allow list containing 127.0.0.0/8 lets loopback in', policy: allowLoopback, request: GET(), expect: handled() },
  { name: 'ip: allow list without loopback refuses 127.0.0.1', policy: allowOthers, request: GET(), expect: denied(403, 'ip_denied') },
  { name: 'ip: deny list containing 127.0.0.1 refuses it', policy: denyLoopback, request: GET(), expect: denied(403, 'ip_denied') },
  { name: 'ip: deny list without loopback lets it in', policy: denyOthers, request: GET(), expect: handled() },
  { name: 'ip: allow ::1 does not cover IPv4 127.0.0.1', policy: allowV6Loopback, request: GET(), expect: denied(403, 'ip_denied') },
  { name: 'ip: allow ::ffff:127.0.0.1 (IPv4-mapped) covers 127.0.0.1', policy: allowMapped, request: GET(), expect: handled() },
  { name: 'ip: deny IPv4-mapped CIDR ::ffff:127.0.0.0/104 refuses 127.0.0.1', policy: denyMappedCidr, request: GET(), expect: denied(403, 'ip_denied') },
  {
    name: 'ip: spoofed X-Forwarded-For from an untrusted peer is ignored (allow list)',
    policy: untrustedAllow,
    request: GET('/echo', [['X-Forwarded-For', '203.0.113.7']]),
    expect: denied(403, 'ip_denied'),
  },
  {
    name: 'ip: spoofed X-Forwarded-For from an untrusted peer is ignored (deny list)',
    policy: untrustedDeny,
    request: GET('/echo', [['X-Forwarded-For', '203.0.113.7']]),
    expect: handled(),
  },
  {
    name: 'ip: spoofed Forwarded from an untrusted peer is ignored',
    policy: untrustedAllow,
    request: GET('/echo', [['Forwarded', 'for=203.0.113.7']]),
    expect: denied(403, 'ip_denied'),
  },
  { name: 'ip: trusted proxy, X-Forwarded-For client in the allow list', policy: viaXff, request: GET('/echo', [['X-Forwarded-For', '198.51.100.7']]), expect: handled() },
  { name: 'ip: trusted proxy, X-Forwarded-For client in the deny list', policy: viaXff, request: GET('/echo', [['X-Forwarded-For', '198.51.100.66']]), expect: denied(403, 'ip_denied') },
  { name: 'ip: trusted proxy, X-Forwarded-For client outside the allow list', policy: viaXff, request: GET('/echo', [['X-Forwarded-For', '203.0.113.9']]), expect: denied(403, 'ip_denied') },
  {
    name: 'ip: trusted proxy chain picks the first untrusted hop from the right (allowed)',
    policy: viaXff,
    request: GET('/echo', [['X-Forwarded-For', '203.0.113.9, 198.51.100.7, 10.0.0.2']]),
    expect: handled(),
  },
  {
    name: 'ip: trusted proxy chain ignores a client-prepended allowed address',
    policy: viaXff,
    request: GET('/echo', [['X-Forwarded-For', '198.51.100.7, 203.0.113.9, 10.0.0.2']]),
    expect: denied(403, 'ip_denied'),
  },
  {
    name: 'ip: two X-Forwarded-For fields are one chain',
    policy: viaXff,
    request: GET('/echo', [['X-Forwarded-For', '198.51.100.7'], ['X-Forwarded-For', '10.0.0.2']]),
    expect: handled(),
  },
  {
    name: 'ip: a chain of trusted proxies only resolves to the last of them',
    policy: viaXff,
    request: GET('/echo', [['X-Forwarded-For', '10.0.0.5, 10.0.0.2']]),
    expect: denied(403, 'ip_denied'),
  },
  { name: 'ip: malformed X-Forwarded-For hop makes the client unknown', policy: viaXff, request: GET('/echo', [['X-Forwarded-For', 'not-an-ip']]), expect: denied(403, 'client_ip_unknown') },
  {
    name: 'ip: malformed hop inside the chain makes the client unknown',
    policy: viaXff,
    request: GET('/echo', [['X-Forwarded-For', '198.51.100.7, garbage, 10.0.0.2']]),
    expect: denied(403, 'client_ip_unknown'),
  },
  {
    name: 'ip: IPv4 with leading zeros in X-Forwarded-For is malformed, not octal',
    policy: viaXff,
    request: GET('/echo', [['X-Forwarded-For', '198.051.100.7']]),
    expect: denied(403, 'client_ip_unknown'),
  },
  { name: 'ip: IPv6 client through a trusted proxy matches a v6 CIDR', policy: viaXff, request: GET('/echo', [['X-Forwarded-For', '2001:db8::7']]), expect: handled() },
  { name: 'ip: bracketed IPv6 with port through a trusted proxy', policy: viaXff, request: GET('/echo', [['X-Forwarded-For', '[2001:db8::7]:4711']]), expect: handled() },
  {
    name: 'ip: IPv4-mapped IPv6 client matches an IPv4 rule',
    policy: viaXff,
    request: GET('/echo', [['X-Forwarded-For', '::ffff:192.0.2.5']]),
    expect: handled(),
  },
  {
    name: 'ip: IPv6 client outside every v6 rule is refused',
    policy: viaXff,
    request: GET('/echo', [['X-Forwarded-For', '2001:db9::1']]),
    expect: denied(403, 'ip_denied'),
  },
  { name: 'ip: Forwarded for= client in the allow list', policy: viaForwarded, request: GET('/echo', [['Forwarded', 'for=198.51.100.7;proto=https']]), expect: handled() },
  {
    name: 'ip: Forwarded quoted bracketed IPv6 with port in the deny list',
    policy: viaForwarded,
    request: GET('/echo', [['Forwarded', 'for="[2001:db8:dead::1]:4711"']]),
    expect: denied(403, 'ip_denied'),
  },
  { name: 'ip: Forwarded quoted IPv6 client allowed', policy: viaForwarded, request: GET('/echo', [['Forwarded', 'for="[2001:db8::1]"']]), expect: handled() },
  { name: 'ip: Forwarded element without for= makes the client unknown', policy: viaForwarded, request: GET('/echo', [['Forwarded', 'proto=https']]), expect: denied(403, 'client_ip_unknown') },
  { name: 'ip: Forwarded for=unknown makes the client unknown', policy: viaForwarded, request: GET('/echo', [['Forwarded', 'for=unknown']]), expect: denied(403, 'client_ip_unknown') },
  {
    name: 'ip: X-Forwarded-For is ignored when the policy reads Forwarded',
    policy: viaForwarded,
    request: GET('/echo', [['X-Forwarded-For', '198.51.100.7']]),
    expect: denied(403, 'ip_denied'),
  },
  { name: 'ip: a route filter refuses on its route', policy: routeFilter, request: GET('/admin'), expect: denied(403, 'ip_denied') },
  { name: 'ip: a route filter does not apply elsewhere', policy: routeFilter, request: GET('/public'), expect: handled() },
];
