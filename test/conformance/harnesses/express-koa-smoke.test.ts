/**
 * Smoke test of the Express and Koa conformance harnesses: each one starts, lets an allowed request
 * reach the echo handler with the decision, and answers a denial with core's problem+json. The full
 * scenarios live in the conformance suite; this only proves the harnesses keep their contract.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createFirewall, type Firewall } from '@portcullis/core';
import type { EchoBody, Harness } from '../harness.js';
import { expressHarnesses } from './express.js';
import { koaHarnesses } from './koa.js';

async function firewall(): Promise<Firewall> {
  const fw = createFirewall({ routes: [{ path: '/items', methods: ['GET', 'POST'] }] });
  await fw.ready();
  return fw;
}

const harnesses: Harness[] = [...expressHarnesses, ...koaHarnesses];

test('there is one harness per framework major', () => {
  assert.deepEqual(
    harnesses.map((h) => h.name),
    ['express@4', 'express@5', 'koa@2', 'koa@3'],
  );
});

for (const harness of harnesses) {
  describe(harness.name, () => {
    test('an allowed request reaches the echo handler with the decision', async () => {
      const app = await harness.start(await firewall());
      try {
        const response = await fetch(`${app.url}/items?q=1`);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('content-type'), 'application/json');
        assert.equal(response.headers.get('x-app'), 'original');
        // Default security headers remove it in the response phase.
        assert.equal(response.headers.get('x-powered-by'), null);
        const echo = (await response.json()) as EchoBody;
        assert.deepEqual(echo, {
          handled: true,
          method: 'GET',
          body: null,
          sameBodyAsValidated: false,
          decision: { outcome: 'allow', guard: null, code: null, route: 'GET,POST /items' },
        });
      } finally {
        await app.close();
      }
    });

    test("a denied request gets core's problem+json and never reaches the handler", async () => {
      const app = await harness.start(await firewall());
      try {
        const response = await fetch(`${app.url}/items`, { method: 'DELETE' });
        assert.equal(response.status, 405);
        assert.equal(response.headers.get('content-type'), 'application/problem+json');
        assert.equal(response.headers.get('x-app'), null);
        const problem = (await response.json()) as Record<string, unknown>;
        assert.equal(problem['code'], 'method_not_allowed');
        assert.equal(problem['requestId'], response.headers.get('x-request-id'));
      } finally {
        await app.close();
      }
    });

    test('a JSON body reaches the handler as the object Portcullis validated, with or without a framework parser', async () => {
      for (const frameworkBodyParser of [false, true]) {
        const app = await harness.start(await firewall(), { frameworkBodyParser });
        try {
          const response = await fetch(`${app.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":[1,2]}' });
          assert.equal(response.status, 200);
          const echo = (await response.json()) as EchoBody;
          assert.deepEqual(echo.body, { a: [1, 2] });
          assert.equal(echo.sameBodyAsValidated, true, `frameworkBodyParser: ${frameworkBodyParser}`);
        } finally {
          await app.close();
        }
      }
    });
  });
}
