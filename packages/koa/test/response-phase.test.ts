import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { portcullis } from '../src/index.js';
import { testFirewall } from '../../../test/support/adapter-kit/firewall.js';
import { KOA_VERSIONS, type KoaApp, type KoaClass } from './support/frameworks.js';
import { send, serve, single } from '../../../test/support/adapter-kit/http.js';

function app(Koa: KoaClass): KoaApp {
  const koa = new Koa();
  koa.silent = true;
  return koa;
}

for (const [name, Koa] of KOA_VERSIONS) {
  describe(`${name}: response phase`, () => {
    test("a guard's response hook rewrites a header the handler set", async () => {
      const { firewall } = await testFirewall();
      const koa = app(Koa);
      koa.use(portcullis(firewall));
      koa.use((ctx) => {
        ctx.set('x-app', 'original');
        ctx.body = 'body';
      });
      const server = await serve(koa.callback());
      try {
        const reply = await send(server.url, { path: '/rewrite' });
        assert.equal(reply.status, 200);
        assert.equal(reply.body, 'body');
        assert.equal(single(reply, 'x-app'), 'rewritten');
      } finally {
        await server.close();
      }
    });

    test('default security headers remove X-Powered-By, even one added on the way out by an earlier middleware', async () => {
      const { firewall } = await testFirewall();
      const koa = app(Koa);
      koa.use(async (ctx, next) => {
        await next();
        ctx.set('x-powered-by', 'outer');
      });
      koa.use(portcullis(firewall));
      koa.use((ctx) => {
        ctx.set('x-powered-by', 'handler');
        ctx.body = { ok: true };
      });
      const server = await serve(koa.callback());
      try {
        const reply = await send(server.url, { path: '/items' });
        assert.equal(reply.status, 200);
        assert.equal(single(reply, 'x-powered-by'), undefined);
        assert.equal(single(reply, 'content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
      } finally {
        await server.close();
      }
    });

    test('with security headers turned off, the response is left as the application wrote it', async () => {
      const { firewall } = await testFirewall({ securityHeaders: false });
      const koa = app(Koa);
      koa.use(portcullis(firewall));
      koa.use((ctx) => {
        ctx.set('x-powered-by', 'handler');
        ctx.body = { ok: true };
      });
      const server = await serve(koa.callback());
      try {
        const reply = await send(server.url, { path: '/items' });
        assert.equal(single(reply, 'x-powered-by'), 'handler');
        assert.equal(single(reply, 'x-frame-options'), undefined);
      } finally {
        await server.close();
      }
    });

    test("Koa's own error answer goes through the hooks too", async () => {
      const { firewall } = await testFirewall();
      const koa = app(Koa);
      koa.use(portcullis(firewall));
      koa.use((ctx) => {
        ctx.throw(409, 'conflict', { headers: { 'x-app': 'original' } });
      });
      const server = await serve(koa.callback());
      try {
        const reply = await send(server.url, { path: '/rewrite' });
        assert.equal(reply.status, 409);
        assert.equal(single(reply, 'x-app'), 'rewritten');
      } finally {
        await server.close();
      }
    });

    test('a handler that writes the Node response itself (ctx.respond = false) goes through the hooks', async () => {
      const { firewall } = await testFirewall();
      const koa = app(Koa);
      koa.use(portcullis(firewall));
      koa.use((ctx) => {
        ctx.respond = false;
        ctx.res.writeHead(201, { 'x-app': 'original', 'x-powered-by': 'handler' });
        ctx.res.end('created');
      });
      const server = await serve(koa.callback());
      try {
        const reply = await send(server.url, { path: '/rewrite' });
        assert.equal(reply.status, 201);
        assert.equal(reply.body, 'created');
        assert.equal(single(reply, 'x-app'), 'rewritten');
        assert.equal(single(reply, 'x-powered-by'), undefined);
      } finally {
        await server.close();
      }
    });
  });
}
