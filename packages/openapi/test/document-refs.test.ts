/**
 * Bundling of external `$ref`s: every file placed once under `#/x-portcullis-bundled/<n>`, refs
 * rewritten (relative to the file they appear in), cycles across files kept as refs, broken and
 * remote refs refused at the location of the `$ref`, pointer escaping, the caller's object left
 * untouched, and describe() translating bundled pointers back to files.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDocument } from '../src/document/load-document.js';
import { resolveInternalRef } from '../src/document/json-pointer.js';
import { DocumentError, type LoadedDocument } from '../src/document/types.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/documents/', import.meta.url));

type Doc = Record<string, unknown>;

/** Follows a pointer path of plain keys (test convenience). */
function at(value: unknown, ...keys: Array<string | number>): unknown {
  let current = value;
  for (const key of keys) current = (current as Record<string | number, unknown>)[key];
  return current;
}

function refAt(loaded: LoadedDocument, ...keys: Array<string | number>): string {
  const ref = at(loaded.root, ...keys, '$ref');
  assert.equal(typeof ref, 'string', `no $ref at ${keys.join('/')}`);
  return ref as string;
}

/** Every `$ref` string in a value (walks everything, including data: the fixture has none there). */
function allRefs(value: unknown, out: string[] = [], seen = new Set<unknown>()): string[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return out;
  seen.add(value);
  for (const [key, child] of Object.entries(value)) {
    if (key === '$ref' && typeof child === 'string') out.push(child);
    else allRefs(child, out, seen);
  }
  return out;
}

function assertDocumentError(run: () => unknown, location: string, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DocumentError, `expected DocumentError, got ${String(error)}`);
    assert.equal(error.location, location);
    assert.match(error.message, message);
    return true;
  });
}

