import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { createFirewall, FirewallError, renderUnavailable, type Firewall, type Policy } from '@portcullis/core';
import { portcullis, type PortcullisHonoOptions } from '../src/index.js';
import { buildApp, POLICY } from './app.js';
import { expectedHeaders, recordTargets } from '../../../test/support/adapter-kit/guards-and-client.js';

// In process, with Hono's app.request(): Web-standard Request and Response only.

describe('@portcullis/hono in process (app.request)', () => {
  test('an allowed request reaches the handler with the typed decision', async () => {
    const { app, seen } = buildApp(createFirewall(POLICY));
    const res = await app.request('/hello');
    assert.equal(res.status, 200);
    assert.equal(seen[0]?.decision.outcome, 'allow');
    assert.equal(res.headers.get('x-request-id'), seen[0]?.decision.requestId);
  });

  test('a denied request gets exactly the response core rendered', async () => {
    const firewall = createFirewall(POLICY);
    const { app, seen } = buildApp(firewall);
    const res = await app.request('/blocked', { headers: { 'x-request-id': 'req-deny-2' } });
    const expected = await firewall.decide({ method: 'GET', target: '/blocked', headers: [['x-request-id', 'req-deny-2']], remoteAddress: undefined });
    assert.ok(expected.response !== undefined);
    assert.equal(res.status, expected.response.status);
    assert.equal(await res.text(), expected.response.body);
    const got: Record<string, string> = {};
    res.headers.forEach((value, name) => (got[name] = value));
    assert.deepEqual(got, expectedHeaders(expected.response.headers));
    assert.equal(seen.length, 0);
  });

  test('a HEAD request that is denied has the rendered headers and no body', async () => {
    const { app } = buildApp(createFirewall(POLICY));
    const res = await app.request('/blocked', { method: 'HEAD' });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(await res.text(), '');
  });

  test('c.req.json() returns the very object validated, every time; text() and arrayBuffer() the same bytes', async () => {
    const firewall = createFirewall(POLICY);
    const app = new Hono();
    app.use(portcullis(firewall));
    const text = '{"a":[1,{"b":"ü"}]}';
    app.post('*', async (c) => {
      const validated = c.get('portcullis').body;
      const first: unknown = await c.req.json();
      const second: unknown = await c.req.json();
      const raw = new TextDecoder().decode(await c.req.arrayBuffer());
      return c.json({ same: validated?.kind === 'json' && first === validated.value && second === first, text: await c.req.text(), raw });
    });
    // app.request() builds a Request without Content-Length; a client on the wire sends one.
    const length = String(new TextEncoder().encode(text).byteLength);
    const res = await app.request('/x', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': length }, body: text });
    assert.deepEqual(await res.json(), { same: true, text, raw: text });
  });

  test('a form body is the request\'s validated form (c.req.valid), and parseBody() reads the same bytes', async () => {
    const app = new Hono();
    app.use(portcullis(createFirewall(POLICY)));
    app.post('*', async (c) => {
      const validated = c.get('portcullis').body;
      const form = (c.req as unknown as { valid(target: 'form'): unknown }).valid('form');
      return c.json({ same: validated?.kind === 'form' && form === validated.value, form, parsed: await c.req.parseBody({ all: true }) });
    });
    const body = 'a=1&b=2&b=3';
    const res = await app.request('/f', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) }, body });
    assert.deepEqual(await res.json(), { same: true, form: { a: '1', b: ['2', '3'] }, parsed: { a: '1', b: ['2', '3'] } });
  });

  test('a body stream that never ends past the limit gets 413', { timeout: 30_000 }, async () => {
    const { app, seen } = buildApp(createFirewall(POLICY));
    const chunk = new Uint8Array(4096).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(chunk);
      },
    });
    const res = await app.request('/upload', { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body, duplex: 'half' } as RequestInit);
    assert.equal(res.status, 413);
    assert.equal((await res.json()).code, 'body_too_large');
    assert.equal(seen.length, 0);
  });

  test('a response with immutable headers is copied so response hooks still apply', async () => {
    const app = new Hono();
    app.use(portcullis(createFirewall(POLICY)));
    app.get('/redirect', () => Response.redirect('http://127.0.0.1/elsewhere', 302));
    const res = await app.request('/redirect');
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'http://127.0.0.1/elsewhere');
    assert.equal(res.headers.get('x-app'), 'rewritten');
    assert.ok(res.headers.get('x-request-id'));
  });

  test('the client address comes from options.clientAddress when there is no Node socket', async () => {
    const policy: Policy = { ipFilter: { allow: ['10.0.0.0/8'] } };
    const withAddress = buildApp(createFirewall(policy), { clientAddress: () => '10.1.2.3' });
    assert.equal((await withAddress.app.request('/x')).status, 200);
    assert.equal(withAddress.seen[0]?.decision.clientIp, '10.1.2.3');
    const without = buildApp(createFirewall(policy));
    assert.equal((await without.app.request('/x')).status, 403);
    const throwing = buildApp(createFirewall(policy), {
      clientAddress: () => {
        throw new Error('no address');
      },
    });
    assert.equal((await throwing.app.request('/x')).status, 403);
  });

  test('in process, the target is the one Request URL parsing left (dot segments already resolved)', async () => {
    const seenTargets: { target: string; path: string }[] = [];
    const { app } = buildApp(createFirewall({ guards: [recordTargets(seenTargets)] }));
    await app.request('http://localhost/a/../b?q=1');
    assert.deepEqual(seenTargets[0], { target: '/b?q=1', path: '/b' });
  });

  test('an unexpected failure inside the adapter path answers 503 without reaching the handler', async () => {
    const broken: Firewall = {
      policyVersion: '1',
      ready: async () => undefined,
      decide: async () => {
        throw new Error('boom');
      },
      begin: async () => {
        throw new Error('boom');
      },
      update: async () => undefined,
      close: async () => undefined,
    };
    const { app, seen } = buildApp(broken);
    const res = await app.request('/x');
    const expected = renderUnavailable();
    assert.equal(res.status, expected.status);
    assert.equal(await res.text(), expected.body);
    assert.equal(seen.length, 0);
  });

  test('an error thrown by the handler is left to Hono\'s error handling', async () => {
    const app = new Hono();
    app.use(portcullis(createFirewall(POLICY)));
    app.get('/fail', () => {
      throw new Error('handler failed');
    });
    app.onError((_error, c) => c.text('handled by the app', 500));
    const res = await app.request('/fail');
    assert.equal(res.status, 500);
    assert.equal(await res.text(), 'handled by the app');
    assert.equal(res.headers.get('x-app'), 'rewritten');
  });

  test('misuse is refused when the middleware is created', () => {
    assert.throws(() => portcullis({} as Firewall), (error: unknown) => error instanceof FirewallError && error.code === 'ERR_ADAPTER_MISUSE');
    assert.throws(
      () => portcullis(createFirewall({}), { clientAddress: 'x' } as unknown as PortcullisHonoOptions),
      (error: unknown) => error instanceof FirewallError && error.code === 'ERR_ADAPTER_MISUSE',
    );
  });
});
