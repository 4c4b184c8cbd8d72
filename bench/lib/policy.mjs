// The Portcullis policies of the `portcullis` variants.
//
// foundationPolicy(): the foundation guards that @portcullis/core ships, every one of them switched
// on, so the load benchmark measures the whole default path (the `small` workload, and the micro cases).
// portcullisPolicy(): the same plus the jwt() guard of @portcullis/auth on the routes that carry a
// bearer token (auth-1k, jwt-mix), as route guards, so that `small` stays unauthenticated on the same
// server. There is still no rate-limit guard and no schema validation: the auth-1k peer stacks run
// both (docs/benchmarks.md says so next to the numbers).
import { jwt } from '@portcullis/auth';
import { HEALTH_PATH, JWT_AUDIENCE, JWT_ISSUER, JWT_MIX_PATH, JWT_SECRET, ORDER_PATH, SMALL_PATH } from './workload.mjs';

export function foundationPolicy() {
  return {
    version: 'bench-foundation',
    // `limits` is left out on purpose: the request-limits guard always runs, here with its defaults
    // (URL, query, header count and bytes, 1 MiB body, JSON depth/keys/array length).
    // Default API security headers.
    securityHeaders: {},
    methodOverride: 'deny',
    // A realistic deny list; loopback is not on it, so the benchmark traffic is allowed.
    ipFilter: { deny: ['203.0.113.0/24', '198.51.100.7', '192.0.2.0/24', '2001:db8::/32'] },
    cors: { origins: ['https://app.example.com', 'https://*.example.org'] },
    routes: [
      { path: SMALL_PATH, methods: ['POST'] },
      { path: ORDER_PATH, methods: ['POST'] },
      { path: HEALTH_PATH, methods: ['GET'] },
    ],
    unmatchedRoutes: 'deny',
  };
}

/** The jwt() options of every Portcullis variant: the peers' secret, algorithm, issuer and audience. */
export function jwtGuardOptions() {
  return { algorithms: ['HS256'], secret: JWT_SECRET, issuer: JWT_ISSUER, audience: JWT_AUDIENCE };
}

export function portcullisPolicy() {
  const foundation = foundationPolicy();
  // One definition on both routes: each route compiles its own guard (and verified-token cache).
  const bearer = jwt(jwtGuardOptions());
  return {
    ...foundation,
    version: 'bench-portcullis',
    routes: [
      ...foundation.routes.map((route) => (route.path === ORDER_PATH ? { ...route, guards: [bearer] } : route)),
      { path: JWT_MIX_PATH, methods: ['POST'], guards: [bearer] },
    ],
  };
}
