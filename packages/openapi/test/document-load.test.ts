/**
 * loadDocument(): the sources it accepts (JSON, YAML, object, file: URL), the OpenAPI versions,
 * parse errors located by line, the YAML alias bound, and every structural error and warning
 * with the location it names.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDocument } from '../src/document/load-document.js';
import { DocumentError } from '../src/document/types.js';
import { MAX_WARNINGS_PER_CODE } from '../src/document/warning-list.js';

const FIXTURES = new URL('./fixtures/documents/', import.meta.url);
const fixture = (path: string): string => new URL(path, FIXTURES).pathname;

type Doc = Record<string, unknown>;

function doc(version: string, extra: Doc = {}): Doc {
  return { openapi: version, info: { title: 't', version: '1' }, paths: {}, ...extra };
}

function withOperation(operation: Doc, version = '3.0.3', extra: Doc = {}): Doc {
  return doc(version, { paths: { '/pets': { get: operation } }, ...extra });
}

const okResponses = { '200': { description: 'ok' } };

/** Asserts loadDocument throws a DocumentError at exactly `location` whose message matches. */
function assertDocumentError(run: () => unknown, location: string, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DocumentError, `expected DocumentError, got ${String(error)}`);
    assert.equal(error.location, location);
    assert.match(error.message, message);
    assert.ok(error.message.startsWith(`${location}: `));
    return true;
  });
}

const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-doc-'));
  tempDirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadDocument sources', () => {
  it('loads an object source without touching it and reports its version', () => {
    const source = doc('3.1.0');
    const loaded = loadDocument(source);
    assert.equal(loaded.version, '3.1');
    assert.notEqual(loaded.root, source);
    assert.deepEqual(loaded.root, source);
    assert.deepEqual(loaded.warnings, []);
    assert.equal(loaded.describe('#/paths'), 'document#/paths');
  });

  it('loads a JSON file by path and by file: URL, naming it by its base name', () => {
    const path = tempFile('api.json', JSON.stringify(doc('3.0.3')));
    for (const source of [path, pathToFileURL(path)]) {
      const loaded = loadDocument(source);
      assert.equal(loaded.version, '3.0');
      assert.equal(loaded.root['openapi'], '3.0.3');
      assert.equal(loaded.describe('#/info'), 'api.json#/info');
    }
  });

  it('loads YAML files (.yaml and .yml)', () => {
    const text = 'openapi: 3.1.0\ninfo:\n  title: t\n  version: "1"\npaths:\n  /a: {}\n';
    for (const name of ['api.yaml', 'api.yml']) {
      const loaded = loadDocument(tempFile(name, text));
      assert.equal(loaded.version, '3.1');
      assert.deepEqual(Object.keys(loaded.root['paths'] as Doc), ['/a']);
    }
  });

  it('tries JSON then YAML for an unknown extension', () => {
    assert.equal(loadDocument(fixture('plain/doc.txt')).root['openapi'], '3.1.0');
    assert.equal(loadDocument(fixture('plain/petstore.openapi')).root['openapi'], '3.0.0');
  });

  it('accepts a UTF-8 byte-order mark in a JSON file', () => {
    const path = tempFile('bom.json', `\uFEFF${JSON.stringify(doc('3.1.0'))}`);
    assert.equal(loadDocument(path).version, '3.1');
  });

  it('refuses a non-file URL and a missing file', () => {
    assertDocumentError(() => loadDocument(new URL('https://example.com/api.yaml')), 'https:', /only file: URLs/);
    assertDocumentError(() => loadDocument(fixture('plain/absent.yaml')), 'absent.yaml', /file not found/);
  });

  it('refuses a document that is not an object', () => {
    assertDocumentError(() => loadDocument(tempFile('list.json', '[1, 2]')), 'list.json#', /must be an object/);
  });
});

describe('loadDocument versions', () => {
  for (const [openapi, version] of [['3.0.0', '3.0'], ['3.0.3', '3.0'], ['3.1.0', '3.1'], ['3.1.1', '3.1'], ['3.1.0-rc1', '3.1']] as const) {
    it(`reads openapi ${openapi} as ${version}`, () => {
      assert.equal(loadDocument(doc(openapi)).version, version);
    });
  }

  it('refuses Swagger 2.0 with advice to convert it', () => {
    assertDocumentError(() => loadDocument({ swagger: '2.0', info: {}, paths: {} }), 'document#/swagger', /Swagger 2\.0.*not supported: convert/);
  });

  for (const openapi of ['3.2.0', '2.0', '3.1', 3.1, '4.0.0', undefined]) {
    it(`refuses openapi ${JSON.stringify(openapi)} at #/openapi`, () => {
      const source: Doc = doc('x');
      if (openapi === undefined) delete source['openapi'];
      else source['openapi'] = openapi;
      assertDocumentError(() => loadDocument(source), 'document#/openapi', /3\.0\.x or 3\.1\.x/);
    });
  }
});

