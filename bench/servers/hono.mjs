// Hono apps on @hono/node-server for the four variants.
//   bare        handlers that read the body with c.req.json().
//   portcullis  the adapter in front; Portcullis reads, caps and parses the JSON itself.
//   peer        hono-rate-limiter + hono/jwt + hono/validator with an ajv-compiled schema.
//   peer-jwt    hono/jwt + handlers that read the body with c.req.json() (jwt-mix).
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { ORDER_PATH, ORDER_SCHEMA, SMALL_PATH, HEALTH_PATH, JWT_AUDIENCE, JWT_ISSUER, JWT_MIX_PATH, JWT_SECRET, OK } from '../lib/workload.mjs';
import { createReadyFirewall } from '../lib/firewall.mjs';

/** hono/jwt as its documentation configures it, with the run's issuer and audience checked. */
async function jwtMiddleware() {
  const { jwt } = await import('hono/jwt');
  return jwt({ secret: JWT_SECRET, alg: 'HS256', verification: { iss: JWT_ISSUER, aud: JWT_AUDIENCE } });
}

/** The bare handler: the framework reads and parses the JSON body. */
async function readJsonHandler(c) {
  await c.req.json();
  return c.json(OK);
}

async function peerMiddleware(app) {
  const { rateLimiter } = await import('hono-rate-limiter');
  const { validator } = await import('hono/validator');
  const { getConnInfo } = await import('@hono/node-server/conninfo');
  const { default: Ajv } = await import('ajv');
  const validateOrder = new Ajv({ allErrors: false }).compile(ORDER_SCHEMA);
  // Limits far above anything the benchmark sends: the limiter does its bookkeeping but never blocks.
  app.use(rateLimiter({ windowMs: 60_000, limit: 1_000_000_000, keyGenerator: (c) => getConnInfo(c).remote.address ?? 'unknown' }));
  app.use(await jwtMiddleware());
  return validator('json', (value, c) => (validateOrder(value) ? value : c.json({ error: 'invalid body', details: validateOrder.errors }, 400)));
}

export async function start(variant) {
  const app = new Hono();
  if (variant === 'bare') {
    app.post(SMALL_PATH, readJsonHandler);
    app.post(ORDER_PATH, readJsonHandler);
    app.post(JWT_MIX_PATH, readJsonHandler);
  } else if (variant === 'portcullis') {
    const { portcullis } = await import('@portcullis/hono');
    app.use(portcullis(await createReadyFirewall()));
    // Portcullis already read and parsed the body; the handler would take it from the decision.
    app.post(SMALL_PATH, (c) => c.json(OK));
    app.post(ORDER_PATH, (c) => c.json(OK));
    app.post(JWT_MIX_PATH, (c) => c.json(OK));
  } else if (variant === 'peer-jwt') {
    app.use(await jwtMiddleware());
    app.post(JWT_MIX_PATH, readJsonHandler);
  } else if (variant === 'peer') {
    const validateOrder = await peerMiddleware(app);
    app.post(ORDER_PATH, validateOrder, (c) => {
      c.req.valid('json');
      return c.json(OK);
    });
  } else {
    throw new Error(`unknown variant ${variant}`);
  }
  app.get(HEALTH_PATH, (c) => c.json(OK));
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({ port: info.port, close: () => new Promise((done) => server.close(done)) });
    });
  });
}
