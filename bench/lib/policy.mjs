// The Portcullis policy of the `portcullis` variants: the foundation guards that @portcullis/core
// ships, with every one of them switched on, so the load benchmark measures the whole default path.
// There is no JWT or rate-limit guard here: those belong to @portcullis/auth and
// @portcullis/rate-limit, which do not exist yet (docs/benchmarks.md says so next to the numbers).
import { HEALTH_PATH, ORDER_PATH, SMALL_PATH } from './workload.mjs';

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