describe('loadDocument parse errors', () => {
  it('locates a YAML error by file, line and column', () => {
    assertDocumentError(() => loadDocument(fixture('broken/syntax.yaml')), 'syntax.yaml:5:3', /invalid YAML \(DUPLICATE_KEY\)/);
  });

  it('locates a JSON error by file, line and column without quoting the text', () => {
    assert.throws(
      () => loadDocument(fixture('broken/syntax.json')),
      (error: unknown) => {
        assert.ok(error instanceof DocumentError);
        assert.equal(error.location, 'syntax.json:3:25');
        assert.match(error.message, /invalid JSON/);
        assert.doesNotMatch(error.message, /"title"/);
        return true;
      },
    );
  });

  it('stops a YAML alias bomb with an error instead of expanding it', () => {
    assertDocumentError(() => loadDocument(fixture('broken/alias-bomb.yaml')), 'alias-bomb.yaml', /aliases expand beyond the limit/);
  });

  it('keeps a few YAML aliases and reads custom tags as plain values with a warning', () => {
    const text = [
      'openapi: 3.1.0',
      'info: {title: t, version: "1"}',
      'components:',
      '  schemas:',
      '    Base: &base {type: string}',
      '    Copy: *base',
      '    Tagged: !custom {type: integer}',
      '    Binary: !!binary aGk=',
      '',
    ].join('\n');
    const loaded = loadDocument(tempFile('tags.yaml', text));
    const schemas = (loaded.root['components'] as Doc)['schemas'] as Doc;
    assert.deepEqual(schemas['Copy'], { type: 'string' });
    assert.deepEqual(schemas['Tagged'], { type: 'integer' });
    assert.equal(schemas['Binary'], 'aGk=');
    assert.deepEqual(
      loaded.warnings.map((warning) => [warning.code, warning.location]),
      [['yaml-warning', 'tags.yaml:7:13'], ['yaml-warning', 'tags.yaml:8:13']],
    );
  });
});

