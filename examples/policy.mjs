// The policy shared by the example services: plain data (docs/policy.md).
export const examplePolicy = {
  version: 'example-1',
  limits: { bodyBytes: 16 * 1024, jsonDepth: 16 },
  cors: { origins: ['http://localhost:5173'] },
  routes: [
    { path: '/health', methods: ['GET'] },
    { path: '/orders', methods: ['GET', 'POST'] },
    { path: '/orders/:id', methods: ['GET', 'DELETE'] },
  ],
  unmatchedRoutes: 'deny',
  // Log denials (redacted) as JSON lines.
  events: { sink: (event) => console.log(JSON.stringify(event)) },
};
