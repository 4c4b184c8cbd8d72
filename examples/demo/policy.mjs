// The demo policy: plain data. Every line here is documented in docs/policy.md.
export const demoPolicy = {
  version: 'demo-1',
  // Trust nobody's X-Forwarded-For: the demo client talks to the socket directly.
  ipFilter: { deny: ['203.0.113.0/24'] },
  limits: { bodyBytes: 4_096, jsonDepth: 8 },
  cors: { origins: ['https://app.example.com'] },
  routes: [
    { path: '/health', methods: ['GET'] },
    { path: '/orders', methods: ['GET', 'POST'] },
    { path: '/orders/:id', methods: ['GET', 'DELETE'] },
    { path: '/beta/*', mode: 'monitor', limits: { bodyBytes: 64 } },
  ],
  unmatchedRoutes: 'deny',
};