describe('loadDocument structural errors', () => {
  const cases: Array<[string, Doc, string, RegExp]> = [
    ['info missing', { openapi: '3.1.0', paths: {} }, 'document#/info', /`info` is required/],
    ['paths missing in 3.0', { openapi: '3.0.0', info: {} }, 'document#/paths', /required in OpenAPI 3\.0/],
    ['paths not an object', doc('3.1.0', { paths: [] }), 'document#/paths', /must be an object/],
    ['path key without /', doc('3.1.0', { paths: { pets: {} } }), 'document#/paths/pets', /start with `\/`/],
    ['path item not an object', doc('3.1.0', { paths: { '/a': 'x' } }), 'document#/paths/~1a', /path item must be an object/],
    ['operation not an object', doc('3.1.0', { paths: { '/a': { get: [] } } }), 'document#/paths/~1a/get', /operation must be an object/],
    [
      'parameter without name',
      withOperation({ parameters: [{ in: 'query' }], responses: okResponses }),
      'document#/paths/~1pets/get/parameters/0/name',
      /non-empty string `name`/,
    ],
    [
      'parameter with a bad in',
      withOperation({ parameters: [{ name: 'a', in: 'body' }], responses: okResponses }),
      'document#/paths/~1pets/get/parameters/0/in',
      /query, header, path or cookie/,
    ],
    [
      'path-level parameters not an array',
      doc('3.1.0', { paths: { '/a': { parameters: {} } } }),
      'document#/paths/~1a/parameters',
      /must be an array/,
    ],
    [
      'requestBody without content',
      withOperation({ requestBody: { description: 'x' }, responses: okResponses }),
      'document#/paths/~1pets/get/requestBody/content',
      /needs a `content` object/,
    ],
    ['responses missing in 3.0', withOperation({}), 'document#/paths/~1pets/get/responses', /required on every operation in OpenAPI 3\.0/],
    ['responses not an object', withOperation({ responses: [] }, '3.1.0'), 'document#/paths/~1pets/get/responses', /must be an object/],
    [
      'internal ref that does not resolve',
      withOperation({ responses: { '200': { $ref: '#/components/responses/Nope' } } }),
      'document#/paths/~1pets/get/responses/200/$ref',
      /target does not exist: #\/components\/responses\/Nope/,
    ],
    [
      'ref in a schema that does not resolve',
      doc('3.1.0', { components: { schemas: { A: { properties: { b: { $ref: '#/components/schemas/B' } } } } } }),
      'document#/components/schemas/A/properties/b/$ref',
      /target does not exist/,
    ],
    ['ref that is not a string', doc('3.1.0', { components: { schemas: { A: { $ref: 1 } } } }), 'document#/components/schemas/A/$ref', /must be a string/],
    [
      'anchor fragment',
      doc('3.1.0', { components: { schemas: { A: { $ref: '#pet' } } } }),
      'document#/components/schemas/A/$ref',
      /only JSON-pointer fragments/,
    ],
    [
      'security names an undefined scheme',
      doc('3.1.0', { security: [{ nope: [] }] }),
      'document#/security/0/nope',
      /"nope" is not defined in components\.securitySchemes/,
    ],
    [
      'operation security names an undefined scheme',
      withOperation({ responses: okResponses, security: [{ key: [] }, { other: [] }] }, '3.0.3', {
        components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } } },
      }),
      'document#/paths/~1pets/get/security/1/other',
      /"other" is not defined/,
    ],
    [
      'security scopes not an array',
      doc('3.1.0', { security: [{ key: 'read' }], components: { securitySchemes: { key: { type: 'http', scheme: 'bearer' } } } }),
      'document#/security/0/key',
      /array of strings/,
    ],
    ['scheme with unknown type', doc('3.1.0', { components: { securitySchemes: { s: { type: 'magic' } } } }), 'document#/components/securitySchemes/s/type', /needs `type`/],
    ['apiKey without in', doc('3.1.0', { components: { securitySchemes: { s: { type: 'apiKey', name: 'k' } } } }), 'document#/components/securitySchemes/s/in', /header, query or cookie/],
    ['apiKey in path', doc('3.1.0', { components: { securitySchemes: { s: { type: 'apiKey', name: 'k', in: 'path' } } } }), 'document#/components/securitySchemes/s/in', /header, query or cookie/],
    ['apiKey without name', doc('3.1.0', { components: { securitySchemes: { s: { type: 'apiKey', in: 'query' } } } }), 'document#/components/securitySchemes/s/name', /needs a `name`/],
    ['http without scheme', doc('3.1.0', { components: { securitySchemes: { s: { type: 'http' } } } }), 'document#/components/securitySchemes/s/scheme', /needs a `scheme`/],
    ['oauth2 without flows', doc('3.1.0', { components: { securitySchemes: { s: { type: 'oauth2' } } } }), 'document#/components/securitySchemes/s/flows', /needs a `flows` object/],
    [
      'openIdConnect without url',
      doc('3.1.0', { components: { securitySchemes: { s: { type: 'openIdConnect' } } } }),
      'document#/components/securitySchemes/s/openIdConnectUrl',
      /needs an `openIdConnectUrl`/,
    ],
    ['mutualTLS in 3.0', doc('3.0.3', { components: { securitySchemes: { s: { type: 'mutualTLS' } } } }), 'document#/components/securitySchemes/s/type', /3\.1 only/],
    [
      'parameter component without in',
      doc('3.1.0', { components: { parameters: { P: { name: 'p' } } } }),
      'document#/components/parameters/P/in',
      /query, header, path or cookie/,
    ],
    [
      'server variable used but not defined',
      doc('3.1.0', { servers: [{ url: 'https://{host}/v1' }] }),
      'document#/servers/0/url',
      /"host" is used in the URL but not defined/,
    ],
    [
      'server variable without default',
      doc('3.1.0', { servers: [{ url: 'https://{host}/v1', variables: { host: { enum: ['a'] } } }] }),
      'document#/servers/0/variables/host',
      /string `default`/,
    ],
    ['webhook path item not an object (3.1)', doc('3.1.0', { webhooks: { newPet: 1 } }), 'document#/webhooks/newPet', /path item must be an object/],
  ];
  for (const [name, source, location, message] of cases) {
    it(`${name}: error at ${location}`, () => {
      assertDocumentError(() => loadDocument(source), location, message);
    });
  }

  it('names both locations of a duplicated operationId', () => {
    const source = doc('3.1.0', {
      paths: {
        '/a': { get: { operationId: 'same', responses: okResponses } },
        '/b': { post: { operationId: 'same', responses: okResponses } },
      },
    });
    assertDocumentError(() => loadDocument(source), 'document#/paths/~1b/post/operationId', /"same" is not unique: it is also used at document#\/paths\/~1a\/get\/operationId/);
  });

  it('checks a parameter reached through a $ref at the location of its definition', () => {
    const source = withOperation({ parameters: [{ $ref: '#/components/parameters/Limit' }], responses: okResponses }, '3.0.3', {
      components: { parameters: { Limit: { name: 'limit', in: 'nowhere' } } },
    });
    assertDocumentError(() => loadDocument(source), 'document#/components/parameters/Limit/in', /query, header, path or cookie/);
  });

  it('names the file and line-free location for a file source', () => {
    const path = tempFile('api.json', JSON.stringify(withOperation({ requestBody: {}, responses: okResponses })));
    assertDocumentError(() => loadDocument(path), 'api.json#/paths/~1pets/get/requestBody/content', /content/);
  });
});

