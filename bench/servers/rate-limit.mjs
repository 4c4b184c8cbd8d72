// The apps of the rate-limit benchmark (bench/rate-limit.mjs): one GET route, limited per client IP
// with a limit far above the load (each limiter counts every request in Redis but never refuses),
// on Express 5 and Fastify 5, with the framework's usual limiter and with Portcullis.
//   bare        the route alone: the framework's own cost at this rate.
//   peer        Express: express-rate-limit with rate-limit-redis (its memory store if rate-limit-redis
//               is not installed; the ready message says which). Fastify: @fastify/rate-limit with its
//               `redis` option (ioredis).
//   portcullis  the adapter with a minimal policy (no security headers, method override allowed: only
//               the always-on request limits) and rateLimit() on redisStore (ioredis).
// Every limiter gets its own ioredis client with default options and its own key prefix.
import { Redis } from 'ioredis';
import { OK } from '../lib/workload.mjs';

export const RATE_LIMIT_PATH = '/api/limited';
/** Far above anything the benchmark sends: the limiter counts but never refuses. */
export const NEVER_REACHED = 1_000_000_000;
const WINDOW_SECONDS = 60;

/** The Portcullis policy of the `portcullis` variants (and of the in-process decide benchmark). */
export function portcullisRateLimitPolicy(rateLimitModule, store) {
  return {
    securityHeaders: false,
    methodOverride: 'allow',
    ...(store === undefined ? {} : { store }),
    guards: [rateLimitModule.rateLimit({ limits: [{ points: NEVER_REACHED, windowSeconds: WINDOW_SECONDS }] })],
  };
}

async function portcullisFirewall(redis, prefix) {
  const [{ createFirewall }, rateLimitModule, { redisStore }] = await Promise.all([import('@portcullis/core'), import('@portcullis/rate-limit'), import('@portcullis/redis')]);
  const firewall = createFirewall(portcullisRateLimitPolicy(rateLimitModule, redisStore({ client: redis, prefix })));
  await firewall.ready();
  return firewall;
}

/** rate-limit-redis for express-rate-limit, or undefined when it is not installed. */
async function expressRedisStore(redis, prefix) {
  let module;
  try {
    module = await import('rate-limit-redis');
  } catch {
    return undefined;
  }
  const RedisStore = module.RedisStore ?? module.default;
  // The form its README gives for ioredis.
  return new RedisStore({ sendCommand: (command, ...args) => redis.call(command, ...args), prefix });
}

async function startExpress(variant, redis, prefix) {
  const { default: express } = await import('express');
  const app = express();
  let store = 'none';
  let firewall;
  if (variant === 'peer') {
    const { rateLimit } = await import('express-rate-limit');
    const redisStoreForPeer = await expressRedisStore(redis, prefix);
    store = redisStoreForPeer === undefined ? 'memory' : 'redis';
    app.use(rateLimit({ windowMs: WINDOW_SECONDS * 1_000, limit: NEVER_REACHED, standardHeaders: 'draft-8', legacyHeaders: false, ...(redisStoreForPeer === undefined ? {} : { store: redisStoreForPeer }) }));
  } else if (variant === 'portcullis') {
    const { portcullis } = await import('@portcullis/express');
    firewall = await portcullisFirewall(redis, prefix);
    store = 'redis';
    app.use(portcullis(firewall));
  } else if (variant !== 'bare') {
    throw new Error(`unknown variant ${variant}`);
  }
  app.get(RATE_LIMIT_PATH, (req, res) => res.json(OK));
  const server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve(s)));
  });
  return {
    port: server.address().port,
    store,
    close: async () => {
      await new Promise((done) => server.close(done));
      await firewall?.close();
    },
  };
}

async function startFastify(variant, redis, prefix) {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  let store = 'none';
  let firewall;
  if (variant === 'peer') {
    const { default: rateLimit } = await import('@fastify/rate-limit');
    await app.register(rateLimit, { max: NEVER_REACHED, timeWindow: WINDOW_SECONDS * 1_000, redis, nameSpace: prefix });
    store = 'redis';
  } else if (variant === 'portcullis') {
    const { portcullis } = await import('@portcullis/fastify');
    firewall = await portcullisFirewall(redis, prefix);
    store = 'redis';
    await app.register(portcullis, { firewall });
  } else if (variant !== 'bare') {
    throw new Error(`unknown variant ${variant}`);
  }
  app.get(RATE_LIMIT_PATH, async () => OK);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    port: app.server.address().port,
    store,
    close: async () => {
      await app.close();
      await firewall?.close();
    },
  };
}

/** Starts `<framework>:<variant>` (framework `express5` or `fastify5`); keys go under `prefix`. */
export async function start(framework, variant, { redisUrl, prefix }) {
  // The bare variant never talks to Redis; the others get a client of their own, closed last.
  const redis = variant === 'bare' ? undefined : new Redis(redisUrl);
  try {
    const app = framework === 'express5' ? await startExpress(variant, redis, prefix) : framework === 'fastify5' ? await startFastify(variant, redis, prefix) : undefined;
    if (app === undefined) throw new Error(`unknown framework ${framework}`);
    return {
      ...app,
      close: async () => {
        await app.close();
        await redis?.quit();
      },
    };
  } catch (error) {
    redis?.disconnect();
    throw error;
  }
}
