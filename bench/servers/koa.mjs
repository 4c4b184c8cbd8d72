// Koa apps for the four variants. Routing is a plain method/path check in every variant (no
// router package), so the variants differ only in the protection in front of the handler.
//   bare        @koa/bodyparser + handlers.
//   portcullis  the adapter in front; Portcullis reads, caps and parses the JSON itself.
//   peer        koa-ratelimit (memory driver) + koa-jwt + @koa/bodyparser + ajv.
//   peer-jwt    koa-jwt + @koa/bodyparser: the JWT part of the peer alone (jwt-mix).
import Koa from 'koa';
import { createRequire } from 'node:module';
import { ORDER_PATH, ORDER_SCHEMA, SMALL_PATH, HEALTH_PATH, JWT_AUDIENCE, JWT_ISSUER, JWT_MIX_PATH, JWT_SECRET, OK } from '../lib/workload.mjs';
import { createReadyFirewall } from '../lib/firewall.mjs';

const require = createRequire(import.meta.url);

function routes(validateOrder) {
  return async (ctx) => {
    const route = `${ctx.method} ${ctx.path}`;
    if (route === `POST ${SMALL_PATH}` || route === `POST ${JWT_MIX_PATH}` || route === `GET ${HEALTH_PATH}`) {
      ctx.body = OK;
    } else if (route === `POST ${ORDER_PATH}`) {
      if (validateOrder !== undefined && !validateOrder(ctx.request.body)) {
        ctx.status = 400;
        ctx.body = { error: 'invalid body', details: validateOrder.errors };
        return;
      }
      ctx.body = OK;
    } else {
      ctx.status = 404;
    }
  };
}

/** koa-jwt as its README configures it, with the run's issuer and audience checked. */
function jwtMiddleware() {
  const jwt = require('koa-jwt');
  return jwt({ secret: JWT_SECRET, algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE });
}

async function peerMiddleware(app) {
  const { default: ratelimit } = await import('koa-ratelimit');
  const { bodyParser } = await import('@koa/bodyparser');
  const { default: Ajv } = await import('ajv');
  // Limits far above anything the benchmark sends: the limiter does its bookkeeping but never blocks.
  app.use(ratelimit({ driver: 'memory', db: new Map(), duration: 60_000, max: 1_000_000_000, id: (ctx) => ctx.ip }));
  app.use(jwtMiddleware());
  app.use(bodyParser());
  return new Ajv({ allErrors: false }).compile(ORDER_SCHEMA);
}

export async function start(variant) {
  const app = new Koa();
  let validateOrder;
  if (variant === 'bare') {
    const { bodyParser } = await import('@koa/bodyparser');
    app.use(bodyParser());
  } else if (variant === 'portcullis') {
    const { portcullis } = await import('@portcullis/koa');
    app.use(portcullis(await createReadyFirewall()));
  } else if (variant === 'peer') {
    validateOrder = await peerMiddleware(app);
  } else if (variant === 'peer-jwt') {
    const { bodyParser } = await import('@koa/bodyparser');
    app.use(jwtMiddleware());
    app.use(bodyParser());
  } else {
    throw new Error(`unknown variant ${variant}`);
  }
  app.use(routes(validateOrder));
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({ port: server.address().port, close: () => new Promise((done) => server.close(done)) });
    });
    server.on('error', reject);
  });
}
