// The runner's side of a server child process, shared by servers/serve.mjs and
// servers/rate-limit-serve.mjs: start the server, report `{ port, ...ready }` once listening (or
// `{ error }`), answer `cpu` with the process's CPU time so far, and close when the runner sends
// `close` or disconnects, so that no server outlives its runner.
export function serveChild(startServer) {
  startServer()
    .then((server) => {
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
      process.send({ port: server.port, ...(server.ready ?? {}) });
    })
    .catch((error) => {
      process.send?.({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
      process.exitCode = 1;
      process.disconnect?.();
    });
}
