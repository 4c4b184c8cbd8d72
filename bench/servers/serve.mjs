// Child-process entry of one server: `node servers/serve.mjs <framework-id> <variant>`, started by
// the runner with an IPC channel (protocol in lib/child-server.mjs).
import { serveChild } from '../lib/child-server.mjs';
import { frameworkById } from '../lib/frameworks.mjs';

const [frameworkId, variant] = process.argv.slice(2);

serveChild(async () => {
  const framework = frameworkById(frameworkId);
  const { start } = await import(`./${framework.module}`);
  return start(variant, framework.options);
});
