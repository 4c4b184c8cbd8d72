import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { portcullis } from '../src/index.js';
import { testFirewall } from '../../../test/support/adapter-kit/firewall.js';
import { EXPRESS_VERSIONS } from './support/frameworks.js';
import { send, serve, single } from '../../../test/support/adapter-kit/http.js';

for (const [name, express] of EXPRESS_VERSIONS) {
  describe(`${name}: response phase`, () => {
    test("a guard's response hook rewrites a header the handler set (res.send)", async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.get('/rewrite', (_req, res) => {
        res.set('x-app', 'original').send('body');
      });
      const server = await serve(app);
      try {
        const reply = await send(server.url, { path: '/rewrite' });
        assert.equal(reply.status, 200);
        assert.equal(reply.body, 'body');
        assert.equal(single(reply, 'x-app'), 'rewritten');
      } finally {
        await server.close();
      }
    });

    test('hooks see headers given to res.writeHead(status, headers) and keep that status', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.get('/rewrite', (_req, res) => {
        res.writeHead(201, { 'x-app': 'original', 'x-powered-by': 'handler', 'x-kept': 'yes' });
        res.end('created');
      });
      const server = await serve(app);
      try {
        const reply = await send(server.url, { path: '/rewrite' });
        assert.equal(reply.status, 201);
        assert.equal(reply.body, 'created');
        assert.equal(single(reply, 'x-app'), 'rewritten');
        assert.equal(single(reply, 'x-kept'), 'yes');
        assert.equal(single(reply, 'x-powered-by'), undefined);
      } finally {
        await server.close();
      }
    });

    test('hooks see a flat header list and a reason phrase given to res.writeHead', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.get('/rewrite', (_req, res) => {
        res.writeHead(202, 'Taken', ['x-app', 'original', 'x-multi', 'a', 'x-multi', 'b']);
        res.end();
      });
      const server = await serve(app);
      try {
        const reply = await send(server.url, { path: '/rewrite' });
        assert.equal(reply.status, 202);
        assert.equal(single(reply, 'x-app'), 'rewritten');
        assert.deepEqual(reply.headerList.filter(([n]) => n === 'x-multi').map(([, v]) => v), ['a', 'b']);
      } finally {
        await server.close();
      }
    });

    test('default security headers remove X-Powered-By (Express’s own and the handler’s)', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.get('/items', (_req, res) => {
        res.json({ ok: true });
      });
      app.get('/own', (_req, res) => {
        res.setHeader('x-powered-by', 'handler');
        res.json({ ok: true });
      });
      const server = await serve(app);
      try {
        const plain = await send(server.url, { path: '/items' });
        assert.equal(plain.status, 200);
        assert.equal(single(plain, 'x-powered-by'), undefined);
        const own = await send(server.url, { path: '/own' });
        assert.equal(own.status, 200);
        assert.equal(single(own, 'x-powered-by'), undefined);
        assert.equal(single(own, 'content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
      } finally {
        await server.close();
      }
    });

    test('with security headers turned off, the response is left as the application wrote it', async () => {
      const { firewall } = await testFirewall({ securityHeaders: false });
      const app = express();
      app.use(portcullis(firewall));
      app.get('/items', (_req, res) => {
        res.json({ ok: true });
      });
      const server = await serve(app);
      try {
        const reply = await send(server.url, { path: '/items' });
        assert.equal(single(reply, 'x-powered-by'), 'Express');
        assert.equal(single(reply, 'x-frame-options'), undefined);
      } finally {
        await server.close();
      }
    });

    test('an error response written by Express also goes through the hooks', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.get('/rewrite', (_req, res, next) => {
        res.setHeader('x-app', 'original');
        next(new Error('boom'));
      });
      app.use((_error: unknown, _req: unknown, res: { status(code: number): { end(body: string): void } }, _next: unknown) => {
        res.status(500).end('failed');
      });
      const server = await serve(app);
      try {
        const reply = await send(server.url, { path: '/rewrite' });
        assert.equal(reply.status, 500);
        assert.equal(single(reply, 'x-app'), 'rewritten');
      } finally {
        await server.close();
      }
    });
  });
}