describe('loadDocument leniency', () => {
  it('keeps path keys with fragments and query strings, and 3.1 operations without responses', () => {
    const source = doc('3.1.0', {
      paths: {
        '/files/{id}#get_shared_link': { get: {} },
        '/responses?beta=true': { post: {} },
        'x-note': 'extensions are not paths',
      },
    });
    const loaded = loadDocument(source);
    assert.deepEqual(Object.keys(loaded.root['paths'] as Doc), ['/files/{id}#get_shared_link', '/responses?beta=true', 'x-note']);
    assert.deepEqual(loaded.warnings, []);
  });

  it('accepts a 3.1 document with webhooks or components but no paths', () => {
    const source: Doc = { openapi: '3.1.0', info: {}, webhooks: { ping: { post: {} } } };
    assert.equal(loadDocument(source).version, '3.1');
  });

  it('does not check $ref inside examples, defaults, enums and x- extensions', () => {
    const source = doc('3.1.0', {
      components: {
        schemas: {
          A: {
            type: 'object',
            example: { $ref: '#/nowhere' },
            default: { $ref: 'http://remote' },
            enum: [{ $ref: '#/x' }],
            examples: [{ $ref: '#/y' }],
            'x-vendor': { $ref: '#/z' },
          },
        },
        examples: { E: { value: { $ref: '#/nothing' } } },
      },
    });
    assert.doesNotThrow(() => loadDocument(source));
  });

  it('treats property, header and response names as names, not keywords', () => {
    const source = doc('3.0.3', {
      paths: {
        '/a': {
          get: {
            responses: {
              default: { description: 'd', headers: { 'x-rate-limit': { $ref: '#/components/headers/Missing' } } },
            },
          },
        },
      },
    });
    assertDocumentError(() => loadDocument(source), 'document#/paths/~1a/get/responses/default/headers/x-rate-limit/$ref', /target does not exist/);
    const schema = doc('3.1.0', { components: { schemas: { A: { properties: { default: { $ref: '#/components/schemas/Nope' } } } } } });
    assertDocumentError(() => loadDocument(schema), 'document#/components/schemas/A/properties/default/$ref', /target does not exist/);
  });
});

describe('loadDocument warnings', () => {
  it('warns about $ref siblings in 3.0, not in 3.1', () => {
    const schemas = { A: { type: 'string' }, B: { $ref: '#/components/schemas/A', description: 'ignored in 3.0' } };
    const v30 = loadDocument(doc('3.0.3', { components: { schemas } }));
    assert.deepEqual(v30.warnings.map((warning) => [warning.code, warning.location]), [['ref-siblings', 'document#/components/schemas/B']]);
    assert.deepEqual(loadDocument(doc('3.1.0', { components: { schemas } })).warnings, []);
  });

  it('warns about server variables and says how routing treats them', () => {
    const loaded = loadDocument(doc('3.1.0', { servers: [{ url: 'https://api.example.com/{version}', variables: { version: { default: 'v1' } } }] }));
    assert.equal(loaded.warnings.length, 1);
    assert.equal(loaded.warnings[0]?.code, 'server-variables');
    assert.equal(loaded.warnings[0]?.location, 'document#/servers/0');
    assert.match(loaded.warnings[0]?.message ?? '', /`default`/);
  });

  it('warns about a path item key that is not a method', () => {
    const loaded = loadDocument(doc('3.1.0', { paths: { '/a': { gett: {}, 'x-ok': 1 } } }));
    assert.deepEqual(loaded.warnings.map((warning) => [warning.code, warning.location]), [['unknown-path-item-key', 'document#/paths/~1a/gett']]);
  });

  it(`keeps ${MAX_WARNINGS_PER_CODE} warnings of one kind and counts the rest`, () => {
    const schemas: Doc = { A: { type: 'string' } };
    for (let i = 0; i < MAX_WARNINGS_PER_CODE + 5; i++) schemas[`S${i}`] = { $ref: '#/components/schemas/A', title: 'x' };
    const warnings = loadDocument(doc('3.0.3', { components: { schemas } })).warnings;
    assert.equal(warnings.length, MAX_WARNINGS_PER_CODE + 1);
    assert.match(warnings.at(-1)?.message ?? '', /5 more warnings of this kind.*25 in all/);
  });
});
