import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderUnavailable, type Decision } from '@portcullis/core';
import type { Request, Response } from 'express-serve-static-core';
import { portcullis } from '../src/index.js';
import { brokenFirewall, testFirewall } from '../../../test/support/adapter-kit/firewall.js';
import { EXPRESS_VERSIONS } from './support/frameworks.js';
import { applicationHeaders, send, serve, single, type Reply } from '../../../test/support/adapter-kit/http.js';

/** The handler sees the decision through the typed `req.portcullis`. */
function echo(req: Request, res: Response): void {
  const decision: Decision | undefined = req.portcullis;
  res.setHeader('x-app', 'original');
  res.json({ outcome: decision?.outcome ?? null, requestId: decision?.requestId ?? null, route: decision?.route?.id ?? null });
}

/** What the client must receive for a rendered answer: core's headers in order, then the length. */
function assertRendered(reply: Reply, rendered: NonNullable<Decision['response']>, head = false): void {
  assert.equal(reply.status, rendered.status);
  assert.equal(reply.body, rendered.body);
  const expected = rendered.headers.filter(([name]) => name !== 'connection').map(([n, v]) => [n, v] as const);
  const withoutLength = head || rendered.status === 204 || rendered.status === 304;
  assert.deepEqual(applicationHeaders(reply), withoutLength ? expected : [...expected, ['content-length', String(Buffer.byteLength(rendered.body))]]);
}

for (const [name, express] of EXPRESS_VERSIONS) {
  describe(`${name}: allow and deny`, () => {
    test('an allowed request reaches the handler with the decision on req.portcullis', async () => {
      const { firewall, recorded } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.get('/items', echo);
      const server = await serve(app);
      try {
        const reply = await send(server.url, { path: '/items?page=2' });
        assert.equal(reply.status, 200);
        const seen = JSON.parse(reply.body) as { outcome: string; requestId: string; route: string };
        assert.deepEqual(seen, { outcome: 'allow', requestId: single(reply, 'x-request-id'), route: 'GET,POST /items' });
        // The decision the handler saw is the one core reported.
        assert.equal(recorded.byRequestId(seen.requestId).outcome, 'allow');
        // Headers core contributed to an allowed response are set before the handler ran.
        assert.equal(single(reply, 'x-frame-options'), 'DENY');
        assert.equal(single(reply, 'x-app'), 'original');
      } finally {
        await server.close();
      }
    });

    test("a denial is core's rendered response, byte for byte, and the handler never runs", async () => {
      const { firewall, recorded } = await testFirewall();
      const app = express();
      let handled = 0;
      app.use(portcullis(firewall));
      app.use((_req, res) => {
        handled++;
        res.end('handler');
      });
      const server = await serve(app);
      try {
        const reply = await send(server.url, { method: 'DELETE', path: '/items' });
        const decision = recorded.byRequestId(single(reply, 'x-request-id'));
        assert.equal(decision.code, 'method_not_allowed');
        assert.ok(decision.response !== undefined);
        assertRendered(reply, decision.response);
        assert.equal(single(reply, 'content-type'), 'application/problem+json');
        assert.equal(single(reply, 'allow'), 'GET, HEAD, POST');
        // Express's own X-Powered-By, set before Portcullis ran, is not part of core's answer.
        assert.equal(single(reply, 'x-powered-by'), undefined);
        assert.equal(handled, 0);
      } finally {
        await server.close();
      }
    });

    test('a denied HEAD request has an empty body and the headers core rendered', async () => {
      const { firewall, recorded } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.use(echo);
      const server = await serve(app);
      try {
        const reply = await send(server.url, { method: 'HEAD', path: '/upload' });
        const decision = recorded.byRequestId(single(reply, 'x-request-id'));
        assert.equal(decision.code, 'method_not_allowed');
        assert.ok(decision.response !== undefined);
        assert.equal(decision.response.body, '');
        assertRendered(reply, decision.response, true);
      } finally {
        await server.close();
      }
    });

    test('a path that cannot be normalized is refused before any route runs', async () => {
      const { firewall, recorded } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.use(echo);
      const server = await serve(app);
      try {
        const reply = await send(server.url, { path: '/items/%2e%2e%2fadmin' });
        const decision = recorded.byRequestId(single(reply, 'x-request-id'));
        assert.equal(reply.status, 400);
        assert.ok(decision.response !== undefined);
        assertRendered(reply, decision.response);
      } finally {
        await server.close();
      }
    });

    test('an unexpected failure inside Portcullis fails closed with 503 and reveals nothing', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      let handled = 0;
      let errors = 0;
      app.use(portcullis(brokenFirewall(firewall)));
      app.use((_req, res) => {
        handled++;
        res.end('handler');
      });
      app.use((_error: unknown, _req: Request, res: Response, _next: () => void) => {
        errors++;
        res.status(500).end();
      });
      const server = await serve(app);
      try {
        const reply = await send(server.url, { path: '/items' });
        assertRendered(reply, renderUnavailable());
        assert.doesNotMatch(reply.body, /secret/);
        assert.equal(handled, 0);
        assert.equal(errors, 0, 'next(err) must not be called with internals');
      } finally {
        await server.close();
      }
    });

    test('an error thrown by the handler stays the application’s, not a Portcullis 503', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.get('/items', () => {
        throw new Error('handler bug');
      });
      app.use((_error: unknown, _req: Request, res: Response, _next: () => void) => {
        res.status(500).end('app error handler');
      });
      const server = await serve(app);
      try {
        const reply = await send(server.url, { path: '/items' });
        assert.equal(reply.status, 500);
        assert.equal(reply.body, 'app error handler');
      } finally {
        await server.close();
      }
    });
  });
}
