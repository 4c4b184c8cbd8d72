// Child-process entry of one server: `node servers/serve.mjs <framework-id> <variant>`.
// Started by the runner with an IPC channel; reports `{ port }` once listening (or `{ error }`),
// answers `cpu` with its CPU time so far, and closes when the runner sends `close` or disconnects,
// so no server outlives its runner.
import { frameworkById } from '../lib/frameworks.mjs';

const [frameworkId, variant] = process.argv.slice(2);

async function main() {
  const framework = frameworkById(frameworkId);
  const { start } = await import(`./${framework.module}`);
  const server = await start(variant, framework.options);
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
  process.send({ port: server.port });
}

main().catch((error) => {
  process.send?.({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
});
