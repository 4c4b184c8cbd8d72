/**
 * Hostile input through the contract guard and the real engine: seeded, generated requests (paths
 * built from the documents' own templates with arbitrary segments, query strings with brackets,
 * escapes, repeats and delimiters, arbitrary headers and cookies, bodies of any media type). Whatever
 * is sent, the answer is an allow or a 4xx problem — never a guard error, never a 5xx, never an echo of
 * what was sent.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { createFirewall, type Decision, type Firewall } from '@portcullis/core';
import { openapi } from '../src/index.js';
import { readOpenApiCorpus } from '../../../test/support/openapi-corpus.js';

const STYLES = {
  openapi: '3.1.0',
  info: { title: 'styles', version: '1' },
  paths: {
    '/items/{id}': {
      get: {
        parameters: [
          { name: 'id', in: 'path', required: true, style: 'label', explode: true, schema: { type: 'array', items: { type: 'integer' } } },
          { name: 'filter', in: 'query', style: 'deepObject', explode: true, schema: { type: 'object', properties: { color: { type: 'string', enum: ['red', 'blue'] }, size: { type: 'integer' } } } },
          { name: 'tags', in: 'query', style: 'pipeDelimited', explode: false, schema: { type: 'array', items: { type: 'string', maxLength: 8 } } },
          { name: 'words', in: 'query', style: 'spaceDelimited', explode: false, schema: { type: 'array', items: { type: 'string' } } },
          { name: 'q', in: 'query', content: { 'application/json': { schema: { type: 'object', properties: { a: { type: 'number' } } } } } },
          { name: 'x-trace', in: 'header', schema: { type: 'string', format: 'uuid' } },
          { name: 'session', in: 'cookie', schema: { type: 'string', pattern: '^[a-f0-9]{8}$' } },
        ],
        responses: { '200': { description: 'ok' } },
      },
    },
    '/m/{coords}': {
      get: { parameters: [{ name: 'coords', in: 'path', required: true, style: 'matrix', explode: false, schema: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } } }], responses: { '200': { description: 'ok' } } },
    },
    '/forms': {
      post: {
        requestBody: {
          content: {
            'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { metadata: { type: 'object', additionalProperties: { type: 'string' } }, n: { type: 'integer' } } }, encoding: { metadata: { style: 'deepObject', explode: true } } },
            'application/json': { schema: { type: 'object', required: ['a'], properties: { a: { type: 'array', items: { type: 'object', properties: { b: { type: ['string', 'null'] } } } } } } },
            'text/plain': { schema: { type: 'string', maxLength: 20 } },
            'multipart/form-data': { schema: { type: 'object' } },
          },
        },
        responses: { '200': { description: 'ok' } },
      },
    },
  },
};

const DOCUMENTS = [
  { name: 'styles', document: STYLES as Record<string, unknown>, base: '' },
  { name: 'petstore', document: readOpenApiCorpus('oai-petstore-3.0.yaml'), base: '/v1' },
  { name: 'museum', document: readOpenApiCorpus('redocly-museum-3.1.yaml'), base: '' },
];

const firewalls: Firewall[] = [];
after(() => Promise.all(firewalls.map((f) => f.close())));

const MARKER = 'Zq9MARK';
const segment = fc.oneof(
  fc.constantFrom('items', 'm', 'forms', 'pets', 'v1', 'museum-hours', 'special-events', 'tickets', '.5', ';x=1,y=2', ';coords=x,1,y,2', '.1.2.3', '%2e%2e', '%00', '%ff', MARKER),
  fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)),
);
const queryKey = fc.oneof(fc.constantFrom('filter[color]', 'filter[size]', 'filter[__proto__][x]', 'filter[a][b][c][d][e][f][g][h][i]', 'tags', 'words', 'q', 'limit', '__proto__', 'constructor', 'date', 'page', MARKER), fc.string({ maxLength: 8 }));
const queryValue = fc.oneof(
  fc.constantFrom('red', 'blue', '1', '-0', '1e3', 'a|b|c', 'a%7Cb', 'a+b%20c', '{"a":1}', '{"a":"x"}', '[', '%', '%zz', '%C0%AF', `${MARKER}-value`, 'true', ''),
  fc.string({ maxLength: 16 }),
);
const query = fc.array(fc.tuple(queryKey, queryValue), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k).replaceAll('%5B', '[').replaceAll('%5D', ']')}=${v}`).join('&'));
const contentType = fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/vnd.x+json', 'application/octet-stream', 'text/plain; charset=latin1', 'nonsense');
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 4 }),
  fc.constantFrom('metadata[k]=v&n=3', 'metadata[__proto__][x]=1', 'n=abc&n=2', '{"a":[{"b":null}]}', `{"a":[{"b":"${MARKER}"}]}`, '{"__proto__":{"x":1}}', '{"a":1,"a":2}', '[]', 'null', MARKER),
  fc.string({ maxLength: 40 }),
);
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
  segments: fc.array(segment, { minLength: 1, maxLength: 5 }),
  query,
  contentType,
  body,
  trace: fc.option(fc.oneof(fc.uuid(), fc.string({ maxLength: 20 }))),
  cookie: fc.option(fc.oneof(fc.constantFrom('session=deadbeef', 'session=a; session=b', `session=${MARKER}`), fc.string({ maxLength: 20 }))),
});

describe('seeded hostile requests through the contract guard', () => {
  for (const { name, document, base } of DOCUMENTS) {
    it(`${name}: every answer is an allow or a 4xx problem that echoes nothing`, async () => {
      const firewall = createFirewall({ guards: [openapi({ document, security: {}, undocumented: 'deny' })], routes: [] });
      await firewall.ready();
      firewalls.push(firewall);
      const encoder = new TextEncoder();
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const target = `${base}/${r.segments.join('/')}${r.query === '' ? '' : `?${r.query}`}`;
          const headers: [string, string][] = [];
          if (r.trace !== null) headers.push(['x-trace', r.trace]);
          if (r.cookie !== null) headers.push(['cookie', r.cookie]);
          let decision: Decision;
          if (r.body === undefined) {
            decision = await firewall.decide({ method: r.method, target, headers, remoteAddress: '127.0.0.1' });
          } else {
            const bytes = encoder.encode(r.body);
            if (r.contentType !== undefined) headers.push(['content-type', r.contentType]);
            headers.push(['content-length', String(bytes.byteLength)]);
            decision = await firewall.decide({ method: r.method, target, headers, remoteAddress: '127.0.0.1', body: { kind: 'read', result: { kind: 'ok', bytes } } });
          }
          assert.deepEqual(decision.results.filter((result) => result.outcome === 'error'), [], target);
          if (decision.response !== undefined) {
            refused++;
            assert.ok(decision.response.status >= 400 && decision.response.status < 500, `${decision.response.status} ${decision.code} for ${target}`);
            assert.ok(!decision.response.body.includes(MARKER), `echo in ${decision.response.body}`);
          }
        }),
        { seed: 0x0a9e_2026, numRuns: 1500 },
      );
      assert.ok(refused > 100, `the generator reaches refusals (${refused})`);
    });
  }
});
