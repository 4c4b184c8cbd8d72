// Child-process entry of one rate-limit benchmark server: `node servers/rate-limit-serve.mjs
// <framework> <variant> <key-prefix>` (Redis at REDIS_URL, read from the environment here so that a
// URL with a password never shows on a command line). Same protocol as serve.mjs: reports
// `{ port, store }` once listening (or `{ error }`), answers `cpu` with its CPU time so far, and
// closes when the runner sends `close` or disconnects.
import { start } from './rate-limit.mjs';

const [framework, variant, prefix] = process.argv.slice(2);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function main() {
  const server = await start(framework, variant, { redisUrl, prefix });
  const shutdown = () => {
    const forced = setTimeout(() => process.exit(0), 2_000);
    forced.unref();
    server.close().finally(() => process.exit(0));
  };
  process.on('message', (message) => {
    if (message === 'close') shutdown();
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send({ cpuMicros: user + system });
    }
  });
  process.on('disconnect', shutdown);
  process.send({ port: server.port, store: server.store });
}

main().catch((error) => {
  process.send?.({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
});