describe('bundling a multi-file document', () => {
  const loaded = loadDocument(`${FIXTURES}multi/api.yaml`);
  const bundled = loaded.root['x-portcullis-bundled'] as unknown[];

  it('loads each external file once, whatever the number of refs to it', () => {
    // paths/pets.yaml, parameters.yaml, schemas/pet.yaml, ../common-defs/common.yaml, schemas/defs.json, schemas/owner.yaml
    assert.equal(bundled.length, 6);
    const petRefs = allRefs(loaded.root).filter((ref) => ref === '#/x-portcullis-bundled/2');
    // from the root, from paths/pets.yaml and from schemas/owner.yaml
    assert.equal(petRefs.length, 3);
  });

  it('leaves only internal refs reachable from the root, and each resolves', () => {
    const reachable = allRefs(loaded.root).filter((ref) => ref !== 'never-loaded.yaml');
    assert.ok(reachable.length > 0);
    for (const ref of reachable) {
      assert.ok(ref.startsWith('#/'), ref);
      assert.ok(resolveInternalRef(loaded.root, ref) !== undefined, `${ref} does not resolve`);
    }
  });

  it('rewrites refs of the root, with and without pointers, and ../ paths', () => {
    const get = ['paths', '/pets/{id}', 'get'];
    assert.equal(refAt(loaded, 'paths', '/pets'), '#/x-portcullis-bundled/0');
    assert.equal(refAt(loaded, ...get, 'parameters', 0), '#/x-portcullis-bundled/1/limit');
    assert.equal(refAt(loaded, ...get, 'responses', '200', 'content', 'application/json', 'schema'), '#/x-portcullis-bundled/2');
    assert.equal(refAt(loaded, ...get, 'responses', '500', 'content', 'application/problem+json', 'schema'), '#/x-portcullis-bundled/3/components/schemas/Problem');
    assert.equal(refAt(loaded, ...get, 'responses', 'default', 'content', 'application/json', 'schema'), '#/x-portcullis-bundled/4/Error');
    assert.deepEqual(at(loaded.root, 'x-portcullis-bundled', 1, 'limit'), { name: 'limit', in: 'query', schema: { type: 'integer' } });
  });

  it('resolves refs inside an external file relative to that file, including back to the root', () => {
    const pets = ['x-portcullis-bundled', 0, 'get', 'responses'];
    assert.equal(refAt(loaded, ...pets, '200', 'content', 'application/json', 'schema', 'items'), '#/x-portcullis-bundled/2');
    assert.equal(refAt(loaded, ...pets, '204', 'content', 'text/plain', 'schema'), '#/components/schemas/Local');
  });

  it('rewrites a file-internal ref to point into that file in the bundle', () => {
    assert.equal(refAt(loaded, 'x-portcullis-bundled', 2, 'properties', 'tags', 'items'), '#/x-portcullis-bundled/2/definitions/Tag');
    assert.equal(refAt(loaded, 'x-portcullis-bundled', 2, 'properties', 'error'), '#/x-portcullis-bundled/4/Error');
  });

  it('keeps a cycle across files as refs (pet -> owner -> pet)', () => {
    assert.equal(refAt(loaded, 'x-portcullis-bundled', 2, 'properties', 'owner'), '#/x-portcullis-bundled/5');
    assert.equal(refAt(loaded, 'x-portcullis-bundled', 5, 'properties', 'pets', 'items'), '#/x-portcullis-bundled/2');
  });

  it('keeps internal refs of the root verbatim', () => {
    assert.equal(refAt(loaded, 'components', 'schemas', 'Alias'), '#/components/schemas/Local');
  });

  it('does not walk parts of an external file nothing refers to', () => {
    assert.equal(refAt(loaded, 'x-portcullis-bundled', 4, 'Unused'), 'never-loaded.yaml');
  });

  it('describes root pointers by file name and bundled pointers by their file path', () => {
    assert.equal(loaded.describe('#/paths/~1pets~1{id}/get'), 'api.yaml#/paths/~1pets~1{id}/get');
    assert.equal(loaded.describe('/components'), 'api.yaml#/components');
    assert.equal(loaded.describe('#/x-portcullis-bundled/0/get/responses'), 'paths/pets.yaml#/get/responses');
    assert.equal(loaded.describe('#/x-portcullis-bundled/2/properties/id'), 'schemas/pet.yaml#/properties/id');
    assert.equal(loaded.describe('#/x-portcullis-bundled/3'), '../common-defs/common.yaml#');
    assert.equal(loaded.describe('#/x-portcullis-bundled/4/Error'), 'schemas/defs.json#/Error');
    assert.equal(loaded.describe('#/x-portcullis-bundled/99/a'), 'api.yaml#/x-portcullis-bundled/99/a');
  });

  it('checks structure inside bundled files and names the file in the error', () => {
    const source = {
      openapi: '3.0.3',
      info: {},
      paths: { '/a': { get: { parameters: [{ $ref: 'multi/schemas/defs.json#/Error' }], responses: {} } } },
    };
    assertDocumentError(() => loadDocument(source, { baseDir: FIXTURES }), 'multi/schemas/defs.json#/Error/name', /non-empty string `name`/);
  });
});

