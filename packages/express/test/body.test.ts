import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Request, Response } from 'express-serve-static-core';
import { portcullis } from '../src/index.js';
import { testFirewall } from '../../../test/support/adapter-kit/firewall.js';
import { EXPRESS_VERSIONS } from './support/frameworks.js';
import { nestedJson, send, serve, single } from '../../../test/support/adapter-kit/http.js';

interface Seen {
  readonly kind: string | null;
  readonly same: boolean;
  readonly body: unknown;
  readonly isBuffer?: boolean;
}

/** Reports the body the handler got and whether it is the very value Portcullis validated. */
function bodyEcho(req: Request, res: Response): void {
  const validated = req.portcullis?.body;
  const same = validated !== undefined && 'value' in validated && validated.value === req.body;
  const seen: Seen = { kind: validated?.kind ?? null, same, body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : (req.body ?? null), isBuffer: Buffer.isBuffer(req.body) };
  res.json(seen);
}

const JSON_HEADERS = { 'content-type': 'application/json' };

for (const [name, express] of EXPRESS_VERSIONS) {
  describe(`${name}: request bodies`, { timeout: 20_000 }, () => {
    test('without a body parser, the JSON body Portcullis validated is the object the handler receives', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.post('/items', bodyEcho);
      const server = await serve(app);
      try {
        const reply = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, body: '{"name":"widget","tags":["a","b"]}' });
        assert.equal(reply.status, 200);
        assert.deepEqual(JSON.parse(reply.body), { kind: 'json', same: true, body: { name: 'widget', tags: ['a', 'b'] }, isBuffer: false });
      } finally {
        await server.close();
      }
    });

    test('a too-deep JSON body is refused before the handler runs', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.post('/items', bodyEcho);
      const server = await serve(app);
      try {
        const reply = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, body: nestedJson(100) });
        assert.equal(reply.status, 400);
        assert.equal(JSON.parse(reply.body).code, 'json_too_deep');
      } finally {
        await server.close();
      }
    });

    test('with express.json() BEFORE Portcullis, the framework-parsed object is what gets validated', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(express.json());
      app.use(portcullis(firewall));
      app.post('/items', bodyEcho);
      const server = await serve(app);
      try {
        const deep = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, body: nestedJson(100) });
        assert.equal(deep.status, 400);
        assert.equal(JSON.parse(deep.body).code, 'json_too_deep');

        const polluted = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, body: '{"a":{"constructor":{"prototype":{"admin":true}}}}' });
        assert.equal(polluted.status, 400);
        assert.equal(JSON.parse(polluted.body).code, 'json_forbidden_key');

        const fine = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, body: '{"name":"widget"}' });
        assert.equal(fine.status, 200);
        assert.deepEqual(JSON.parse(fine.body), { kind: 'framework', same: true, body: { name: 'widget' }, isBuffer: false });
      } finally {
        await server.close();
      }
    });

    test('with body parsers AFTER Portcullis, nothing hangs and the handler gets the validated value', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.use(express.json());
      app.use(express.urlencoded({ extended: false }));
      app.use(express.text());
      app.post('/items', bodyEcho);
      const server = await serve(app);
      try {
        const json = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, body: '{"n":1}' });
        assert.deepEqual(JSON.parse(json.body), { kind: 'json', same: true, body: { n: 1 }, isBuffer: false });

        const form = await send(server.url, { method: 'POST', path: '/items', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=2&b=3' });
        assert.deepEqual(JSON.parse(form.body), { kind: 'form', same: true, body: { a: '1', b: ['2', '3'] }, isBuffer: false });

        const text = await send(server.url, { method: 'POST', path: '/items', headers: { 'content-type': 'text/plain' }, body: 'hello' });
        assert.deepEqual(JSON.parse(text.body), { kind: 'text', same: true, body: 'hello', isBuffer: false });

        const chunked = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, chunks: ['{"n":', '2}'] });
        assert.deepEqual(JSON.parse(chunked.body), { kind: 'json', same: true, body: { n: 2 }, isBuffer: false });

        // A chunked body with no bytes: the stream is consumed, and the parser after must not wait
        // for it or fail on it.
        const empty = await send(server.url, { method: 'POST', path: '/items', headers: JSON_HEADERS, chunks: [] });
        assert.equal(empty.status, 200);
        assert.equal(JSON.parse(empty.body).same, false);
      } finally {
        await server.close();
      }
    });

    test('with express.raw() BEFORE Portcullis, the Buffer is handed on untouched (raw bytes are not JSON)', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(express.raw({ type: 'application/octet-stream' }));
      app.use(portcullis(firewall));
      app.post('/items', bodyEcho);
      const server = await serve(app);
      try {
        // More bytes than the JSON key limit: a Buffer walked as an object would be refused.
        const payload = 'b'.repeat(20_000);
        const reply = await send(server.url, { method: 'POST', path: '/items', headers: { 'content-type': 'application/octet-stream' }, body: payload });
        assert.equal(reply.status, 200);
        assert.deepEqual(JSON.parse(reply.body), { kind: 'framework', same: true, body: payload, isBuffer: true });
      } finally {
        await server.close();
      }
    });

    test('a media type Portcullis does not parse is left on the stream for the application', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.use(express.raw({ type: 'application/octet-stream' }));
      app.post('/items', bodyEcho);
      const server = await serve(app);
      try {
        const reply = await send(server.url, { method: 'POST', path: '/items', headers: { 'content-type': 'application/octet-stream' }, body: 'raw bytes' });
        assert.deepEqual(JSON.parse(reply.body), { kind: 'unread', same: false, body: 'raw bytes', isBuffer: true });
      } finally {
        await server.close();
      }
    });

    test('an oversized chunked body gets 413 with Connection: close, without hanging', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      let handled = 0;
      app.use(portcullis(firewall));
      app.use(express.json());
      app.post('/upload', (_req, res) => {
        handled++;
        res.end();
      });
      const server = await serve(app);
      try {
        // 64 KiB in 1 KiB pieces against a 1 KiB limit, with no Content-Length to check up front.
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

    test('a declared oversized body is refused from its Content-Length', async () => {
      const { firewall } = await testFirewall();
      const app = express();
      app.use(portcullis(firewall));
      app.post('/upload', bodyEcho);
      const server = await serve(app);
      try {
        const reply = await send(server.url, { method: 'POST', path: '/upload', headers: JSON_HEADERS, body: JSON.stringify({ data: 'x'.repeat(4096) }) });
        assert.equal(reply.status, 413);
        assert.equal(JSON.parse(reply.body).code, 'body_too_large');
      } finally {
        await server.close();
      }
    });
  });
}
