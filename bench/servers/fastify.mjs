// Fastify apps for the four variants.
//   bare        Fastify's own JSON parser + handlers.
//   portcullis  the plugin registered before the routes; it validates the body Fastify parsed.
//   peer        @fastify/rate-limit + @fastify/jwt (request.jwtVerify in onRequest) + a route JSON schema.
//   peer-jwt    @fastify/jwt (request.jwtVerify in onRequest) alone, with Fastify's JSON parser (jwt-mix).
import Fastify from 'fastify';
import { ORDER_PATH, ORDER_SCHEMA, SMALL_PATH, HEALTH_PATH, JWT_AUDIENCE, JWT_ISSUER, JWT_MIX_PATH, JWT_SECRET, OK } from '../lib/workload.mjs';
import { createReadyFirewall } from '../lib/firewall.mjs';

/**
 * @fastify/jwt as its README configures it, with the run's issuer and audience checked. Its
 * verified-token cache (`verify.cache`) is off by default and left off, as users get it.
 */
async function registerJwt(app) {
  const { default: jwt } = await import('@fastify/jwt');
  await app.register(jwt, { secret: JWT_SECRET, verify: { algorithms: ['HS256'], allowedIss: JWT_ISSUER, allowedAud: JWT_AUDIENCE } });
  app.addHook('onRequest', async (request) => {
    await request.jwtVerify();
  });
}

async function registerPeer(app) {
  const { default: rateLimit } = await import('@fastify/rate-limit');
  await app.register(rateLimit, { max: 1_000_000_000, timeWindow: 60_000 });
  await registerJwt(app);
}

export async function start(variant) {
  const app = Fastify({ logger: false });
  if (variant === 'portcullis') {
    const { portcullis } = await import('@portcullis/fastify');
    await app.register(portcullis, { firewall: await createReadyFirewall() });
  } else if (variant === 'peer') {
    await registerPeer(app);
  } else if (variant === 'peer-jwt') {
    await registerJwt(app);
  } else if (variant !== 'bare') {
    throw new Error(`unknown variant ${variant}`);
  }
  app.post(SMALL_PATH, async () => OK);
  app.post(ORDER_PATH, variant === 'peer' ? { schema: { body: ORDER_SCHEMA } } : {}, async () => OK);
  app.post(JWT_MIX_PATH, async () => OK);
  app.get(HEALTH_PATH, async () => OK);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: app.server.address().port, close: () => app.close() };
}