describe('bundling an object source', () => {
  it('resolves relative refs against baseDir and labels files relative to it', () => {
    const source = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      components: { schemas: { Pet: { $ref: './multi/schemas/pet.yaml' } } },
    };
    const loaded = loadDocument(source, { baseDir: FIXTURES });
    assert.equal(refAt(loaded, 'components', 'schemas', 'Pet'), '#/x-portcullis-bundled/0');
    assert.equal(loaded.describe('#/x-portcullis-bundled/0/properties'), 'multi/schemas/pet.yaml#/properties');
    assert.equal(loaded.describe('#/components'), 'document#/components');
  });

  it('never mutates the caller\'s object (deep-frozen) and shares nothing it rewrote', () => {
    const deepFreeze = <T>(value: T): T => {
      if (value !== null && typeof value === 'object') {
        for (const child of Object.values(value)) deepFreeze(child);
        Object.freeze(value);
      }
      return value;
    };
    const plain = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: { '/pets': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: 'multi/schemas/pet.yaml' } } } } } } } },
      components: { schemas: { Local: { type: 'string' }, Ref: { $ref: '#/components/schemas/Local' } } },
    };
    const snapshot = structuredClone(plain);
    const source = deepFreeze(plain);
    const loaded = loadDocument(source, { baseDir: FIXTURES });
    assert.deepEqual(source, snapshot);
    assert.notEqual(loaded.root, source);
    assert.equal(source['paths']['/pets'].get.responses['200'].content['application/json'].schema.$ref, 'multi/schemas/pet.yaml');
    assert.equal(refAt(loaded, 'paths', '/pets', 'get', 'responses', '200', 'content', 'application/json', 'schema'), '#/x-portcullis-bundled/0');
    assert.equal((source as Doc)['x-portcullis-bundled'], undefined);
  });

  it('re-loads an already bundled root, appending new files after the existing ones', () => {
    const first = loadDocument({ openapi: '3.1.0', info: {}, components: { schemas: { Pet: { $ref: 'multi/schemas/pet.yaml' } } } }, { baseDir: FIXTURES });
    const again = loadDocument({ ...first.root, components: { schemas: { ...((first.root['components'] as Doc)['schemas'] as Doc), Problem: { $ref: 'common-defs/common.yaml#/components/schemas/Problem' } } } }, { baseDir: FIXTURES });
    const bundled = again.root['x-portcullis-bundled'] as unknown[];
    const before = (first.root['x-portcullis-bundled'] as unknown[]).length;
    assert.equal(bundled.length, before + 1);
    assert.equal(refAt(again, 'components', 'schemas', 'Problem'), `#/x-portcullis-bundled/${before}/components/schemas/Problem`);
    assert.equal(again.describe(`#/x-portcullis-bundled/${before}`), 'common-defs/common.yaml#');
    assert.equal(again.describe('#/x-portcullis-bundled/0'), 'document#/x-portcullis-bundled/0');
  });

  it('refuses a JavaScript-circular object (an already dereferenced document) with an error, not a stack overflow', () => {
    const schema: Doc = { type: 'object' };
    schema['properties'] = { self: schema };
    const source = { openapi: '3.1.0', info: {}, components: { schemas: { Loop: schema } } };
    assert.throws(() => loadDocument(source), (error: unknown) => error instanceof DocumentError && /nested deeper than/.test(error.message));
  });
});

describe('shared objects', () => {
  it('rewrites an external ref shared through a YAML alias once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-alias-'));
    writeFileSync(join(dir, 'pet.yaml'), 'type: object\n');
    writeFileSync(
      join(dir, 'api.yaml'),
      'openapi: 3.1.0\ninfo: {title: t, version: "1"}\ncomponents:\n  schemas:\n    A: &pet {$ref: ./pet.yaml}\n    B: *pet\n',
    );
    let loaded: LoadedDocument;
    try {
      loaded = loadDocument(join(dir, 'api.yaml'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(refAt(loaded, 'components', 'schemas', 'A'), '#/x-portcullis-bundled/0');
    assert.equal(refAt(loaded, 'components', 'schemas', 'B'), '#/x-portcullis-bundled/0');
    assert.equal((loaded.root['x-portcullis-bundled'] as unknown[]).length, 1);
  });

  it('checks a path item shared by paths and components.pathItems once (its operationId is not a duplicate)', () => {
    const source = {
      openapi: '3.1.0',
      info: {},
      paths: { '/a': { $ref: '#/components/pathItems/A' }, '/b': { $ref: '#/components/pathItems/A' } },
      components: { pathItems: { A: { get: { operationId: 'getA' } } } },
    };
    assert.equal(loadDocument(source).version, '3.1');
  });
});

