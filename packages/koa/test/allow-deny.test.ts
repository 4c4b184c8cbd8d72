import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderUnavailable, type Decision } from '@portcullis/core';
import type { ParameterizedContext } from 'koa';
import { portcullis } from '../src/index.js';
import { brokenFirewall, testFirewall } from '../../../test/support/adapter-kit/firewall.js';
import { KOA_VERSIONS, type KoaApp, type KoaClass } from './support/frameworks.js';
import { applicationHeaders, send, serve, single, type Reply } from '../../../test/support/adapter-kit/http.js';

/** The handler sees the decision through the typed `ctx.state.portcullis`. */
function echo(ctx: ParameterizedContext): void {
  const decision: Decision | undefined = ctx.state.portcullis;
  ctx.set('x-app', 'original');
  ctx.body = { outcome: decision?.outcome ?? null, requestId: decision?.requestId ?? null, route: decision?.route?.id ?? null };
}

function assertRendered(reply: Reply, rendered: NonNullable<Decision['response']>, head = false): void {
  assert.equal(reply.status, rendered.status);
  assert.equal(reply.body, rendered.body);
  const expected = rendered.headers.filter(([name]) => name !== 'connection').map(([n, v]) => [n, v] as const);
  const withoutLength = head || rendered.status === 204 || rendered.status === 304;
  assert.deepEqual(applicationHeaders(reply), withoutLength ? expected : [...expected, ['content-length', String(Buffer.byteLength(rendered.body))]]);
}

function app(Koa: KoaClass): KoaApp {
  const koa = new Koa();
  // Errors are asserted through responses; Koa's default logging would only add noise.
  koa.silent = true;
  return koa;
}

for (const [name, Koa] of KOA_VERSIONS) {
  describe(`${name}: allow and deny`, () => {
    test('an allowed request reaches the handler with the decision on ctx.state.portcullis', async () => {
      const { firewall, recorded } = await testFirewall();
      const koa = app(Koa);
      koa.use(portcullis(firewall));
      koa.use(echo);
      const server = await serve(koa.callback());
      try {
        const reply = await send(server.url, { path: '/items?page=2' });
        assert.equal(reply.status, 200);
        const seen = JSON.parse(reply.body) as { outcome: string; requestId: string; route: string };
        assert.deepEqual(seen, { outcome: 'allow', requestId: single(reply, 'x-request-id'), route: 'GET,POST /items' });
        assert.equal(recorded.byRequestId(seen.requestId).outcome, 'allow');
        assert.equal(single(reply, 'x-frame-options'), 'DENY');
        assert.equal(single(reply, 'x-app'), 'original');
      } finally {
        await server.close();
      }
    });

    test("a denial is core's rendered response, byte for byte, and the handler never runs", async () => {
      const { firewall, recorded } = await testFirewall();
      const koa = app(Koa);
      let handled = 0;
      koa.use(async (ctx, next) => {
        // Set by a middleware before Portcullis: not part of core's answer.
        ctx.set('x-earlier', 'yes');
        await next();
      });
      koa.use(portcullis(firewall));
      koa.use((ctx) => {
        handled++;
        ctx.body = 'handler';
      });
      const server = await serve(koa.callback());
      try {
        const reply = await send(server.url, { method: 'DELETE', path: '/items' });
        const decision = recorded.byRequestId(single(reply, 'x-request-id'));
        assert.equal(decision.code, 'method_not_allowed');
        assert.ok(decision.response !== undefined);
        assertRendered(reply, decision.response);
        assert.equal(single(reply, 'content-type'), 'application/problem+json');
        assert.equal(single(reply, 'allow'), 'GET, HEAD, POST');
        assert.equal(handled, 0);
      } finally {
        await server.close();
      }
    });

    test('a denied HEAD request has an empty body and the headers core rendered', async () => {
      const { firewall, recorded } = await testFirewall();
      const koa = app(Koa);
      koa.use(portcullis(firewall));
      koa.use(echo);
      const server = await serve(koa.callback());
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
      const koa = app(Koa);
      koa.use(portcullis(firewall));
      koa.use(echo);
      const server = await serve(koa.callback());
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
      const koa = app(Koa);
      let handled = 0;
      let errors = 0;
      koa.on('error', () => errors++);
      koa.use(portcullis(brokenFirewall(firewall)));
      koa.use((ctx) => {
        handled++;
        ctx.body = 'handler';
      });
      const server = await serve(koa.callback());
      try {
        const reply = await send(server.url, { path: '/items' });
        assertRendered(reply, renderUnavailable());
        assert.doesNotMatch(reply.body, /secret/);
        assert.equal(handled, 0);
        assert.equal(errors, 0, 'the failure must not reach Koa as an error');
      } finally {
        await server.close();
      }
    });

    test('an error thrown by the handler stays the application’s, not a Portcullis 503', async () => {
      const { firewall } = await testFirewall();
      const koa = app(Koa);
      koa.use(async (ctx, next) => {
        try {
          await next();
        } catch {
          ctx.status = 500;
          ctx.body = 'app error handler';
        }
      });
      koa.use(portcullis(firewall));
      koa.use(() => {
        throw new Error('handler bug');
      });
      const server = await serve(koa.callback());
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
