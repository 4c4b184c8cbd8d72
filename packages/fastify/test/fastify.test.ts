import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fastify4 from 'fastify4';
import fastify5 from 'fastify5';
import { createFirewall, FirewallError, renderUnavailable, type Decision, type Firewall, type Policy } from '@portcullis/core';
import { portcullis, portcullisFrameworkErrors } from '../src/index.js';
import { denyAll, expectedHeaders, nestedJson, recordTargets, rewriteXApp, send, sendOversizedChunked, TRANSPORT_HEADERS } from '../../../test/support/adapter-kit/guards-and-client.js';

type Factory = (options?: Record<string, unknown>) => import('fastify').FastifyInstance;

const VERSIONS: [string, Factory][] = [
  ['fastify@4', fastify4 as unknown as Factory],
  ['fastify@5', fastify5 as unknown as Factory],
];

const POLICY: Policy = {
  requestId: { trustIncoming: true },
  limits: { bodyBytes: 1024, jsonDepth: 5 },
  guards: [rewriteXApp()],
  routes: [{ path: '/blocked', guards: [denyAll()] }],
};

/** `app.ready()` as a real Promise (Fastify's is a thenable instance). */
async function ready(app: import('fastify').FastifyInstance): Promise<void> {
  await app.ready();
}

interface Seen {
  decision: Decision | null;
  body: unknown;
  same: boolean;
}