describe('broken and refused external refs', () => {
  it('a missing file is an error at the $ref', () => {
    assertDocumentError(
      () => loadDocument(`${FIXTURES}broken/missing-file.yaml`),
      'missing-file.yaml#/paths/~1a/get/responses/200/content/application~1json/schema/$ref',
      /cannot be loaded: nope\.yaml \(file not found\)/,
    );
  });

  it('a pointer that does not resolve in the file is an error at the $ref', () => {
    assertDocumentError(() => loadDocument(`${FIXTURES}broken/bad-pointer.yaml`), 'bad-pointer.yaml#/components/schemas/A/$ref', /target does not exist: \.\/target\.yaml#\/components\/schemas\/Nope/);
  });

  it('a remote ref is refused, not fetched', () => {
    assertDocumentError(() => loadDocument(`${FIXTURES}broken/remote.yaml`), 'remote.yaml#/components/schemas/A/$ref', /remote references are not fetched: bundle the document/);
  });

  const refused: Array<[string, RegExp]> = [
    ['//example.com/a.yaml', /remote references are not fetched/],
    ['http://example.com/a.yaml#/A', /remote references are not fetched/],
    ['file:///etc/passwd', /not URIs with a scheme/],
    ['urn:example:pet', /not URIs with a scheme/],
    ['/etc/passwd', /absolute paths are not accepted/],
    ['pet.yaml?version=2', /not a plain relative file path/],
  ];
  for (const [ref, message] of refused) {
    it(`refuses ${ref}`, () => {
      const source = { openapi: '3.1.0', info: {}, components: { schemas: { A: { $ref: ref } } } };
      assertDocumentError(() => loadDocument(source, { baseDir: FIXTURES }), 'document#/components/schemas/A/$ref', message);
    });
  }

  it('a parse error in an external file is located in that file', () => {
    const source = { openapi: '3.1.0', info: {}, components: { schemas: { A: { $ref: 'broken/syntax.yaml' } } } };
    assertDocumentError(() => loadDocument(source, { baseDir: FIXTURES }), 'broken/syntax.yaml:5:3', /DUPLICATE_KEY/);
  });
});

describe('JSON pointer escaping in refs', () => {
  const loaded = loadDocument(`${FIXTURES}escaping/api.json`);

  it('resolves ~0, ~1 and percent-encoding, internally and in another file (with a space in its name)', () => {
    const responses = ['paths', '/pets/{id}', 'get', 'responses'];
    assert.equal(refAt(loaded, ...responses, '201'), '#/paths/~1pets~1%7Bid%7D/get/responses/200');
    assert.equal(refAt(loaded, ...responses, '202'), '#/x-portcullis-bundled/0/paths/~1x~1%7Bid%7D/get/responses/200');
    const target = resolveInternalRef(loaded.root, refAt(loaded, ...responses, '202'));
    assert.equal(at(target?.value, 'description'), 'from the other file');
    const inner = refAt(loaded, 'x-portcullis-bundled', 0, 'paths', '/x/{id}', 'get', 'responses', '200', 'content', 'application/json', 'schema');
    assert.equal(inner, '#/x-portcullis-bundled/0/components/schemas/a~0b~1c');
    assert.deepEqual(resolveInternalRef(loaded.root, inner)?.value, { type: 'integer' });
    assert.deepEqual(resolveInternalRef(loaded.root, '#/components/schemas/a~0b~1c')?.value, { type: 'string' });
    assert.equal(loaded.describe('#/x-portcullis-bundled/0/paths'), 'other file.json#/paths');
  });

  it('refuses a malformed escape', () => {
    const source = { openapi: '3.1.0', info: {}, components: { schemas: { 'a~b': {}, A: { $ref: '#/components/schemas/a~b' } } } };
    assertDocumentError(() => loadDocument(source), 'document#/components/schemas/A/$ref', /only JSON-pointer fragments/);
  });
});
