import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { portcullis } from '../src/index.js';
import { testFirewall } from '../../../test/support/adapter-kit/firewall.js';
import { KOA_VERSIONS, type KoaApp, type KoaClass } from './support/frameworks.js';
import { send, serve, single } from '../../../test/support/adapter-kit/http.js';
import { assertTlsPeerAnnotations, tlsExchange } from '../../../test/support/adapter-kit/tls.js';


function app(Koa: KoaClass): KoaApp {
  const koa = new Koa();
  koa.silent = true;
  return koa;
}

async function tlsExchangeWith(Koa: KoaClass, withClientCertificate: boolean): Promise<Record<string, unknown>> {
  const { firewall } = await testFirewall();
  const koa = app(Koa);
  koa.use(portcullis(firewall));
  koa.use((ctx) => {
    ctx.body = ctx.state.portcullis?.annotations ?? null;
  });
  return tlsExchange(koa.callback(), withClientCertificate);
}

for (const [name, Koa] of KOA_VERSIONS) {
  describe(`${name}: routing and the connection`, () => {
    test('a target rewritten before Portcullis (as koa-mount does) does not change what it routes on', async () => {
      const { firewall, recorded } = await testFirewall({ unmatchedRoutes: 'deny' });
      const koa = app(Koa);
      koa.use(async (ctx, next) => {
        // koa-mount strips its prefix by assigning ctx.path, which rewrites ctx.req.url.
        if (ctx.path.startsWith('/api/')) ctx.path = ctx.path.slice('/api'.length);
        await next();
      });
      koa.use(portcullis(firewall));
      koa.use((ctx) => {
        ctx.body = { url: ctx.url, route: ctx.state.portcullis?.route?.id ?? null, path: ctx.state.portcullis?.path ?? null };
      });
      const server = await serve(koa.callback());
      try {
        const allowed = await send(server.url, { path: '/api/items?x=1' });
        assert.equal(allowed.status, 200);
        assert.deepEqual(JSON.parse(allowed.body), { url: '/items?x=1', route: 'GET /api/items', path: '/api/items' });

        // Only GET is allowed on /api/items; the rewritten `/items` would have allowed POST.
        const refused = await send(server.url, { method: 'POST', path: '/api/items' });
        assert.equal(refused.status, 405);
        assert.equal(recorded.byRequestId(single(refused, 'x-request-id')).code, 'method_not_allowed');
      } finally {
        await server.close();
      }
    });

    test('the socket address is the remote address core sees', async () => {
      const { firewall } = await testFirewall();
      const koa = app(Koa);
      koa.use(portcullis(firewall));
      koa.use((ctx) => {
        ctx.body = { clientIp: ctx.state.portcullis?.clientIp ?? null };
      });
      const server = await serve(koa.callback());
      try {
        const reply = await send(server.url, { path: '/items', headers: { 'x-forwarded-for': '203.0.113.9' } });
        assert.deepEqual(JSON.parse(reply.body), { clientIp: '127.0.0.1' });
      } finally {
        await server.close();
      }
    });

    test('the TLS client certificate reaches guards through request.tls()', async () => {
      const withCert = await tlsExchangeWith(Koa, true);
      const withoutCert = await tlsExchangeWith(Koa, false);
      assertTlsPeerAnnotations(withCert, withoutCert);
    });
  });
}