for (const [name, Fastify] of VERSIONS) {
  describe(`@portcullis/fastify on ${name}`, () => {
    const apps: { close(): Promise<unknown> }[] = [];
    after(async () => {
      for (const app of apps) await app.close();
    });

    /** An app with Portcullis registered first and a catch-all handler that records what it got. */
    async function start(registration: { firewall: Firewall } | { policy: Policy }, setup?: (app: import('fastify').FastifyInstance) => void, options: Record<string, unknown> = {}) {
      const app = Fastify({ logger: false, forceCloseConnections: true, ...options });
      apps.push(app);
      await app.register(portcullis, registration);
      const seen: Seen[] = [];
      setup?.(app);
      app.all('/*', async (request, reply) => {
        const decision = request.portcullis;
        const validated = decision?.body;
        seen.push({ decision, body: request.body, same: validated !== undefined && 'value' in validated && validated.value === request.body });
        reply.header('content-type', 'application/json').header('x-app', 'original').header('x-powered-by', 'test');
        return reply.send(Buffer.from(JSON.stringify({ ok: true })));
      });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      assert.ok(address !== null && typeof address === 'object');
      return { app, seen, url: `http://127.0.0.1:${address.port}` };
    }

    test('an allowed request reaches the handler with the typed decision on request.portcullis', async () => {
      const { seen, url } = await start({ firewall: createFirewall(POLICY) });
      const res = await send(url, { path: '/hello?x=1' });
      assert.equal(res.status, 200);
      assert.equal(seen.length, 1);
      const decision = seen[0]?.decision;
      assert.ok(decision !== null && decision !== undefined);
      assert.equal(decision.outcome, 'allow');
      assert.equal(decision.complete, true);
      assert.equal(decision.path, '/hello');
      assert.equal(res.headers['x-request-id'], decision.requestId);
      // Security headers from the decision reached the response.
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
    });

    test('a denied request gets exactly the response core rendered, and the handler never runs', async () => {
      const firewall = createFirewall(POLICY);
      const { seen, url } = await start({ firewall });
      const headers = { 'x-request-id': 'req-deny-1' };
      const res = await send(url, { path: '/blocked', headers });
      const expected = await firewall.decide({ method: 'GET', target: '/blocked', headers: Object.entries(headers), remoteAddress: '127.0.0.1' });
      assert.ok(expected.response !== undefined);
      assert.equal(res.status, expected.response.status);
      assert.equal(res.body, expected.response.body);
      const want = expectedHeaders(expected.response.headers);
      for (const [header, value] of Object.entries(want)) assert.equal(res.headers[header], value, header);
      for (const header of Object.keys(res.headers)) assert.ok(header in want || TRANSPORT_HEADERS.has(header), `unexpected header ${header}`);
      assert.equal(seen.length, 0);
    });

    test('a HEAD request that is denied gets the rendered headers and no body', async () => {
      const { seen, url } = await start({ firewall: createFirewall(POLICY) });
      const res = await send(url, { method: 'HEAD', path: '/blocked' });
      assert.equal(res.status, 403);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.equal(res.body, '');
      assert.equal(seen.length, 0);
    });

    test('a JSON body reaches the handler as the very object Portcullis validated', async () => {
      const { seen, url } = await start({ firewall: createFirewall(POLICY) });
      const res = await send(url, { method: 'POST', path: '/items', headers: { 'content-type': 'application/json' }, body: '{"name":"a","tags":[1,2]}' });
      assert.equal(res.status, 200);
      assert.deepEqual(seen[0]?.body, { name: 'a', tags: [1, 2] });
      assert.equal(seen[0]?.decision?.body?.kind, 'json');
      assert.equal(seen[0]?.same, true);
    });

    test('a GET body, which Fastify does not parse, is still read and checked by the firewall', async () => {
      const { seen, url } = await start({ firewall: createFirewall(POLICY) });
      const bad = await send(url, { method: 'GET', path: '/q', headers: { 'content-type': 'application/json', 'content-length': '5' }, body: '{"a":' });
      assert.equal(bad.status, 400);
      assert.equal(JSON.parse(bad.body).code, 'json_invalid');
      const good = await send(url, { method: 'GET', path: '/q', headers: { 'content-type': 'application/json', 'content-length': '7' }, body: '{"a":1}' });
      assert.equal(good.status, 200);
      assert.deepEqual(seen[0]?.body, { a: 1 });
      assert.equal(seen[0]?.same, true);
    });

    test('+json, form and text bodies are read by Portcullis and handed on', async () => {
      const { seen, url } = await start({ firewall: createFirewall(POLICY) });
      await send(url, { method: 'POST', path: '/a', headers: { 'content-type': 'application/vnd.api+json; charset=utf-8' }, body: '{"a":1}' });
      await send(url, { method: 'POST', path: '/b', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=2&b=3' });
      await send(url, { method: 'POST', path: '/c', headers: { 'content-type': 'text/plain' }, body: 'hello' });
      assert.deepEqual(seen.map((s) => s.decision?.body?.kind), ['json', 'form', 'text']);
      assert.deepEqual(seen[0]?.body, { a: 1 });
      assert.deepEqual({ ...(seen[1]?.body as object) }, { a: '1', b: ['2', '3'] });
      assert.equal(seen[2]?.body, 'hello');
      assert.ok(seen.every((s) => s.same));
    });

    test('too-deep JSON is refused with core\'s problem response', async () => {
      const { seen, url } = await start({ firewall: createFirewall(POLICY) });
      const res = await send(url, { method: 'POST', path: '/items', headers: { 'content-type': 'application/json' }, body: nestedJson(10) });
      assert.equal(res.status, 400);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.equal(JSON.parse(res.body).code, 'json_too_deep');
      assert.equal(seen.length, 0);
    });

    test('malformed JSON gets core\'s 400 problem, not Fastify\'s error format', async () => {
      const { seen, url } = await start({ firewall: createFirewall(POLICY) });
      const res = await send(url, { method: 'POST', path: '/items', headers: { 'content-type': 'application/json' }, body: '{"a":' });
      assert.equal(res.status, 400);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      const problem = JSON.parse(res.body);
      assert.equal(problem.code, 'json_invalid');
      assert.equal(problem.type, 'urn:portcullis:problem:json_invalid');
      assert.equal(problem.statusCode, undefined);
      assert.equal(seen.length, 0);
    });

    test('an oversized chunked body gets 413 while it is still being sent', { timeout: 30_000 }, async () => {
      const { seen, url } = await start({ firewall: createFirewall(POLICY) });
      const res = await sendOversizedChunked(url, '/upload');
      assert.equal(res.status, 413);
      assert.equal(JSON.parse(res.body).code, 'body_too_large');
      assert.equal(res.headers['connection'], 'close');
      assert.equal(seen.length, 0);
    });

    test('a body another parser produced is validated as that object', async () => {
      const { seen, url } = await start({ firewall: createFirewall(POLICY) }, (app) => {
        app.addContentTypeParser('application/x-custom', { parseAs: 'string' }, (_request, body, done) => {
          done(null, JSON.parse(String(body)));
        });
      });
      const ok = await send(url, { method: 'POST', path: '/c', headers: { 'content-type': 'application/x-custom' }, body: '{"a":{"b":1}}' });
      assert.equal(ok.status, 200);
      assert.equal(seen[0]?.decision?.body?.kind, 'framework');
      assert.equal(seen[0]?.same, true);
      const deep = await send(url, { method: 'POST', path: '/c', headers: { 'content-type': 'application/x-custom' }, body: nestedJson(10) });
      assert.equal(deep.status, 400);
      assert.equal(JSON.parse(deep.body).code, 'json_too_deep');
      assert.equal(seen.length, 1);
    });

    test('a response hook rewrites a header the handler set, and x-powered-by is removed', async () => {
      const { url } = await start({ firewall: createFirewall(POLICY) });
      const res = await send(url, { path: '/anything' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-app'], 'rewritten');
      assert.equal(res.headers['x-powered-by'], undefined);
      assert.equal(res.headers['content-type'], 'application/json');
    });

    test('per-route config (config.portcullis) applies to its route only', async () => {
      const { seen, url } = await start({ policy: { guards: [rewriteXApp()] } }, (app) => {
        app.post('/upload', { config: { portcullis: { limits: { bodyBytes: 16 } } } }, async () => ({ uploaded: true }));
        app.get('/admin/:id', { config: { portcullis: { guards: [denyAll()] } } }, async () => ({ admin: true }));
      });
      const big = JSON.stringify({ data: 'x'.repeat(100) });
      const tooLarge = await send(url, { method: 'POST', path: '/upload', headers: { 'content-type': 'application/json' }, body: big });
      assert.equal(tooLarge.status, 413);
      const elsewhere = await send(url, { method: 'POST', path: '/other', headers: { 'content-type': 'application/json' }, body: big });
      assert.equal(elsewhere.status, 200);
      const admin = await send(url, { path: '/admin/7' });
      assert.equal(admin.status, 403);
      assert.equal(JSON.parse(admin.body).code, 'access_denied');
      // Fastify's automatic HEAD route shares the GET route's config.
      const head = await send(url, { method: 'HEAD', path: '/admin/7' });
      assert.equal(head.status, 403);
      assert.equal(seen.length, 1);
    });

    test('the route a per-route config creates is the decision\'s route', async () => {
      let decision: Decision | null = null;
      const { url } = await start({ policy: {} }, (app) => {
        app.get('/users/:id', { config: { portcullis: { id: 'user' } } }, async (request) => {
          decision = request.portcullis;
          return {};
        });
      });
      assert.equal((await send(url, { path: '/users/42' })).status, 200);
      assert.equal((decision as Decision | null)?.route?.id, 'user');
      assert.equal((decision as Decision | null)?.route?.pattern, '/users/:id');
      assert.deepEqual((decision as Decision | null)?.route?.params, { id: '42' });
    });

    test('a bad per-route config fails start-up naming the field and the route', async () => {
      const app = Fastify({ logger: false });
      apps.push(app);
      await app.register(portcullis, { policy: {} });
      app.post('/upload', { config: { portcullis: { limits: { bodyBytes: -1 } } } }, async () => ({}));
      await assert.rejects(ready(app), (error: unknown) => {
        assert.ok(error instanceof FirewallError);
        assert.equal(error.code, 'ERR_POLICY_INVALID');
        assert.equal(error.path, 'config.portcullis.limits.bodyBytes');
        assert.match(error.message, /POST \/upload/);
        return true;
      });
    });

    test('a bad policy value fails start-up with its policy path', async () => {
      const app = Fastify({ logger: false });
      apps.push(app);
      await app.register(portcullis, { policy: { limits: { jsonDepth: 'deep' } } as unknown as Policy });
      await assert.rejects(ready(app), (error: unknown) => error instanceof FirewallError && error.path === 'limits.jsonDepth');
    });

    test('a route with a regular-expression parameter and config.portcullis fails start-up with the reason', async () => {
      const app = Fastify({ logger: false });
      apps.push(app);
      await app.register(portcullis, { policy: {} });
      app.get('/files/:id(^\\d+)', { config: { portcullis: { mode: 'monitor' } } }, async () => ({}));
      await assert.rejects(ready(app), /regular-expression parameters.*GET \/files\/:id/);
    });

    test('config.portcullis with a { firewall } registration is a start-up error that points to { policy }', async () => {
      const app = Fastify({ logger: false });
      apps.push(app);
      await app.register(portcullis, { firewall: createFirewall({}) });
      app.get('/x', { config: { portcullis: { mode: 'monitor' } } }, async () => ({}));
      await assert.rejects(ready(app), (error: unknown) => error instanceof FirewallError && error.code === 'ERR_ADAPTER_MISUSE' && /\{ policy \}/.test(error.message));
    });

    test('registering with neither or both of firewall and policy is refused', async () => {
      const app = Fastify({ logger: false });
      apps.push(app);
      await assert.rejects(
        (async () => {
          await app.register(portcullis, {} as unknown as { policy: Policy });
        })(),
        (error: unknown) => error instanceof FirewallError && error.code === 'ERR_ADAPTER_MISUSE',
      );
    });

    test('a target Fastify routes through ";" is routed the same way by Portcullis', async () => {
      // Fastify 4 splits the path at ";" by default; Fastify 5 only when asked to.
      const options = name === 'fastify@4' ? {} : { routerOptions: { useSemicolonDelimiter: true } };
      const seenTargets: { target: string; path: string }[] = [];
      const { seen, url } = await start(
        { policy: { guards: [recordTargets(seenTargets)] } },
        (app) => {
          app.get('/admin', { config: { portcullis: { guards: [denyAll()] } } }, async () => ({ admin: true }));
        },
        options,
      );
      const res = await send(url, { path: '/admin;jsessionid=1' });
      assert.equal(res.status, 403);
      assert.equal(seenTargets[0]?.path, '/admin');
      assert.equal(seen.length, 0);
    });

    test('the engine sees the raw request-target, dot segments included', async () => {
      const seenTargets: { target: string; path: string }[] = [];
      const { url } = await start({ firewall: createFirewall({ guards: [recordTargets(seenTargets)] }) });
      await send(url, { path: '/a/../b' });
      assert.deepEqual(seenTargets[0], { target: '/a/../b', path: '/b' });
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
      const { seen, url } = await start({ firewall: broken });
      const res = await send(url, { path: '/x' });
      const expected = renderUnavailable();
      assert.equal(res.status, expected.status);
      assert.equal(res.body, expected.body);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.equal(seen.length, 0);
    });

    test('with frameworkErrors: portcullisFrameworkErrors, the firewall answers the URLs Fastify\'s router refuses', async () => {
      const firewall = createFirewall(POLICY);
      const { seen, url } = await start({ firewall }, undefined, { frameworkErrors: portcullisFrameworkErrors });
      const res = await send(url, { path: '/files/%E0%A4%A', headers: { 'x-request-id': 'bad-url-1' } });
      const expected = await firewall.decide({ method: 'GET', target: '/files/%E0%A4%A', headers: [['x-request-id', 'bad-url-1']], remoteAddress: '127.0.0.1' });
      assert.ok(expected.response !== undefined);
      assert.equal(res.status, 400);
      assert.equal(res.body, expected.response.body);
      assert.equal(JSON.parse(res.body).code, 'path_invalid');
      assert.equal(res.headers['x-request-id'], 'bad-url-1');
      assert.ok(!res.body.includes('%E0'), 'the path is not echoed');
      assert.equal(seen.length, 0);
    });

    test('a media type no parser claims, or no Content-Type at all, is left unread for the application', async () => {
      const { seen, url } = await start({ firewall: createFirewall(POLICY) });
      const binary = await send(url, { method: 'POST', path: '/bin', headers: { 'content-type': 'application/octet-stream' }, body: 'xyz' });
      assert.equal(binary.status, 200);
      const untyped = await send(url, { method: 'POST', path: '/bin', body: '{"a":1}' });
      assert.equal(untyped.status, 200);
      assert.deepEqual(seen.map((s) => s.decision?.body?.kind), ['unread', 'unread']);
      assert.deepEqual(seen.map((s) => s.body), [undefined, undefined]);
    });

    test('a malformed Content-Type is refused by the firewall (415 problem), whichever major', async () => {
      const { seen, url } = await start({ firewall: createFirewall(POLICY) });
      const res = await send(url, { method: 'POST', path: '/x', headers: { 'content-type': 'application/' }, body: '{"a":1}' });
      assert.equal(res.status, 415);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.equal(JSON.parse(res.body).code, 'unsupported_media_type');
      assert.equal(seen.length, 0);
    });

    test('Fastify answers an undecodable URL itself, before any Portcullis hook (documented)', async () => {
      const { seen, url } = await start({ firewall: createFirewall(POLICY) }, (app) => {
        app.get('/files/:name', async () => ({}));
      });
      const res = await send(url, { path: '/files/%E0%A4%A' });
      assert.equal(res.status, 400);
      assert.equal(res.headers['x-request-id'], undefined);
      assert.match(res.body, /FST_ERR_BAD_URL/);
      assert.equal(seen.length, 0);
    });
  });
}
