// The demo policy: plain data. Every line here is documented in docs/policy.md and
// docs/authorization.md; the JWT options in docs/auth/jwt.md, rate limits in docs/rate-limits.md.
import { jwt } from '@portcullis/auth';
import { openapi } from '@portcullis/openapi';
import { rateLimit } from '@portcullis/rate-limit';

/** The demo's token-signing secret. A real service verifies its identity provider's keys (jwksUri). */
export const DEMO_SECRET = 'demo-secret-never-use-in-production-0123456789';
export const DEMO_ISSUER = 'https://id.demo.example';
export const DEMO_AUDIENCE = 'https://orders.demo.example';

export const demoPolicy = {
  version: 'demo-3',
  // Trust nobody's X-Forwarded-For: the demo client talks to the socket directly.
  ipFilter: { deny: ['203.0.113.0/24'] },
  limits: { bodyBytes: 4_096, jsonDepth: 8 },
  cors: { origins: ['https://app.example.com'] },
  // Bearer tokens are verified wherever they are sent; routes say who may call them.
  guards: [jwt({ algorithms: ['HS256'], secret: DEMO_SECRET, issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, optional: true })],
  routes: [
    { path: '/health', methods: ['GET'] },
    { path: '/orders', methods: ['GET', 'POST'], authorize: { methods: ['POST'], scopes: ['orders:write'] } },
    { path: '/orders/:id', methods: ['GET', 'DELETE'] },
    // Object-level authorization: a user's orders are served to that user only.
    { path: '/users/:userId/orders', methods: ['GET'], authorize: { owner: { param: 'userId', claim: 'sub' } } },
    // A costly endpoint: two searches a minute per client address (RateLimit headers on every answer).
    { path: '/search', methods: ['GET'], guards: [rateLimit({ limits: [{ points: 2, windowSeconds: 60 }] })] },
    { path: '/beta/*', mode: 'monitor', limits: { bodyBytes: 64 } },
    // The catalogue's OpenAPI document is the policy of /api: undocumented routes, wrong types, extra
    // fields and responses that break the contract are refused (docs/openapi.md).
    { path: '/api/*', guards: [openapi({ document: new URL('./catalog.yaml', import.meta.url), responses: 'enforce' })] },
  ],
  unmatchedRoutes: 'deny',
};
