// Child-process entry of one Express 5 server of the OpenAPI benchmark: `<document-id> <variant>`.
//   bare        express.json() + a handler answering every path: what any JSON API on Express runs.
//   portcullis  @portcullis/express with `createFirewall({ guards: [openapi({ document })] })` (eager,
//               the default policy otherwise); Portcullis reads, caps and parses the JSON itself.
//   foundation  the same adapter and default policy without the openapi guard: what the guard adds
//               over HTTP is the difference between this and `portcullis`.
//   eov         express.json() + express-openapi-validator
//               (`middleware({ apiSpec, validateRequests: true, validateResponses: false })`).
// The document is read and parsed before the start-up clock starts (its parse is reported apart).
// Protocol (IPC): first message `{ port, startupMs, ... }` once listening (or `{ error }`);
// `stats` answers `{ cpuMicros, rssMiB, peakRssMiB }`; `close` (or a lost parent) ends the process.
import { createRequire } from 'node:module';
import { mib, loadDocument } from './openapi-documents.mjs';

const require = createRequire(import.meta.url);
const OK = Object.freeze({ ok: true });
const [documentId, variant] = process.argv.slice(2);

async function installVariant(app, express, document) {
  if (variant === 'bare') {
    app.use(express.json());
  } else if (variant === 'portcullis') {
    const [{ createFirewall }, { openapi }, { portcullis }] = await Promise.all([import('@portcullis/core'), import('@portcullis/openapi'), import('@portcullis/express')]);
    const start = process.hrtime.bigint();
    const firewall = createFirewall({ guards: [openapi({ document })], telemetry: { onDecision() {}, onDiagnostic() {} } });
    await firewall.ready();
    app.use(portcullis(firewall));
    return { startupMs: Number(process.hrtime.bigint() - start) / 1e6, close: () => firewall.close() };
  } else if (variant === 'foundation') {
    const [{ createFirewall }, { portcullis }] = await Promise.all([import('@portcullis/core'), import('@portcullis/express')]);
    const firewall = createFirewall({ telemetry: { onDecision() {}, onDiagnostic() {} } });
    await firewall.ready();
    app.use(portcullis(firewall));
    return { startupMs: 0, close: () => firewall.close() };
  } else if (variant === 'eov') {
    const OpenApiValidator = require('express-openapi-validator');
    app.use(express.json());
    // It returns at once and loads the document on first request (then each route's validators on
    // that route's first request): the start-up here is only the call; the client times the rest.
    const start = process.hrtime.bigint();
    app.use(OpenApiValidator.middleware({ apiSpec: document, validateRequests: true, validateResponses: false }));
    return { startupMs: Number(process.hrtime.bigint() - start) / 1e6, close: async () => {} };
  } else {
    throw new Error(`unknown variant ${variant}`);
  }
  return { startupMs: 0, close: async () => {} };
}

async function start() {
  const express = require('express');
  const { document, parseMs } = loadDocument(documentId);
  const app = express();
  const installed = await installVariant(app, express, document);
  // Every documented path of the benchmark answers the same constant JSON, whatever the variant.
  app.use((req, res) => res.json(OK));
  // Errors (400/404/405 from the validator, 500 when it fails) answer as JSON with their status;
  // the message is the tool's, kept short (it names schema places, no request data).
  app.use((error, req, res, next) => {
    res.status(error.status ?? 500).json({ error: String(error.message).slice(0, 200) });
  });
  const server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve(s)));
  });
  return { server, parseMs, startupMs: installed.startupMs, close: installed.close };
}

start().then(
  ({ server, parseMs, startupMs, close }) => {
    const shutdown = () => {
      const forced = setTimeout(() => process.exit(0), 2_000);
      forced.unref();
      server.close(() => close().finally(() => process.exit(0)));
      server.closeAllConnections?.();
    };
    process.on('message', (message) => {
      if (message === 'close') shutdown();
      if (message === 'stats') {
        const { user, system } = process.cpuUsage();
        process.send({ cpuMicros: user + system, rssMiB: mib(process.memoryUsage().rss), peakRssMiB: mib(process.resourceUsage().maxRSS * 1024) });
      }
    });
    process.on('disconnect', shutdown);
    process.send({ port: server.address().port, parseMs: Math.round(parseMs * 100) / 100, startupMs: Math.round(startupMs * 100) / 100, rssMiB: mib(process.memoryUsage().rss) });
  },
  (error) => {
    process.send?.({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
    process.exitCode = 1;
    process.disconnect?.();
  },
);
