/**
 * Every real document of the corpus through the whole guard and the real engine: it loads and
 * compiles eagerly (`ready()`), and one request per documented operation — its path with values
 * made from the path parameters' schemas, a JSON body when it takes one — is decided without a
 * guard error: an allow, or a 4xx that names what the contract refused. Security is satisfied by
 * an identity holding every scope and role the document mentions, so that validation is reached.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createFirewall, type Firewall } from '@portcullis/core';
import { testGuard } from './support/test-guard.js';
import { openapi } from '../src/index.js';
import { buildContract } from '../src/contract/contract.js';
import { openApiCorpusFiles, readOpenApiCorpus } from '../../../test/support/openapi-corpus.js';

const firewalls: Firewall[] = [];
after(() => Promise.all(firewalls.map((f) => f.close())));

/** Every string in every `security` requirement of the document: scopes (or 3.1 roles). */
function grantsOf(document: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) {
      if (key === 'security') for (const requirement of value) for (const list of Object.values(requirement as Record<string, string[]>)) for (const scope of list) found.add(scope);
      else for (const item of value) visit(item, '');
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (k !== 'example' && k !== 'examples') visit(v, k);
    }
  };
  visit(document, '');
  return [...found];
}

function everyone(grants: readonly string[]) {
  return testGuard({
    id: 'corpus-identity',
    phase: 'identity',
    evaluate: () => ({ outcome: 'allow', identity: { method: 'jwt', subject: 'corpus', clientId: 'corpus', scopes: grants, roles: grants, claims: {} } }),
  });
}

/** A value for a path variable: an integer parses as one, and any string schema takes it. */
function pathValue(index: number): string {
  return String(index + 1);
}

describe('every corpus document through the guard', () => {
  for (const name of openApiCorpusFiles()) {
    it(`${name}: compiles eagerly and decides a request to each operation without a guard error`, async () => {
      const document = readOpenApiCorpus(name);
      const contract = buildContract(document, { baseDir: undefined, basePath: [''] });
      const firewall = createFirewall({ guards: [everyone(grantsOf(document)), openapi({ document, basePath: '' })] });
      await firewall.ready();
      firewalls.push(firewall);
      const codes = new Map<string, number>();
      for (const entry of contract.operations) {
        let n = 0;
        const path = entry.template.replace(/\{[^{}]+\}/g, () => pathValue(n++));
        const body = ['POST', 'PUT', 'PATCH'].includes(entry.method) ? '{}' : undefined;
        const headers: [string, string][] = body === undefined ? [] : [['content-type', 'application/json'], ['content-length', '2']];
        const decision = await firewall.decide({
          method: entry.method,
          target: path,
          headers,
          remoteAddress: '127.0.0.1',
          ...(body === undefined ? {} : { body: { kind: 'read' as const, result: { kind: 'ok' as const, bytes: new TextEncoder().encode(body) } } }),
        });
        const errors = decision.results.filter((r) => r.outcome === 'error');
        assert.deepEqual(errors, [], `${entry.method} ${path}`);
        const code = decision.code ?? 'allow';
        if (decision.status !== undefined) assert.ok(decision.status >= 400 && decision.status < 500, `${entry.method} ${path}: ${decision.status} ${code}`);
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
      // The guard routed every operation to itself: none of these requests is undocumented.
      assert.equal(codes.get('route_undocumented') ?? 0, 0, JSON.stringify([...codes]));
      assert.equal(codes.get('method_undocumented') ?? 0, 0, JSON.stringify([...codes]));
      if (contract.operations.length > 0) assert.ok((codes.get('allow') ?? 0) + (codes.get('request_invalid') ?? 0) > 0, JSON.stringify([...codes]));
    });
  }
});
