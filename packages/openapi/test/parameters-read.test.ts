import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DocumentError, type LoadedDocument } from '../src/document/types.js';
import { readParameters, type ParameterDefinition } from '../src/parameters/read-parameters.js';

function documentOf(root: Record<string, unknown>): LoadedDocument {
  return { version: '3.1', root, describe: (pointer) => `api.yaml${pointer}`, warnings: [] };
}

/** `paths[template]` with path-item and operation parameters; returns readParameters' result. */
function read(
  template: string,
  itemParameters: readonly unknown[] | undefined,
  operationParameters: readonly unknown[] | undefined,
  components: Record<string, unknown> = {},
): ParameterDefinition[] {
  const item: Record<string, unknown> = { get: { responses: {}, ...(operationParameters ? { parameters: operationParameters } : {}) } };
  if (itemParameters) item.parameters = itemParameters;
  const document = documentOf({ openapi: '3.1.0', paths: { [template]: item }, components });
  const pointer = `#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return readParameters(document, template, pointer, `${pointer}/get`);
}

function throwsAt(fn: () => unknown, location: string, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DocumentError, String(error));
    assert.equal(error.location, location);
    assert.match(error.message, message);
    return true;
  });
}

const S = { type: 'string' };

describe('readParameters', () => {
  test('defaults per location: style, explode (true for form only), required, allowReserved, allowEmptyValue', () => {
    const definitions = read('/p/{id}', undefined, [
      { name: 'id', in: 'path', required: true, schema: S },
      { name: 'q', in: 'query', schema: S },
      { name: 'X-H', in: 'header', schema: S },
      { name: 'c', in: 'cookie', schema: S },
      { name: 'd', in: 'query', style: 'deepObject', schema: { type: 'object' } },
    ]);
    const summary = definitions.map((d) => [d.name, d.in, d.style, d.explode, d.required, d.allowReserved, d.allowEmptyValue]);
    assert.deepEqual(summary, [
      ['id', 'path', 'simple', false, true, false, false],
      ['q', 'query', 'form', true, false, false, false],
      ['X-H', 'header', 'simple', false, false, false, false],
      ['c', 'cookie', 'form', true, false, false, false],
      ['d', 'query', 'deepObject', false, false, false, false],
    ]);
    assert.equal(definitions[0]?.schemaPointer, '#/paths/~1p~1{id}/get/parameters/0/schema');
    assert.equal(definitions[0]?.location, 'api.yaml#/paths/~1p~1{id}/get/parameters/0');
    assert.equal(definitions[0]?.content, undefined);
  });

  test('path-item and operation parameters merge; the operation wins by (name, in); header names case-insensitive', () => {
    const definitions = read(
      '/p',
      [
        { name: 'limit', in: 'query', schema: { type: 'integer' } },
        { name: 'X-Trace', in: 'header', schema: S },
        { name: 'limit', in: 'header', schema: S },
      ],
      [
        { name: 'limit', in: 'query', required: true, schema: { type: 'integer', maximum: 5 } },
        { name: 'x-trace', in: 'header', required: true, schema: S },
      ],
    );
    assert.deepEqual(
      definitions.map((d) => [d.name, d.in, d.required, d.location]),
      [
        ['limit', 'query', true, 'api.yaml#/paths/~1p/get/parameters/0'],
        ['x-trace', 'header', true, 'api.yaml#/paths/~1p/get/parameters/1'],
        ['limit', 'header', false, 'api.yaml#/paths/~1p/parameters/2'],
      ],
    );
  });

  test('$ref chains are followed; the location and pointers are those of the target', () => {
    const components = {
      parameters: {
        Limit: { $ref: '#/components/parameters/RealLimit' },
        RealLimit: { name: 'limit', in: 'query', schema: { type: 'integer' } },
        Filter: { name: 'filter', in: 'query', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    };
    const definitions = read('/p', undefined, [{ $ref: '#/components/parameters/Limit' }, { $ref: '#/components/parameters/Filter' }], components);
    assert.equal(definitions[0]?.location, 'api.yaml#/components/parameters/RealLimit');
    assert.equal(definitions[0]?.schemaPointer, '#/components/parameters/RealLimit/schema');
    assert.deepEqual(definitions[1]?.content, { mediaType: 'application/json', schemaPointer: '#/components/parameters/Filter/content/application~1json/schema' });
    assert.equal(definitions[1]?.schemaPointer, undefined);
  });

  test('circular and dangling references are DocumentErrors where the reference is', () => {
    const components = { parameters: { A: { $ref: '#/components/parameters/B' }, B: { $ref: '#/components/parameters/A' } } };
    throwsAt(() => read('/p', undefined, [{ $ref: '#/components/parameters/A' }], components), 'api.yaml#/components/parameters/B', /circular/);
    throwsAt(() => read('/p', undefined, [{ $ref: '#/components/parameters/Nope' }]), 'api.yaml#/paths/~1p/get/parameters/0', /does not resolve/);
  });

  test('Accept, Content-Type and Authorization header parameters are ignored (the spec says so)', () => {
    const definitions = read('/p', undefined, [
      { name: 'Accept', in: 'header', schema: S },
      { name: 'content-type', in: 'header', schema: S },
      { name: 'AUTHORIZATION', in: 'header', required: true, schema: S },
      { name: 'Accept', in: 'query', schema: S },
    ]);
    assert.deepEqual(definitions.map((d) => [d.name, d.in]), [['Accept', 'query']]);
  });

  test('a path parameter without required: true', () => {
    throwsAt(() => read('/p/{id}', undefined, [{ name: 'id', in: 'path', schema: S }]), 'api.yaml#/paths/~1p~1{id}/get/parameters/0', /required: true/);
    throwsAt(() => read('/p/{id}', undefined, [{ name: 'id', in: 'path', required: false, schema: S }]), 'api.yaml#/paths/~1p~1{id}/get/parameters/0', /required: true/);
  });

  test('a template variable without a path parameter, and a path parameter not in the template', () => {
    throwsAt(() => read('/p/{id}', undefined, []), 'api.yaml#/paths/~1p~1{id}/get', /variable "id" has no path parameter/);
    throwsAt(
      () => read('/p/{id}', undefined, [{ name: 'id', in: 'path', required: true, schema: S }, { name: 'other', in: 'path', required: true, schema: S }]),
      'api.yaml#/paths/~1p~1{id}/get/parameters/1',
      /not a variable of the path template/,
    );
    // Several variables in one segment, each with its parameter, declared at the path-item level.
    const definitions = read('/compare/{base}...{head}', [
      { name: 'base', in: 'path', required: true, schema: S },
      { name: 'head', in: 'path', required: true, schema: S },
    ], undefined);
    assert.deepEqual(definitions.map((d) => d.name), ['base', 'head']);
  });

  test('a style not allowed for the location', () => {
    const cases: [string, string][] = [
      ['path', 'form'],
      ['path', 'deepObject'],
      ['query', 'simple'],
      ['query', 'matrix'],
      ['header', 'form'],
      ['header', 'label'],
      ['cookie', 'simple'],
      ['cookie', 'deepObject'],
    ];
    for (const [where, style] of cases) {
      const template = where === 'path' ? '/p/{x}' : '/p';
      const location = `api.yaml#/paths/~1p${where === 'path' ? '~1{x}' : ''}/get/parameters/0`;
      throwsAt(() => read(template, undefined, [{ name: 'x', in: where, required: true, style, schema: S }]), location, /style is not allowed/);
    }
    throwsAt(() => read('/p', undefined, [{ name: 'x', in: 'query', style: 'bogus', schema: S }]), 'api.yaml#/paths/~1p/get/parameters/0', /style/);
  });

  test('both schema and content, neither, or content with two media types', () => {
    const at = 'api.yaml#/paths/~1p/get/parameters/0';
    throwsAt(() => read('/p', undefined, [{ name: 'x', in: 'query', schema: S, content: { 'application/json': {} } }]), at, /exactly one of schema and content/);
    throwsAt(() => read('/p', undefined, [{ name: 'x', in: 'query' }]), at, /exactly one of schema and content/);
    throwsAt(() => read('/p', undefined, [{ name: 'x', in: 'query', content: { 'application/json': {}, 'text/plain': {} } }]), at, /exactly one media type/);
    throwsAt(() => read('/p', undefined, [{ name: 'x', in: 'query', content: {} }]), at, /exactly one media type/);
  });

  test('invalid in, missing name, non-boolean flags, duplicates on one level', () => {
    const at = 'api.yaml#/paths/~1p/get/parameters/0';
    throwsAt(() => read('/p', undefined, [{ name: 'x', in: 'body', schema: S }]), at, /"in" must be/);
    throwsAt(() => read('/p', undefined, [{ in: 'query', schema: S }]), at, /name/);
    throwsAt(() => read('/p', undefined, [{ name: 'x', in: 'query', explode: 'yes', schema: S }]), at, /explode must be a boolean/);
    throwsAt(() => read('/p', undefined, [{ name: 'x', in: 'query', required: 1, schema: S }]), at, /required must be a boolean/);
    throwsAt(
      () => read('/p', undefined, [{ name: 'X-A', in: 'header', schema: S }, { name: 'x-a', in: 'header', schema: S }]),
      'api.yaml#/paths/~1p/get/parameters/1',
      /declared twice/,
    );
    throwsAt(() => read('/p', [{ name: 'q', in: 'query', schema: S }, { name: 'q', in: 'query', schema: S }], undefined), 'api.yaml#/paths/~1p/parameters/1', /declared twice/);
  });

  test('no parameters anywhere gives none', () => {
    assert.deepEqual(read('/p', undefined, undefined), []);
  });
});
