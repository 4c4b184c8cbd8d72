/**
 * A signed JSON POST through real Express 5 and Fastify 5 servers on loopback: the signature is
 * checked before the body is read and the body against its signed Content-Digest, over the real
 * HTTP path of each adapter (Express hands the engine the request stream, Fastify the bytes its
 * content-type parser read). A tampered body is refused with a 401 problem, and so is a replay.
 *
 * NOTE for the lead: this imports the built guard from packages/auth/dist until
 * `signedRequest` and `signRequest` are exported by '@portcullis/auth'; switch the import then.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFirewall, MemoryStore, type Decision, type Firewall } from '@portcullis/core';
import { signRequest, signedRequest } from '@portcullis/auth';
import { expressHarnesses } from '../conformance/harnesses/express.js';
import { fastifyHarnesses } from '../conformance/harnesses/fastify.js';
import type { EchoBody, Harness, RunningApp } from '../conformance/harness.js';
import { send, type Reply } from '../support/adapter-kit/http.js';

const SECRET = 'adapter-test-secret-0123456789abcdef0123';
const PROBLEM_JSON = /^application\/problem\+json/;

function harnessNamed(list: readonly Harness[], name: string): Harness {
  const found = list.find((h) => h.name === name);
  if (found === undefined) throw new Error(`no harness ${name}`);
  return found;
}

interface Signed {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Signs a JSON POST to /orders for a server on `port` (the Host header a Node client sends). */
function signedPost(port: number, payload: unknown, target = '/orders?source=test'): Signed {
  const body = JSON.stringify(payload);
  const headers = { host: `127.0.0.1:${port}`, 'content-type': 'application/json' };
  return { body, headers: { ...headers, ...signRequest({ keyId: 'svc', secret: SECRET, method: 'POST', target, headers, body }) } };
}

function problemCode(reply: Reply): string {
  assert.match(String(reply.headers['content-type']), PROBLEM_JSON);
  return (JSON.parse(reply.body) as { code: string }).code;
}

for (const [list, name] of [[expressHarnesses, 'express@5'], [fastifyHarnesses, 'fastify@5']] as const) {
  describe(`signed requests through ${name}`, () => {
    let app: RunningApp | undefined;
    let firewall: Firewall | undefined;
    const decisions: Decision[] = [];

    const start = async (): Promise<RunningApp> => {
      if (app !== undefined) return app;
      firewall = createFirewall({
        store: new MemoryStore(),
        telemetry: { onDecision: (d) => void decisions.push(d), onDiagnostic: () => undefined },
        routes: [{ path: '/orders', methods: ['POST'], guards: [signedRequest({ keys: [{ id: 'svc', secret: SECRET, clientId: 'billing' }] })] }],
      });
      await firewall.ready();
      app = await harnessNamed(list, name).start(firewall);
      return app;
    };

    after(async () => {
      await app?.close();
      await firewall?.close();
    });

    it('a signed JSON POST reaches the handler with its body and identity', async () => {
      const running = await start();
      const request = signedPost(running.port, { item: 'pen', qty: 2 });
      const reply = await send(running.url, { method: 'POST', path: '/orders?source=test', headers: request.headers, body: request.body });
      assert.equal(reply.status, 200, reply.body);
      const echo = JSON.parse(reply.body) as EchoBody;
      assert.equal(echo.handled, true);
      assert.deepEqual(echo.body, { item: 'pen', qty: 2 });
      assert.equal(echo.decision?.outcome, 'allow');
      const decision = decisions.at(-1) as Decision;
      assert.equal(decision.identity?.method, 'hmac');
      assert.equal(decision.identity?.clientId, 'billing');
    });

    it('a tampered body is refused with a 401 problem and never reaches the handler', async () => {
      const running = await start();
      const request = signedPost(running.port, { item: 'pen', qty: 2 });
      const reply = await send(running.url, { method: 'POST', path: '/orders?source=test', headers: request.headers, body: JSON.stringify({ item: 'pen', qty: 200 }) });
      assert.equal(reply.status, 401);
      assert.equal(problemCode(reply), 'signature_invalid');
      assert.equal(reply.headers['www-authenticate'], 'PC-HMAC-SHA256');
      assert.ok(!reply.body.includes('handled'));
      assert.ok(!reply.body.includes('svc'), 'the key id is not echoed');
      assert.equal((decisions.at(-1) as Decision).annotations['auth.reason'], 'digest-mismatch');
    });

    it('the same signed request sent again is refused as a replay', async () => {
      const running = await start();
      const request = signedPost(running.port, { item: 'ink' });
      const first = await send(running.url, { method: 'POST', path: '/orders?source=test', headers: request.headers, body: request.body });
      assert.equal(first.status, 200, first.body);
      const again = await send(running.url, { method: 'POST', path: '/orders?source=test', headers: request.headers, body: request.body });
      assert.equal(again.status, 401);
      assert.equal(problemCode(again), 'signature_replayed');
    });

    it('a changed query value is refused before the body is read', async () => {
      const running = await start();
      const request = signedPost(running.port, { item: 'pen' });
      const reply = await send(running.url, { method: 'POST', path: '/orders?source=other', headers: request.headers, body: request.body });
      assert.equal(reply.status, 401);
      assert.equal(problemCode(reply), 'signature_invalid');
      assert.equal((decisions.at(-1) as Decision).annotations['auth.reason'], 'mismatch');
    });
  });
}

describe('signed requests behind a framework body parser (express@5 with express.json() first)', () => {
  it('the raw body is gone, so the request is refused as unverifiable, with one diagnostic', async () => {
    const diagnostics: string[] = [];
    const firewall = createFirewall({
      telemetry: { onDecision: () => undefined, onDiagnostic: (d) => void diagnostics.push(d.code) },
      routes: [{ path: '/orders', methods: ['POST'], guards: [signedRequest({ keys: [{ id: 'svc', secret: SECRET }] })] }],
    });
    await firewall.ready();
    const running = await harnessNamed(expressHarnesses, 'express@5').start(firewall, { frameworkBodyParser: true });
    try {
      const request = signedPost(running.port, { item: 'pen' });
      const reply = await send(running.url, { method: 'POST', path: '/orders?source=test', headers: request.headers, body: request.body });
      assert.equal(reply.status, 401);
      assert.equal(problemCode(reply), 'signature_invalid');
      assert.deepEqual(diagnostics.filter((code) => code === 'PC_SIGNATURE_BODY_UNAVAILABLE'), ['PC_SIGNATURE_BODY_UNAVAILABLE']);
    } finally {
      await running.close();
      await firewall.close();
    }
  });
});
