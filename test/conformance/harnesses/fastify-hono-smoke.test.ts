/**
 * Smoke test of the Fastify and Hono conformance harnesses: each one starts, lets an allowed
 * request reach the echo handler with the decision, and answers a denial with core's problem+json.
 * The full scenarios live in the conformance suite; this only proves the harnesses keep their
 * contract.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createFirewall, type Firewall } from '@portcullis/core';
import { NotApplicable, type EchoBody, type Harness } from '../harness.js';
import { fastifyHarnesses } from './fastify.js';
import { honoHarnesses } from './hono.js';

async function firewall(): Promise<Firewall> {
  const fw = createFirewall({ routes: [{ path: '/items', methods: ['GET', 'POST'] }] });
  await fw.ready();
  return fw;
}

const harnesses: Harness[] = [...fastifyHarnesses, ...honoHarnesses];

test('there is one harness per framework major', () => {
  assert.deepEqual(
    harnesses.map((h) => h.name),
    ['fastify@4', 'fastify@5', 'hono@4'],
  );
});

for (const harness of harnesses) {
  describe(harness.name, () => {
    test('an allowed request reaches the echo handler with the decision', async () => {
      const fw = await firewall();
      const app = await harness.start(fw);
      try {
        const response = await fetch(`${app.url}/items?q=1`);
        assert.equal(response.status, 200);
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
        await fw.close();
      }
    });

    test("a denied request gets core's problem+json and never reaches the handler", async () => {
      const fw = await firewall();
      const app = await harness.start(fw);
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
        await fw.close();
      }
    });

    test('a JSON body reaches the handler as the object Portcullis validated', async () => {
      const fw = await firewall();
      const app = await harness.start(fw);
      try {
        const response = await fetch(`${app.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":[1,2]}' });
        assert.equal(response.status, 200);
        const echo = (await response.json()) as EchoBody;
        assert.deepEqual(echo.body, { a: [1, 2] });
        assert.equal(echo.sameBodyAsValidated, true);
      } finally {
        await app.close();
        await fw.close();
      }
    });

    test('frameworkBodyParser: on Fastify its parser is always there (replaced by Portcullis); on Hono it is not applicable', async () => {
      const fw = await firewall();
      try {
        if (harness.name.startsWith('hono')) {
          await assert.rejects(harness.start(fw, { frameworkBodyParser: true }), NotApplicable);
          return;
        }
        const app = await harness.start(fw, { frameworkBodyParser: true });
        await app.close();
      } finally {
        await fw.close();
      }
    });
  });
}
