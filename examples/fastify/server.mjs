// A Fastify 5 service behind Portcullis, with per-route policy in the route's `config`.
// Run: node examples/fastify/server.mjs (PORT=3000 by default).
import Fastify from 'fastify';
import { portcullis, portcullisFrameworkErrors } from '@portcullis/fastify';
import { examplePolicy } from '../policy.mjs';

// frameworkErrors: requests Fastify's router refuses before any hook get Portcullis's problem body.
const app = Fastify({ logger: false, frameworkErrors: portcullisFrameworkErrors });
const { routes, ...basePolicy } = examplePolicy;
// With `{ policy }` the plugin builds the firewall at start-up, adding each route's config.portcullis.
await app.register(portcullis, { policy: { ...basePolicy, routes: routes.filter((r) => r.path !== '/orders') } });

app.get('/health', async () => ({ ok: true }));
app.get('/orders', { config: { portcullis: { id: 'listOrders' } } }, async (request) => ({ orders: [], route: request.portcullis?.route?.id }));
app.post('/orders', { config: { portcullis: { id: 'createOrder', limits: { bodyBytes: 2_048 } } } }, async (request, reply) => {
  reply.code(201);
  return { created: request.body }; // the validated object
});
app.get('/orders/:id', async (request) => ({ id: request.params.id }));
app.delete('/orders/:id', async (_request, reply) => reply.code(204).send());

const port = Number(process.env.PORT ?? 3000);
await app.listen({ host: '127.0.0.1', port });
console.log(`fastify example on http://127.0.0.1:${app.server.address().port}`);
