import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import { createFirewall } from '@portcullis/core';
import { portcullis } from '../src/index.js';
import { buildApp, POLICY } from './app.js';
import { expectedHeaders, nestedJson, recordHeader, recordTargets, send, sendOversizedChunked, TRANSPORT_HEADERS } from '../../../test/support/adapter-kit/guards-and-client.js';

// Real HTTP through @hono/node-server. Kept apart from the in-process tests: serve() replaces the
// global Request/Response with node-server's lightweight classes for the whole process.

const servers: ServerType[] = [];
after(async () => {
  for (const server of servers) {
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

function listen(app: Hono): Promise<string> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
    servers.push(server);
  });
}

describe('@portcullis/hono on @hono/node-server (real HTTP)', () => {
  test('an allowed request reaches the handler with the typed decision in c.get("portcullis")', async () => {
    const { app, seen } = buildApp(createFirewall(POLICY));
    const url = await listen(app);
    const res = await send(url, { path: '/hello?x=1' });
    assert.equal(res.status, 200);
    const decision = seen[0]?.decision;
    assert.equal(decision?.outcome, 'allow');
    assert.equal(decision?.path, '/hello');
    assert.equal(decision?.clientIp, '127.0.0.1');
    assert.equal(res.headers['x-request-id'], decision?.requestId);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  test('a denied request gets exactly the response core rendered, and the handler never runs', async () => {
    const firewall = createFirewall(POLICY);
    const { app, seen } = buildApp(firewall);
    const url = await listen(app);
    const headers = { 'x-request-id': 'req-deny-1' };
    const res = await send(url, { path: '/blocked', headers });
    const expected = await firewall.decide({ method: 'GET', target: '/blocked', headers: Object.entries(headers), remoteAddress: '127.0.0.1' });
    assert.ok(expected.response !== undefined);
    assert.equal(res.status, expected.response.status);
    assert.equal(res.body, expected.response.body);
    const want = expectedHeaders(expected.response.headers);
    for (const [name, value] of Object.entries(want)) assert.equal(res.headers[name], value, name);
    for (const name of Object.keys(res.headers)) assert.ok(name in want || TRANSPORT_HEADERS.has(name), `unexpected header ${name}`);
    assert.equal(seen.length, 0);
  });

  test('a JSON body reaches the handler as the very object Portcullis validated', async () => {
    const { app, seen } = buildApp(createFirewall(POLICY));
    const url = await listen(app);
    const res = await send(url, { method: 'POST', path: '/items', headers: { 'content-type': 'application/json' }, body: '{"name":"a","tags":[1,2]}' });
    assert.equal(res.status, 200);
    assert.deepEqual(seen[0]?.body, { name: 'a', tags: [1, 2] });
    assert.equal(seen[0]?.same, true);
  });

  test('too-deep JSON is refused with core\'s problem response', async () => {
    const { app, seen } = buildApp(createFirewall(POLICY));
    const url = await listen(app);
    const res = await send(url, { method: 'POST', path: '/items', headers: { 'content-type': 'application/json' }, body: nestedJson(10) });
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    assert.equal(JSON.parse(res.body).code, 'json_too_deep');
    assert.equal(seen.length, 0);
  });

  test('malformed JSON gets core\'s 400 problem', async () => {
    const { app, seen } = buildApp(createFirewall(POLICY));
    const url = await listen(app);
    const res = await send(url, { method: 'POST', path: '/items', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).code, 'json_invalid');
    assert.equal(seen.length, 0);
  });

  test('an oversized chunked body gets 413 while it is still being sent', { timeout: 30_000 }, async () => {
    const { app, seen } = buildApp(createFirewall(POLICY));
    const url = await listen(app);
    const res = await sendOversizedChunked(url, '/upload');
    assert.equal(res.status, 413);
    assert.equal(JSON.parse(res.body).code, 'body_too_large');
    assert.equal(seen.length, 0);
  });

  test('a response hook rewrites a header the handler set, and x-powered-by is removed', async () => {
    const { app } = buildApp(createFirewall(POLICY));
    const url = await listen(app);
    const res = await send(url, { path: '/anything' });
    assert.equal(res.headers['x-app'], 'rewritten');
    assert.equal(res.headers['x-powered-by'], undefined);
    assert.equal(res.headers['content-type'], 'application/json');
  });

  test('the engine sees the raw request-target: /a/../b stays as sent, and is normalized to /b', async () => {
    const seenTargets: { target: string; path: string }[] = [];
    const { app } = buildApp(createFirewall({ guards: [recordTargets(seenTargets)] }));
    const url = await listen(app);
    await send(url, { path: '/a/../b' });
    assert.deepEqual(seenTargets[0], { target: '/a/../b', path: '/b' });
  });

  test('repeated request headers reach the engine as separate fields (rawHeaders)', async () => {
    const seenValues: (readonly string[])[] = [];
    const { app } = buildApp(createFirewall({ guards: [recordHeader('x-dup', seenValues)] }));
    const url = await listen(app);
    const res = await send(url, { path: '/x', headers: { 'x-dup': ['a', 'b'] } });
    assert.equal(res.status, 200);
    assert.deepEqual(seenValues[0], ['a', 'b']);
  });

  test('a HEAD request gets the response phase too', async () => {
    const { app } = buildApp(createFirewall(POLICY));
    const url = await listen(app);
    const res = await send(url, { method: 'HEAD', path: '/anything' });
    assert.equal(res.status, 200);
    assert.equal(res.body, '');
    assert.equal(res.headers['x-app'], 'rewritten');
    assert.equal(res.headers['x-powered-by'], undefined);
    assert.ok(res.headers['x-request-id']);
  });

  test('a HEAD request to a handler that builds its own Response gets the response phase too', async () => {
    const { app } = buildApp(createFirewall(POLICY), undefined, (hono) => {
      hono.get('/own', () => new Response('hi', { headers: { 'x-app': 'original', 'x-powered-by': 'test' } }));
    });
    const url = await listen(app);
    for (const method of ['GET', 'HEAD']) {
      const res = await send(url, { method, path: '/own' });
      assert.equal(res.headers['x-app'], 'rewritten', method);
      assert.equal(res.headers['x-powered-by'], undefined, method);
      assert.ok(res.headers['x-request-id'], method);
    }
  });

  test('@hono/node-server answers a backslash or "*" target itself, before Hono and Portcullis (documented)', async () => {
    const { app, seen } = buildApp(createFirewall(POLICY));
    const url = await listen(app);
    for (const path of ['/admin\\x', '*']) {
      const res = await send(url, { path });
      assert.equal(res.status, 400, path);
      assert.equal(res.headers['x-request-id'], undefined, path);
    }
    assert.equal(seen.length, 0);
  });

  test('a GET body (which @hono/node-server does not put in the Request) is still read and checked', async () => {
    const { app, seen } = buildApp(createFirewall(POLICY));
    const url = await listen(app);
    // Node's client sends a GET body without framing unless told its length.
    const bad = await send(url, { method: 'GET', path: '/q', headers: { 'content-type': 'application/json', 'content-length': '5' }, body: '{"a":' });
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).code, 'json_invalid');
    const good = await send(url, { method: 'GET', path: '/q', headers: { 'content-type': 'application/json', 'content-length': '7' }, body: '{"a":1}' });
    assert.equal(good.status, 200);
    assert.deepEqual(seen[0]?.body, { a: 1 });
    assert.equal(seen[0]?.same, true);
  });

  test('form and text bodies stay readable through HonoRequest after Portcullis read them', async () => {
    const { app, seen } = buildApp(createFirewall(POLICY));
    const url = await listen(app);
    await send(url, { method: 'POST', path: '/f', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=2&b=3' });
    await send(url, { method: 'POST', path: '/t', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    assert.deepEqual({ ...(seen[0]?.body as object) }, { a: '1', b: ['2', '3'] });
    assert.equal(seen[1]?.body, 'hello');
    assert.equal(seen[1]?.same, true);
  });
  test('the firewall reads the body from the Node request, and c.req.raw still reads those very bytes', async () => {
    const firewall = createFirewall(POLICY);
    const app = new Hono();
    app.use(portcullis(firewall));
    app.post('/raw', async (c) => {
      // Through HonoRequest (the validated object) and through the Web Request (the same bytes).
      const parsed: unknown = await c.req.json();
      const rawText = await c.req.raw.text();
      return c.json({ parsed, rawText, source: c.get('portcullis').body?.kind });
    });
    const url = await listen(app);
    const sent = '{"name":"caf\u00e9","n":[1,2]}';
    const res = await send(url, { method: 'POST', path: '/raw', headers: { 'content-type': 'application/json' }, body: sent });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { parsed: { name: 'café', n: [1, 2] }, rawText: sent, source: 'json' });
  });

  test('a body an earlier middleware already read through c.req.raw is never taken for an empty one', async () => {
    const firewall = createFirewall(POLICY);
    const app = new Hono();
    const reached: unknown[] = [];
    app.use(async (c, next) => {
      // Consumes the Node request through the Web Request before Portcullis runs.
      await c.req.raw.arrayBuffer();
      await next();
    });
    app.use(portcullis(firewall));
    app.all('*', (c) => {
      reached.push(c.get('portcullis').body?.kind);
      return c.json({ ok: true });
    });
    const url = await listen(app);
    // Too deep for the policy: had the firewall read the ended Node stream, it would have seen no body.
    const res = await send(url, { method: 'POST', path: '/late', headers: { 'content-type': 'application/json' }, body: nestedJson(10) });
    assert.notEqual(res.status, 200);
    assert.deepEqual(reached, []);
  });
});

