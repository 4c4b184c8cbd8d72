// Express apps for the four variants. Express 5 is `express`; Express 4 is the `express4` alias.
//   bare        express.json() + handlers: what any JSON API on Express already runs.
//   portcullis  the adapter in front; Portcullis reads, caps and parses the JSON itself.
//   peer        express-rate-limit + express-jwt + express.json() + express-openapi-validator.
//   peer-jwt    express-jwt + express.json(): the JWT part of the peer alone (jwt-mix).
import { createRequire } from 'node:module';
import { ORDER_PATH, ORDER_SCHEMA, SMALL_PATH, HEALTH_PATH, JWT_AUDIENCE, JWT_ISSUER, JWT_MIX_PATH, JWT_SECRET, OK } from '../lib/workload.mjs';
import { createReadyFirewall } from '../lib/firewall.mjs';

const require = createRequire(import.meta.url);

function loadExpress(major) {
  return major === 4 ? require('express4') : require('express');
}

function addRoutes(app) {
  app.post(SMALL_PATH, (req, res) => res.json(OK));
  app.post(ORDER_PATH, (req, res) => res.json(OK));
  app.post(JWT_MIX_PATH, (req, res) => res.json(OK));
  app.get(HEALTH_PATH, (req, res) => res.json(OK));
}

/** The OpenAPI document express-openapi-validator validates the peer's requests against. */
function openApiDocument() {
  return {
    openapi: '3.0.3',
    info: { title: 'bench', version: '1.0.0' },
    paths: {
      [ORDER_PATH]: {
        post: {
          requestBody: { required: true, content: { 'application/json': { schema: ORDER_SCHEMA } } },
          responses: { 200: { description: 'ok' } },
        },
      },
    },
  };
}

/** express-jwt as its README configures it, with the run's issuer and audience checked. */
async function jwtMiddleware() {
  const { expressjwt } = await import('express-jwt');
  return expressjwt({ secret: JWT_SECRET, algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE });
}

async function peerMiddleware(app, express) {
  const { rateLimit } = await import('express-rate-limit');
  const OpenApiValidator = require('express-openapi-validator');
  // Limits far above anything the benchmark sends: the limiter does its bookkeeping but never blocks.
  app.use(rateLimit({ windowMs: 60_000, limit: 1_000_000_000, standardHeaders: 'draft-7', legacyHeaders: false }));
  app.use(await jwtMiddleware());
  app.use(express.json());
  app.use(OpenApiValidator.middleware({ apiSpec: openApiDocument(), validateRequests: true, validateResponses: false }));
}

export async function start(variant, { major = 5 } = {}) {
  const express = loadExpress(major);
  const app = express();
  if (variant === 'bare') {
    app.use(express.json());
  } else if (variant === 'portcullis') {
    const { portcullis } = await import('@portcullis/express');
    app.use(portcullis(await createReadyFirewall()));
  } else if (variant === 'peer') {
    await peerMiddleware(app, express);
  } else if (variant === 'peer-jwt') {
    app.use(await jwtMiddleware());
    app.use(express.json());
  } else {
    throw new Error(`unknown variant ${variant}`);
  }
  addRoutes(app);
  // Errors (401 from express-jwt, 400 from the validator) answer as JSON with their status.
  app.use((error, req, res, next) => {
    res.status(error.status ?? 500).json({ error: error.message });
  });
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error) => {
      if (error) reject(error);
      else resolve({ port: server.address().port, close: () => new Promise((done) => server.close(done)) });
    });
  });
}
