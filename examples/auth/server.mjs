// An Express 5 service whose callers prove who they are three ways — a JWT, an API key, a signed
// webhook — and whose routes say who may call them. Run: node examples/auth/server.mjs
//
// Credentials come from the environment (AUTH_EXAMPLE_JWT_SECRET, AUTH_EXAMPLE_API_KEY,
// AUTH_EXAMPLE_WEBHOOK_SECRET). Left unset, random ones are made for this run and a token, a key
// and a curl line are printed so you can try it: development only, never print credentials in
// production.
import { createHmac, randomBytes } from 'node:crypto';
import express from 'express';
import { createFirewall } from '@portcullis/core';
import { apiKey, hashApiKey, jwt, webhookSignature } from '@portcullis/auth';
import { portcullis } from '@portcullis/express';

const ISSUER = 'https://id.example.test';
const AUDIENCE = 'https://orders.example.test';
const jwtSecret = process.env.AUTH_EXAMPLE_JWT_SECRET ?? randomBytes(32).toString('base64url');
const batchKey = process.env.AUTH_EXAMPLE_API_KEY ?? `pk_${randomBytes(24).toString('base64url')}`;
const webhookSecret = process.env.AUTH_EXAMPLE_WEBHOOK_SECRET ?? randomBytes(32).toString('base64url');

const firewall = createFirewall({
  version: 'auth-example-1',
  guards: [
    // Either credential identifies the caller; `authorize` below says which routes need one.
    jwt({ algorithms: ['HS256'], secret: jwtSecret, issuer: ISSUER, audience: AUDIENCE, identity: { roles: 'roles' }, optional: true }),
    // Only the SHA-256 of the key is held, never the key.
    apiKey({ keys: [{ hash: hashApiKey(batchKey), id: 'batch-2026', clientId: 'billing-batch', scopes: ['orders:read'] }], optional: true }),
  ],
  authorization: { uncovered: 'deny' }, // a route without a rule is refused
  routes: [
    { path: '/health', methods: ['GET'], authorize: { authenticated: false } },
    { path: '/orders', methods: ['GET'], authorize: { scopes: ['orders:read'] } },
    { path: '/users/:userId/orders', methods: ['GET'], authorize: { owner: { param: 'userId', overrideRoles: ['support'] } } },
    // The webhook's identity is its signature, checked once the body is read (after authorization).
    { path: '/webhooks/payments', methods: ['POST'], authorize: { authenticated: false }, guards: [webhookSignature({ secrets: [webhookSecret] })] },
  ],
  unmatchedRoutes: 'deny',
  events: { sink: (event) => console.log(JSON.stringify(event)) },
});
await firewall.ready();

const app = express();
app.use(portcullis(firewall));
app.get('/health', (_req, res) => res.json({ ok: true }));
app.get('/orders', (req, res) => res.json({ orders: [], caller: req.portcullis?.identity?.clientId ?? req.portcullis?.identity?.subject }));
app.get('/users/:userId/orders', (req, res) => res.json({ user: req.params.userId, orders: [] }));
app.post('/webhooks/payments', (req, res) => res.json({ received: req.body?.type ?? null }));

/** What the identity provider would issue to alice (HS256, five minutes). */
function demoToken(claims) {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, ...claims })}`;
  return `${input}.${createHmac('sha256', jwtSecret).update(input).digest('base64url')}`;
}

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  console.log(`auth example on ${url}`);
  if (process.env.AUTH_EXAMPLE_JWT_SECRET === undefined) {
    console.log(`token for alice: ${demoToken({ sub: 'alice', scope: 'orders:read' })}`);
    console.log(`api key: ${batchKey}`);
    console.log(`webhook secret: ${webhookSecret}`);
    console.log(`try: curl -H "authorization: Bearer <token>" ${url}/users/alice/orders`);
  }
});
