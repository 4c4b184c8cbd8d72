// Child-process entry of one rate-limit benchmark server: `node servers/rate-limit-serve.mjs
// <framework> <variant> <key-prefix>` (Redis at REDIS_URL, read from the environment here so that a
// URL with a password never shows on a command line). Protocol in lib/child-server.mjs; the ready
// message also says which store the limiter uses.
import { serveChild } from '../lib/child-server.mjs';
import { start } from './rate-limit.mjs';

const [framework, variant, prefix] = process.argv.slice(2);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

serveChild(async () => {
  const server = await start(framework, variant, { redisUrl, prefix });
  return { port: server.port, close: () => server.close(), ready: { store: server.store } };
});
