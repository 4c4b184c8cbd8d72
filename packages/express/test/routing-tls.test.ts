import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Request, Response } from 'express-serve-static-core';
import { portcullis } from '../src/index.js';
import { testFirewall } from '../../../test/support/adapter-kit/firewall.js';
import { EXPRESS_VERSIONS, type ExpressFactory } from './support/frameworks.js';
import { send, serve, single } from '../../../test/support/adapter-kit/http.js';
import { assertTlsPeerAnnotations, tlsExchange } from '../../../test/support/adapter-kit/tls.js';


function routeEcho(req: Request, res: Response): void {
  res.json({ url: req.url, originalUrl: req.originalUrl, route: req.portcullis?.route?.id ?? null, path: req.portcullis?.path ?? null });
}

async function tlsExchangeWith(express: ExpressFactory, withClientCertificate: boolean): Promise<Record<string, unknown>> {
  const { firewall } = await testFirewall();
  const app = express();
  app.use(portcullis(firewall));
  app.get('/tls', (req, res) => {
    res.json(req.portcullis?.annotations ?? null);
  });
  return tlsExchange(app, withClientCertificate);
}

for (const [name, express] of EXPRESS_VERSIONS) {
  describe(`${name}: routing and the connection`, () => {
    test('inside a mounted router, the raw request-target is what Portcullis routes on', async () => {
      const { firewall, recorded } = await testFirewall({ unmatchedRoutes: 'deny' });
      const app = express();
      const router = express.Router();
      router.use(portcullis(firewall));
      router.get('/items', routeEcho);
      router.post('/items', routeEcho);
      app.use('/api', router);
      const server = await serve(app);
      try {
        const allowed = await send(server.url, { path: '/api/items?x=1' });
        assert.equal(allowed.status, 200);
        assert.deepEqual(JSON.parse(allowed.body), { url: '/items?x=1', originalUrl: '/api/items?x=1', route: 'GET /api/items', path: '/api/items' });

        // The policy allows only GET on /api/items; had Portcullis seen Express's rewritten
        // `/items`, it would have matched the GET,POST route instead.
        const refused = await send(server.url, { method: 'POST', path: '/api/items' });
        assert.equal(refused.status, 405);
        assert.equal(recorded.byRequestId(single(refused, 'x-request-id')).code, 'method_not_allowed');
      } finally {
        await server.close();
      }
    });

    test('the socket address is the remote address core sees', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.get('/items', (req, res) => {
        res.json({ clientIp: req.portcullis?.clientIp ?? null });
      });
      const server = await serve(app);
      try {
        const reply = await send(server.url, { path: '/items', headers: { 'x-forwarded-for': '203.0.113.9' } });
        // No trusted proxy configured: the forwarded header is ignored, the socket peer is used.
        assert.deepEqual(JSON.parse(reply.body), { clientIp: '127.0.0.1' });
      } finally {
        await server.close();
      }
    });

    test('the TLS client certificate reaches guards through request.tls()', async () => {
      const withCert = await tlsExchangeWith(express, true);
      const withoutCert = await tlsExchangeWith(express, false);
      assertTlsPeerAnnotations(withCert, withoutCert);
    });

    test('a plain HTTP connection has no TLS peer', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.get('/tls', (req, res) => {
        res.json(req.portcullis?.annotations ?? null);
      });
      const server = await serve(app);
      try {
        const reply = await send(server.url, { path: '/tls' });
        assert.deepEqual(JSON.parse(reply.body), { 'tls.present': false });
      } finally {
        await server.close();
      }
    });
  });
}
