/**
 * The contract's route table: path templates (whole-segment and mixed variables), the matching
 * order the specification asks for (concrete before templated, with backtracking by method),
 * 405 with Allow, HEAD served by GET, base paths from `servers`, and the real documents' path
 * keys (Box's `#fragment`s, OpenAI's `?query`, Twilio's `{Sid}.json`, GitHub's `{base}...{head}`):
 * every documented operation of every corpus document is reachable at its own path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildContract } from '../src/contract/contract.js';
import { basePathsOf, pathOfServerUrl, stripBasePath } from '../src/routing/base-paths.js';
import { ContractRouter } from '../src/routing/contract-router.js';
import { parsePathTemplate, splitPathKey, type PathTemplate } from '../src/routing/path-template.js';
import { openApiCorpusFiles, readOpenApiCorpus } from '../../../test/support/openapi-corpus.js';

function template(path: string): PathTemplate {
  const parsed = parsePathTemplate(path);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
}

function routerOf(entries: readonly (readonly [string, string])[]): ContractRouter<string> {
  const router = new ContractRouter<string>();
  for (const [method, path] of entries) router.add(template(path), method, `${method} ${path}`);
  return router;
}

describe('path templates', () => {
  it('parses literal, whole-segment and mixed segments', () => {
    const t = template('/repos/{owner}/{repo}/compare/{base}...{head}');
    assert.deepEqual(t.names, ['owner', 'repo', 'base', 'head']);
    assert.deepEqual(
      t.segments.map((s) => s.kind),
      ['literal', 'param', 'param', 'literal', 'mixed'],
    );
  });

  it('refuses malformed templates with a reason', () => {
    for (const bad of ['pets', '/a//b', '/a/{id', '/a/{id}/{id}', '/a/x}y']) {
      const parsed = parsePathTemplate(bad);
      assert.equal(parsed.ok, false, bad);
    }
  });

  it('splits the #fragment and ?query suffixes some documents put in path keys', () => {
    assert.deepEqual(splitPathKey('/files/{file_id}#get_shared_link'), { path: '/files/{file_id}', suffix: '#get_shared_link' });
    assert.deepEqual(splitPathKey('/responses?beta=true'), { path: '/responses', suffix: '?beta=true' });
    assert.deepEqual(splitPathKey('/pets'), { path: '/pets', suffix: undefined });
  });
});

describe('the contract router', () => {
  const router = routerOf([
    ['GET', '/users/me'],
    ['GET', '/users/{id}'],
    ['DELETE', '/users/{id}'],
    ['GET', '/Accounts/{Sid}.json'],
    ['GET', '/Accounts/{Sid}/Calls.json'],
    ['GET', '/compare/{base}...{head}'],
    ['GET', '/thumbnail.{extension}'],
    ['POST', '/'],
  ]);

  it('prefers a concrete path to a templated one', () => {
    const found = router.find('/users/me', 'GET');
    assert.equal(found.kind, 'found');
    assert.equal(found.kind === 'found' && found.candidate.value, 'GET /users/me');
  });

  it('backtracks to a templated path that documents the method', () => {
    const found = router.find('/users/me', 'DELETE');
    assert.ok(found.kind === 'found');
    assert.equal(found.candidate.value, 'DELETE /users/{id}');
    assert.deepEqual({ ...found.params }, { id: 'me' });
  });

  it('answers 405 with the Allow of the most concrete path when no candidate has the method', () => {
    assert.deepEqual(router.find('/users/me', 'PUT'), { kind: 'method-not-allowed', allow: ['GET', 'HEAD'] });
    assert.deepEqual(router.find('/users/7', 'PATCH'), { kind: 'method-not-allowed', allow: ['DELETE', 'GET', 'HEAD'] });
  });

  it('serves HEAD with GET when HEAD is not documented', () => {
    const found = router.find('/users/7', 'HEAD');
    assert.ok(found.kind === 'found');
    assert.equal(found.candidate.value, 'GET /users/{id}');
  });

  it('matches variables mixed with text inside one segment', () => {
    const twilio = router.find('/Accounts/AC123.json', 'GET');
    assert.ok(twilio.kind === 'found');
    assert.deepEqual({ ...twilio.params }, { Sid: 'AC123' });
    const compare = router.find('/compare/main...feature', 'GET');
    assert.ok(compare.kind === 'found');
    assert.deepEqual({ ...compare.params }, { base: 'main', head: 'feature' });
    const thumbnail = router.find('/thumbnail.png', 'GET');
    assert.ok(thumbnail.kind === 'found');
    assert.deepEqual({ ...thumbnail.params }, { extension: 'png' });
  });

  it('never matches an empty variable, and is case-sensitive', () => {
    assert.equal(router.find('/Accounts/.json', 'GET').kind, 'not-found');
    assert.equal(router.find('/compare/...x', 'GET').kind, 'not-found');
    assert.equal(router.find('/USERS/me', 'GET').kind, 'not-found');
    assert.equal(router.find('/users', 'GET').kind, 'not-found');
    assert.equal(router.find('/users/7/extra', 'GET').kind, 'not-found');
  });

  it('routes the root path', () => {
    const found = router.find('/', 'POST');
    assert.ok(found.kind === 'found');
    assert.equal(found.candidate.value, 'POST /');
  });

  it('keeps the first of two templates of the same shape and method', () => {
    const r = new ContractRouter<string>();
    assert.equal(r.add(template('/orgs/{org}/attestations/{attestation_id}'), 'GET', 'first'), undefined);
    assert.equal(r.add(template('/orgs/{org}/attestations/{subject_digest}'), 'GET', 'second')?.value, 'first');
    assert.equal(r.add(template('/orgs/{org}/attestations/{subject_digest}'), 'DELETE', 'third'), undefined);
    const found = r.find('/orgs/o/attestations/sha256:abc', 'DELETE');
    assert.ok(found.kind === 'found');
    // Each template keeps its own variable names, though they share one branch of the trie.
    assert.deepEqual({ ...found.params }, { org: 'o', subject_digest: 'sha256:abc' });
  });

  it('bounds the work on a path of very many segments', () => {
    assert.equal(router.find(`/${'a/'.repeat(5000)}b`, 'GET').kind, 'not-found');
  });
});

describe('base paths from servers', () => {
  const warnings: { code: string }[] = [];
  const locate = (p: string): string => `doc${p.slice(1)}`;

  it('takes the path of absolute and relative server URLs', () => {
    assert.equal(pathOfServerUrl('https://api.github.com'), '');
    assert.equal(pathOfServerUrl('http://petstore.swagger.io/v1'), '/v1');
    assert.equal(pathOfServerUrl('/api/v2/'), '/api/v2');
    assert.equal(pathOfServerUrl('v3'), '/v3');
  });

  it('expands server variables with their defaults, longest base first', () => {
    const bases = basePathsOf(
      [{ url: 'https://{region}.example.com/{basePath}', variables: { region: { default: 'eu' }, basePath: { default: 'v1' } } }, { url: '/' }],
      locate,
      warnings as never,
    );
    assert.deepEqual(bases, ['/v1', '']);
  });

  it('warns about a variable without a default and does not use that server', () => {
    const list: { code: string; location: string }[] = [];
    assert.deepEqual(basePathsOf([{ url: '/{version}' }], locate, list as never), ['']);
    assert.equal(list[0]?.code, 'server-variable-without-default');
    assert.equal(list[0]?.location, 'doc/servers/0/url');
  });

  it('strips a base path only on a segment boundary', () => {
    assert.equal(stripBasePath('/v1/pets', ['/v1']), '/pets');
    assert.equal(stripBasePath('/v1', ['/v1']), '/');
    assert.equal(stripBasePath('/v10/pets', ['/v1']), undefined);
    assert.equal(stripBasePath('/pets', ['/v1']), undefined);
    assert.equal(stripBasePath('/pets', ['']), '/pets');
  });
});

/** A concrete path for a template: each variable gets a value no literal segment of a real document uses. */
function concretePath(templatePath: string): string {
  let n = 0;
  return templatePath.replace(/\{[^{}]+\}/g, () => `v${n++}q`);
}

describe('every operation of every corpus document is reachable at its own path', () => {
  for (const name of openApiCorpusFiles()) {
    it(name, () => {
      const contract = buildContract(readOpenApiCorpus(name), { baseDir: undefined, basePath: undefined });
      let checked = 0;
      for (const entry of contract.operations) {
        const path = concretePath(entry.template);
        const found = contract.router.find(path, entry.method);
        assert.ok(found.kind === 'found', `${entry.method} ${entry.template}: ${found.kind}`);
        assert.equal(found.candidate.value.template, entry.template, `${entry.method} ${path}`);
        checked++;
      }
      const duplicates = contract.warnings.filter((w) => w.code === 'duplicate-operation').length;
      const documented = Object.values((contract.document.root['paths'] ?? {}) as Record<string, Record<string, unknown>>).reduce(
        (sum, item) => sum + ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].filter((m) => item[m] !== undefined).length,
        0,
      );
      // Operations the router cannot tell apart are reported, never silently dropped.
      assert.equal(checked + duplicates, documented);
    });
  }
});
