import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ParameterizedContext } from 'koa';
import { portcullis } from '../src/index.js';
import { testFirewall } from '../../../test/support/adapter-kit/firewall.js';
import { KOA_VERSIONS, type KoaApp, type KoaClass } from './support/frameworks.js';
import { nestedJson, send, serve, single } from '../../../test/support/adapter-kit/http.js';
import { jsonReader } from './support/json-reader.js';

interface RequestWithBody {
  body?: unknown;
  rawBody?: string;
}

/** Reports the body the handler got and whether it is the very value Portcullis validated. */
function bodyEcho(ctx: ParameterizedContext): void {
  const request = ctx.request as unknown as RequestWithBody;
  const validated = ctx.state.portcullis?.body;
  const same = validated !== undefined && 'value' in validated && validated.value === request.body;
  ctx.body = { kind: validated?.kind ?? null, same, body: request.body ?? null, rawBody: request.rawBody ?? null };
}

function app(Koa: KoaClass): KoaApp {
  const koa = new Koa();
  koa.silent = true;
  return koa;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

for (const [name, Koa] of KOA_VERSIONS) {
  describe(`${name}: request bodies`, { timeout: 20_000 }, () => {
    test('without a body parser, the JSON body Portcullis validated is ctx.request.body, with rawBody', async () => {
      const { firewall } = await testFirewall();
      const koa = app(Koa);
      koa.use(portcullis(firewall));
      koa.use(bodyEcho);
      const server = await serve(koa.callback());
      try {
        const text = '{"name":"widget","tags":["a","b"]}';
        const reply = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, body: text });
        assert.equal(reply.status, 200);
        assert.deepEqual(JSON.parse(reply.body), { kind: 'json', same: true, body: { name: 'widget', tags: ['a', 'b'] }, rawBody: text });
      } finally {
        await server.close();
      }
    });

    test('a too-deep JSON body is refused before the handler runs', async () => {
      const { firewall } = await testFirewall();
      const koa = app(Koa);
      koa.use(portcullis(firewall));
      koa.use(bodyEcho);
      const server = await serve(koa.callback());
      try {
        const reply = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, body: nestedJson(100) });
        assert.equal(reply.status, 400);
        assert.equal(JSON.parse(reply.body).code, 'json_too_deep');
      } finally {
        await server.close();
      }
    });

    test('with a body parser BEFORE Portcullis, the framework-parsed object is what gets validated', async () => {
      const { firewall } = await testFirewall();
      const koa = app(Koa);
      koa.use(jsonReader());
      koa.use(portcullis(firewall));
      koa.use(bodyEcho);
      const server = await serve(koa.callback());
      try {
        const deep = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, body: nestedJson(100) });
        assert.equal(deep.status, 400);
        assert.equal(JSON.parse(deep.body).code, 'json_too_deep');

        const polluted = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, body: '{"a":{"constructor":{"prototype":{"admin":true}}}}' });
        assert.equal(polluted.status, 400);
        assert.equal(JSON.parse(polluted.body).code, 'json_forbidden_key');

        const fine = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, body: '{"name":"widget"}' });
        assert.equal(fine.status, 200);
        assert.deepEqual(JSON.parse(fine.body), { kind: 'framework', same: true, body: { name: 'widget' }, rawBody: '{"name":"widget"}' });
      } finally {
        await server.close();
      }
    });

    test('with a body parser AFTER Portcullis, nothing hangs and the handler gets the validated value', async () => {
      const { firewall } = await testFirewall();
      const koa = app(Koa);
      koa.use(portcullis(firewall));
      koa.use(jsonReader());
      koa.use(bodyEcho);
      const server = await serve(koa.callback());
      try {
        const json = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, body: '{"n":1}' });
        assert.deepEqual(JSON.parse(json.body), { kind: 'json', same: true, body: { n: 1 }, rawBody: '{"n":1}' });

        const chunked = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, chunks: ['{"n":', '2}'] });
        assert.deepEqual(JSON.parse(chunked.body), { kind: 'json', same: true, body: { n: 2 }, rawBody: '{"n":2}' });

        const form = await send(server.url, { method: 'POST', path: '/items', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=2&b=3' });
        assert.deepEqual(JSON.parse(form.body), { kind: 'form', same: true, body: { a: '1', b: ['2', '3'] }, rawBody: 'a=1&b=2&b=3' });

        const text = await send(server.url, { method: 'POST', path: '/items', headers: { 'content-type': 'text/plain' }, body: 'hello' });
        assert.deepEqual(JSON.parse(text.body), { kind: 'text', same: true, body: 'hello', rawBody: 'hello' });
      } finally {
        await server.close();
      }
    });

    test('a media type Portcullis does not parse is left on the stream for the application', async () => {
      const { firewall } = await testFirewall();
      const koa = app(Koa);
      koa.use(portcullis(firewall));
      koa.use(async (ctx) => {
        const parts: Buffer[] = [];
        for await (const chunk of ctx.req) parts.push(chunk as Buffer);
        ctx.body = { kind: ctx.state.portcullis?.body?.kind ?? null, read: Buffer.concat(parts).toString('utf8') };
      });
      const server = await serve(koa.callback());
      try {
        const reply = await send(server.url, { method: 'POST', path: '/items', headers: { 'content-type': 'application/octet-stream' }, body: 'raw bytes' });
        assert.deepEqual(JSON.parse(reply.body), { kind: 'unread', read: 'raw bytes' });
      } finally {
        await server.close();
      }
    });

    test('an oversized chunked body gets 413 with Connection: close, without hanging', async () => {
      const { firewall } = await testFirewall();
      const koa = app(Koa);
      let handled = 0;
      koa.use(portcullis(firewall));
      koa.use(jsonReader());
      koa.use((ctx) => {
        handled++;
        ctx.body = 'handler';
      });
      const server = await serve(koa.callback());
      try {
        const piece = `"${'x'.repeat(1022)}"`;
        const reply = await send(server.url, { method: 'POST', path: '/upload', headers: JSON_HEADERS, chunks: Array.from({ length: 64 }, () => piece) });
        assert.equal(reply.status, 413);
        assert.equal(JSON.parse(reply.body).code, 'body_too_large');
        assert.equal(single(reply, 'connection'), 'close');
        assert.equal(handled, 0);
      } finally {
        await server.close();
      }
    });
  });
}
