import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import type { RequestHeaders } from '@portcullis/core';
import type { LoadedDocument } from '../src/document/types.js';
import type { CompiledSchema, ValidationIssue } from '../src/schema/types.js';
import { readParameters } from '../src/parameters/read-parameters.js';
import { issue } from '../src/parameters/issues.js';
import {
  compileParameters,
  type ParameterOptions,
  type ParameterResult,
  type SchemaCompilerLike,
} from '../src/parameters/parameter-validator.js';

// ---------------------------------------------------------------------------------------------
// Harness: a synthetic document, a SchemaCompilerLike over a real Ajv2020, a RequestHeaders fake.

function documentOf(root: Record<string, unknown>): LoadedDocument {
  return { version: '3.1', root, describe: (pointer) => `api.yaml${pointer}`, warnings: [] };
}

/** Compiles `#/...` pointers of the document with Ajv2020 (the root is added under one id, so `$ref`s resolve). */
function ajvCompiler(root: Record<string, unknown>): SchemaCompilerLike {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  ajv.addSchema(root, 'https://doc.test/api');
  return {
    compile(pointer): CompiledSchema {
      const validate = ajv.getSchema(`https://doc.test/api#${encodeURI(pointer.slice(1))}`);
      if (validate === undefined) throw new Error(`no schema at ${pointer}`);
      return {
        validate(value, prefix): readonly ValidationIssue[] | undefined {
          if (validate(value)) return undefined;
          return (validate.errors ?? []).map((e) => ({ pointer: `${prefix}${e.instancePath}`, keyword: e.keyword, message: 'invalid' }));
        },
      };
    },
  };
}

class FakeHeaders implements RequestHeaders {
  readonly #fields: readonly (readonly [string, string])[];
  constructor(fields: readonly (readonly [string, string])[]) {
    this.#fields = fields;
  }
  get count(): number {
    return this.#fields.length;
  }
  get totalBytes(): number {
    return this.#fields.reduce((n, [k, v]) => n + k.length + v.length, 0);
  }
  get(name: string): string | undefined {
    const all = this.getAll(name);
    return all.length === 0 ? undefined : all.join(name.toLowerCase() === 'cookie' ? '; ' : ', ');
  }
  getAll(name: string): readonly string[] {
    return this.#fields.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  }
  has(name: string): boolean {
    return this.getAll(name).length > 0;
  }
  *entries(): Iterable<readonly [string, string]> {
    for (const [k, v] of this.#fields) yield [k.toLowerCase(), v];
  }
}

/** Core's cookie map: first value wins for a repeated name. */
function cookiesOf(headers: RequestHeaders): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const field of headers.getAll('cookie')) {
    for (const part of field.split(';')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      const name = part.slice(0, eq).trim();
      if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
    }
  }
  return cookies;
}

interface RequestParts {
  readonly path?: Record<string, string>;
  readonly query?: string;
  readonly headers?: readonly (readonly [string, string])[];
}

type Validate = (request: RequestParts) => ParameterResult;

/** An operation `GET <template>` with these parameters, compiled; returns a validate function. */
function operation(
  parameters: readonly unknown[],
  options: Partial<ParameterOptions> & { template?: string; components?: Record<string, unknown>; maxIssues?: number } = {},
): Validate {
  const template = options.template ?? '/t';
  const root: Record<string, unknown> = {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: { [template]: { get: { parameters, responses: {} } } },
    components: options.components ?? {},
  };
  const document = documentOf(root);
  const itemPointer = `#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  const definitions = readParameters(document, template, itemPointer, `${itemPointer}/get`);
  const validator = compileParameters(
    definitions,
    ajvCompiler(root),
    document,
    { coercion: options.coercion ?? 'schema', unknownQuery: options.unknownQuery ?? 'deny' },
    options.maxIssues ?? 20,
  );
  return (request) => {
    const headers = new FakeHeaders(request.headers ?? []);
    return validator.validate({ path: request.path ?? {}, rawQuery: request.query ?? '', headers, cookies: cookiesOf(headers) });
  };
}

/** Prototype-less objects compare equal to plain ones here: the shape is what is tested. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function valuesOf(result: ParameterResult): { path: unknown; query: unknown; header: unknown; cookie: unknown } {
  if (!result.ok) assert.fail(`expected valid, got ${JSON.stringify(result.issues)}`);
  return plain(result.values) as { path: unknown; query: unknown; header: unknown; cookie: unknown };
}

function issuesOf(result: ParameterResult): { pointer: string; keyword: string }[] {
  if (result.ok) assert.fail(`expected issues, got ${JSON.stringify(plain(result.values))}`);
  return result.issues.map(({ pointer, keyword }) => ({ pointer, keyword }));
}

const STRING = { type: 'string' };
const STRINGS = { type: 'array', items: { type: 'string' } };
const RGB = {
  type: 'object',
  properties: { R: { type: 'integer' }, G: { type: 'integer' }, B: { type: 'integer' } },
  additionalProperties: false,
};
const COLORS = ['blue', 'black', 'brown'];
const RGB_VALUE = { R: 100, G: 200, B: 150 };


// ---------------------------------------------------------------------------------------------
// The spec's style-examples table (3.1 §4.8.12.4): color = "blue" / ["blue","black","brown"] /
// {R:100,G:200,B:150}.

interface StyleCase {
  readonly style: string;
  readonly explode: boolean;
  readonly primitive: string;
  readonly array: string;
  readonly object: string;
  readonly empty: string;
}

const PATH_TABLE: readonly StyleCase[] = [
  { style: 'matrix', explode: false, empty: ';color', primitive: ';color=blue', array: ';color=blue,black,brown', object: ';color=R,100,G,200,B,150' },
  { style: 'matrix', explode: true, empty: ';color', primitive: ';color=blue', array: ';color=blue;color=black;color=brown', object: ';R=100;G=200;B=150' },
  { style: 'label', explode: false, empty: '.', primitive: '.blue', array: '.blue,black,brown', object: '.R,100,G,200,B,150' },
  { style: 'label', explode: true, empty: '.', primitive: '.blue', array: '.blue.black.brown', object: '.R=100.G=200.B=150' },
  { style: 'simple', explode: false, empty: '', primitive: 'blue', array: 'blue,black,brown', object: 'R,100,G,200,B,150' },
  { style: 'simple', explode: true, empty: '', primitive: 'blue', array: 'blue,black,brown', object: 'R=100,G=200,B=150' },
];

function pathParameter(style: string, explode: boolean, schema: unknown): Validate {
  return operation([{ name: 'color', in: 'path', required: true, style, explode, schema }], { template: '/c/{color}' });
}

describe('path parameters: every style x explode x kind of the spec table', () => {
  for (const row of PATH_TABLE) {
    test(`${row.style} explode=${row.explode}`, () => {
      assert.deepEqual(valuesOf(pathParameter(row.style, row.explode, STRING)({ path: { color: row.primitive } })).path, { color: 'blue' });
      assert.deepEqual(valuesOf(pathParameter(row.style, row.explode, STRINGS)({ path: { color: row.array } })).path, { color: COLORS });
      assert.deepEqual(valuesOf(pathParameter(row.style, row.explode, RGB)({ path: { color: row.object } })).path, { color: RGB_VALUE });
      // The empty row: '' / [] / {}.
      assert.deepEqual(valuesOf(pathParameter(row.style, row.explode, STRING)({ path: { color: row.empty } })).path, { color: '' });
      assert.deepEqual(valuesOf(pathParameter(row.style, row.explode, STRINGS)({ path: { color: row.empty } })).path, { color: [] });
      assert.deepEqual(valuesOf(pathParameter(row.style, row.explode, { type: 'object' })({ path: { color: row.empty } })).path, { color: {} });
    });
  }

  test('the other explode form of an object is refused (style, or the schema then refuses it)', () => {
    // Exploded `R=100,...` read as non-exploded alternating names/values: odd count or names like "R=100".
    const flat = pathParameter('simple', false, RGB)({ path: { color: 'R=100,G=200,B=150' } });
    assert.deepEqual(issuesOf(flat), [{ pointer: '/path/color', keyword: 'style' }]);
    const exploded = pathParameter('simple', true, RGB)({ path: { color: 'R,100,G,200,B,150' } });
    assert.deepEqual(issuesOf(exploded), [{ pointer: '/path/color', keyword: 'style' }]);
    const labelExploded = pathParameter('label', true, RGB)({ path: { color: '.R,100,G,200' } });
    assert.deepEqual(issuesOf(labelExploded), [{ pointer: '/path/color', keyword: 'style' }]);
  });

  test('label without its leading dot and matrix without its prefix are style issues', () => {
    assert.deepEqual(issuesOf(pathParameter('label', false, STRING)({ path: { color: 'blue' } })), [{ pointer: '/path/color', keyword: 'style' }]);
    assert.deepEqual(issuesOf(pathParameter('matrix', false, STRING)({ path: { color: 'blue' } })), [{ pointer: '/path/color', keyword: 'style' }]);
    // Another parameter's name in the matrix prefix.
    assert.deepEqual(issuesOf(pathParameter('matrix', false, STRING)({ path: { color: ';colour=blue' } })), [{ pointer: '/path/color', keyword: 'style' }]);
    assert.deepEqual(issuesOf(pathParameter('matrix', true, STRINGS)({ path: { color: ';color=blue;x=black' } })), [{ pointer: '/path/color', keyword: 'style' }]);
  });

  test('a list in the wrong delimiter is one item, which an integer list refuses', () => {
    const ints = { type: 'array', items: { type: 'integer' } };
    assert.deepEqual(valuesOf(pathParameter('label', true, ints)({ path: { color: '.1.2.3' } })).path, { color: [1, 2, 3] });
    const result = pathParameter('label', true, ints)({ path: { color: '.1,2,3' } });
    assert.deepEqual(issuesOf(result), [{ pointer: '/path/color/0', keyword: 'type' }]);
  });

  test('a primitive keeps its delimiters as data', () => {
    assert.deepEqual(valuesOf(pathParameter('simple', false, STRING)({ path: { color: 'a,b' } })).path, { color: 'a,b' });
  });
});

const QUERY_TABLE: readonly (StyleCase & { readonly kinds: readonly ('primitive' | 'array' | 'object')[] })[] = [
  { style: 'form', explode: false, empty: 'color=', primitive: 'color=blue', array: 'color=blue,black,brown', object: 'color=R,100,G,200,B,150', kinds: ['primitive', 'array', 'object'] },
  { style: 'form', explode: true, empty: 'color=', primitive: 'color=blue', array: 'color=blue&color=black&color=brown', object: 'R=100&G=200&B=150', kinds: ['primitive', 'array', 'object'] },
  { style: 'spaceDelimited', explode: false, empty: '', primitive: '', array: 'color=blue%20black%20brown', object: 'color=R%20100%20G%20200%20B%20150', kinds: ['array', 'object'] },
  { style: 'pipeDelimited', explode: false, empty: '', primitive: '', array: 'color=blue|black|brown', object: 'color=R|100|G|200|B|150', kinds: ['array', 'object'] },
  { style: 'deepObject', explode: true, empty: '', primitive: '', array: '', object: 'color[R]=100&color[G]=200&color[B]=150', kinds: ['object'] },
];

function queryParameter(style: string, explode: boolean, schema: unknown, extra: Partial<ParameterOptions> = {}): Validate {
  return operation([{ name: 'color', in: 'query', style, explode, schema }], extra);
}

describe('query parameters: every style x explode x kind of the spec table', () => {
  for (const row of QUERY_TABLE) {
    test(`${row.style} explode=${row.explode}`, () => {
      if (row.kinds.includes('primitive')) {
        assert.deepEqual(valuesOf(queryParameter(row.style, row.explode, STRING)({ query: row.primitive })).query, { color: 'blue' });
        assert.deepEqual(valuesOf(queryParameter(row.style, row.explode, STRING)({ query: row.empty })).query, { color: '' });
        assert.deepEqual(valuesOf(queryParameter(row.style, row.explode, STRINGS)({ query: row.empty })).query, { color: [] });
      }
      if (row.kinds.includes('array')) {
        assert.deepEqual(valuesOf(queryParameter(row.style, row.explode, STRINGS)({ query: row.array })).query, { color: COLORS });
      }
      if (row.kinds.includes('object')) {
        assert.deepEqual(valuesOf(queryParameter(row.style, row.explode, RGB)({ query: row.object })).query, { color: RGB_VALUE });
      }
    });
  }

  test('spaceDelimited takes `+` as well as `%20`', () => {
    assert.deepEqual(valuesOf(queryParameter('spaceDelimited', false, STRINGS)({ query: 'color=blue+black%20brown' })).query, { color: COLORS });
  });

  test('encoded delimiters are data: %2C in form, %7C in pipeDelimited, %20 in form', () => {
    assert.deepEqual(valuesOf(queryParameter('form', false, STRINGS)({ query: 'color=a%2Cb,c' })).query, { color: ['a,b', 'c'] });
    assert.deepEqual(valuesOf(queryParameter('pipeDelimited', false, STRINGS)({ query: 'color=a%7Cb|c' })).query, { color: ['a|b', 'c'] });
    assert.deepEqual(valuesOf(queryParameter('form', false, STRINGS)({ query: 'color=a%20b,c' })).query, { color: ['a b', 'c'] });
    // A comma is data in a pipe list, and a pipe in a comma list.
    assert.deepEqual(valuesOf(queryParameter('pipeDelimited', false, STRINGS)({ query: 'color=a,b|c' })).query, { color: ['a,b', 'c'] });
  });

  test('a list in the wrong delimiter is one item, which an integer list refuses', () => {
    const ints = { type: 'array', items: { type: 'integer' } };
    assert.deepEqual(valuesOf(queryParameter('pipeDelimited', false, ints)({ query: 'color=1|2' })).query, { color: [1, 2] });
    assert.deepEqual(issuesOf(queryParameter('pipeDelimited', false, ints)({ query: 'color=1,2' })), [{ pointer: '/query/color/0', keyword: 'type' }]);
    assert.deepEqual(issuesOf(queryParameter('spaceDelimited', false, ints)({ query: 'color=1|2' })), [{ pointer: '/query/color/0', keyword: 'type' }]);
  });

  test('non-exploded object with an odd number of parts is a style issue', () => {
    assert.deepEqual(issuesOf(queryParameter('form', false, RGB)({ query: 'color=R,100,G' })), [{ pointer: '/query/color', keyword: 'style' }]);
  });

  test('exploded form object: properties are top-level names, and only they are known', () => {
    const validate = queryParameter('form', true, RGB);
    assert.deepEqual(valuesOf(validate({ query: 'R=1&B=3' })).query, { color: { R: 1, B: 3 } });
    assert.deepEqual(issuesOf(validate({ query: 'R=1&X=2' })), [{ pointer: '/query/X', keyword: 'unknown' }]);
    assert.deepEqual(issuesOf(validate({ query: 'R=1&R=2' })), [{ pointer: '/query/color/R', keyword: 'duplicate' }]);
    // `color=...` itself is not one of its names.
    assert.deepEqual(issuesOf(validate({ query: 'color=R,1' })), [{ pointer: '/query/color', keyword: 'unknown' }]);
  });

  test('exploded form object with explicit additionalProperties takes the names nobody else claims', () => {
    const validate = operation([
      { name: 'limit', in: 'query', schema: { type: 'integer' } },
      { name: 'filter', in: 'query', schema: { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: { type: 'string', maxLength: 3 } } },
    ]);
    assert.deepEqual(valuesOf(validate({ query: 'limit=5&a=1&zz=abc' })).query, { limit: 5, filter: { a: 1, zz: 'abc' } });
    assert.deepEqual(issuesOf(validate({ query: 'zz=abcdef' })), [{ pointer: '/query/filter/zz', keyword: 'maxLength' }]);
    assert.deepEqual(issuesOf(validate({ query: '__proto__=x' })), [{ pointer: '/query/filter', keyword: 'forbiddenKey' }]);
  });

  test('deepObject: nested brackets, [] lists, numeric indices for arrays, names percent-encoded', () => {
    const card = {
      name: 'card',
      in: 'query',
      style: 'deepObject',
      schema: {
        type: 'object',
        properties: {
          number: { type: 'string' },
          exp: { type: 'object', properties: { month: { type: 'integer' }, year: { type: 'integer' } } },
          tags: { type: 'array', items: { type: 'string' } },
          lines: { type: 'array', items: { type: 'object', properties: { qty: { type: 'integer' } } } },
        },
        additionalProperties: false,
      },
    };
    const validate = operation([card]);
    const query = 'card[number]=4242&card%5Bexp%5D%5Bmonth%5D=12&card[exp][year]=2030&card[tags][]=a&card[tags][]=b&card[lines][1][qty]=2&card[lines][0][qty]=1';
    assert.deepEqual(valuesOf(validate({ query })).query, {
      card: { number: '4242', exp: { month: 12, year: 2030 }, tags: ['a', 'b'], lines: [{ qty: 1 }, { qty: 2 }] },
    });
    // A sparse index list is refused rather than compacted.
    assert.deepEqual(issuesOf(validate({ query: 'card[lines][0][qty]=1&card[lines][2][qty]=1' })), [{ pointer: '/query/card/lines', keyword: 'style' }]);
    // A repeated single-valued key.
    assert.deepEqual(issuesOf(validate({ query: 'card[number]=1&card[number]=2' })), [{ pointer: '/query/card/number', keyword: 'duplicate' }]);
    // Malformed brackets are nobody's name.
    assert.deepEqual(issuesOf(validate({ query: 'card[number=1' })), [{ pointer: '/query/card[number', keyword: 'unknown' }]);
    // Both a value and an object.
    assert.deepEqual(issuesOf(validate({ query: 'card=1&card[number]=2' })), [{ pointer: '/query/card', keyword: 'style' }]);
    // Undeclared keys reach the schema.
    assert.deepEqual(issuesOf(validate({ query: 'card[cvc]=1' })), [{ pointer: '/query/card', keyword: 'additionalProperties' }]);
  });

  test('deepObject list parameter: expand[]=a&expand[]=b (and expand[0]=a)', () => {
    const validate = operation([{ name: 'expand', in: 'query', style: 'deepObject', explode: true, schema: STRINGS }]);
    assert.deepEqual(valuesOf(validate({ query: 'expand[]=a&expand%5B%5D=b' })).query, { expand: ['a', 'b'] });
    assert.deepEqual(valuesOf(validate({ query: 'expand[1]=b&expand[0]=a' })).query, { expand: ['a', 'b'] });
    assert.deepEqual(valuesOf(validate({ query: 'expand=a' })).query, { expand: ['a'] });
    assert.deepEqual(issuesOf(validate({ query: 'expand=a&expand[]=b' })), [{ pointer: '/query/expand', keyword: 'style' }]);
  });

  test('deepObject nesting is capped at 8 levels', () => {
    const validate = operation([{ name: 'f', in: 'query', style: 'deepObject', schema: { type: 'object' } }]);
    assert.ok(valuesOf(validate({ query: `f${'[a]'.repeat(8)}=1` })));
    assert.deepEqual(issuesOf(validate({ query: `f${'[a]'.repeat(9)}=1` })), [{ pointer: '/query/f', keyword: 'maxDepth' }]);
  });

  test('prototype keys in deepObject never reach a prototype', () => {
    const validate = operation([{ name: 'f', in: 'query', style: 'deepObject', schema: { type: 'object' } }]);
    for (const query of ['f[__proto__][polluted]=1', 'f[a][__proto__]=1', 'f[constructor][prototype][polluted]=1']) {
      assert.deepEqual(issuesOf(validate({ query })), [{ pointer: '/query/f', keyword: 'forbiddenKey' }], query);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // `constructor` alone is an ordinary key on a prototype-less object.
    const result = validate({ query: 'f[constructor]=1' });
    assert.ok(result.ok);
    assert.equal(Object.getPrototypeOf(result.values.query.f), null);
  });
});

describe('header and cookie parameters', () => {
  test('header: simple, primitive/array/object, explode both ways; names case-insensitive', () => {
    const header = (explode: boolean, schema: unknown): Validate => operation([{ name: 'X-Color', in: 'header', explode, schema }]);
    assert.deepEqual(valuesOf(header(false, STRING)({ headers: [['x-color', 'blue']] })).header, { 'X-Color': 'blue' });
    assert.deepEqual(valuesOf(header(false, STRINGS)({ headers: [['X-COLOR', 'blue, black,brown']] })).header, { 'X-Color': COLORS });
    assert.deepEqual(valuesOf(header(false, RGB)({ headers: [['x-color', 'R,100,G,200,B,150']] })).header, { 'X-Color': RGB_VALUE });
    assert.deepEqual(valuesOf(header(true, RGB)({ headers: [['x-color', 'R=100,G=200,B=150']] })).header, { 'X-Color': RGB_VALUE });
    assert.deepEqual(issuesOf(header(true, RGB)({ headers: [['x-color', 'R,100,G,200,B,150']] })), [{ pointer: '/header/X-Color', keyword: 'style' }]);
    // A list split over two fields is one list; a single value given twice is a duplicate.
    assert.deepEqual(valuesOf(header(false, STRINGS)({ headers: [['x-color', 'blue'], ['x-color', 'black,brown']] })).header, { 'X-Color': COLORS });
    assert.deepEqual(issuesOf(header(false, STRING)({ headers: [['x-color', 'blue'], ['X-Color', 'red']] })), [{ pointer: '/header/X-Color', keyword: 'duplicate' }]);
  });

  test('cookie: form, primitive/array/object, explode both ways; a repeated cookie is a duplicate', () => {
    const cookie = (explode: boolean, schema: unknown): Validate => operation([{ name: 'color', in: 'cookie', explode, schema }]);
    assert.deepEqual(valuesOf(cookie(true, STRING)({ headers: [['cookie', 'a=1; color=blue']] })).cookie, { color: 'blue' });
    assert.deepEqual(valuesOf(cookie(false, STRINGS)({ headers: [['cookie', 'color=blue,black,brown']] })).cookie, { color: COLORS });
    assert.deepEqual(valuesOf(cookie(false, RGB)({ headers: [['cookie', 'color=R,100,G,200,B,150']] })).cookie, { color: RGB_VALUE });
    // Exploded object: its properties are cookies of their own.
    assert.deepEqual(valuesOf(cookie(true, RGB)({ headers: [['cookie', 'R=100; G=200; B=150']] })).cookie, { color: RGB_VALUE });
    assert.deepEqual(issuesOf(cookie(true, STRING)({ headers: [['cookie', 'color=blue; color=red']] })), [{ pointer: '/cookie/color', keyword: 'duplicate' }]);
    assert.deepEqual(issuesOf(cookie(true, STRING)({ headers: [['cookie', 'color=blue'], ['cookie', 'color=red']] })), [{ pointer: '/cookie/color', keyword: 'duplicate' }]);
    // Percent-escapes are decoded (a `+` stays a `+`), a bad escape is an encoding issue.
    assert.deepEqual(valuesOf(cookie(true, STRING)({ headers: [['cookie', 'color=a%2Cb+c']] })).cookie, { color: 'a,b+c' });
    assert.deepEqual(issuesOf(cookie(true, STRING)({ headers: [['cookie', 'color=%zz']] })), [{ pointer: '/cookie/color', keyword: 'encoding' }]);
  });
});

describe('coercion', () => {
  const one = (schema: unknown, options: Partial<ParameterOptions> = {}, components?: Record<string, unknown>): ((query: string) => ParameterResult) => {
    const validate = operation([{ name: 'v', in: 'query', schema }], { ...options, ...(components ? { components } : {}) });
    return (query) => validate({ query });
  };

  test('a string schema keeps the string: 007 stays 007, true stays true', () => {
    assert.deepEqual(valuesOf(one(STRING)('v=007')).query, { v: '007' });
    assert.deepEqual(valuesOf(one(STRING)('v=true')).query, { v: 'true' });
    assert.deepEqual(valuesOf(one(STRING)('v=null')).query, { v: 'null' });
  });

  test('integers: the strict grammar within the safe range', () => {
    const integer = one({ type: 'integer' });
    assert.deepEqual(valuesOf(integer('v=0')).query, { v: 0 });
    assert.deepEqual(valuesOf(integer('v=-42')).query, { v: -42 });
    assert.deepEqual(valuesOf(integer('v=9007199254740991')).query, { v: 9007199254740991 });
    for (const text of ['1e3', '0x10', '%201', '1%20', 'NaN', 'Infinity', '-Infinity', '', '+1', '01', '1.0', '1.5', '9007199254740993', '1_000', '0b1', '٣']) {
      assert.deepEqual(issuesOf(integer(`v=${text}`)), [{ pointer: '/query/v', keyword: 'type' }], text);
    }
  });

  test('numbers: a strict decimal grammar, finite', () => {
    const number = one({ type: 'number' });
    assert.deepEqual(valuesOf(number('v=1.5')).query, { v: 1.5 });
    assert.deepEqual(valuesOf(number('v=-0.25e-3')).query, { v: -0.00025 });
    assert.deepEqual(valuesOf(number('v=1E3')).query, { v: 1000 });
    for (const text of ['0x10', '.5', '5.', '%201', 'NaN', 'Infinity', '', '1e999', '1,5', '+1']) {
      assert.deepEqual(issuesOf(number(`v=${text}`)), [{ pointer: '/query/v', keyword: 'type' }], text);
    }
  });

  test('booleans: exactly true or false', () => {
    const boolean = one({ type: 'boolean' });
    assert.deepEqual(valuesOf(boolean('v=true')).query, { v: true });
    assert.deepEqual(valuesOf(boolean('v=false')).query, { v: false });
    for (const text of ['TRUE', 'True', '1', '0', 'yes', '']) {
      assert.deepEqual(issuesOf(boolean(`v=${text}`)), [{ pointer: '/query/v', keyword: 'type' }], text);
    }
  });

  test('null only where the schema admits null and not a string; 3.0 nullable and 3.1 type arrays', () => {
    assert.deepEqual(valuesOf(one({ type: ['integer', 'null'] })('v=null')).query, { v: null });
    assert.deepEqual(valuesOf(one({ type: ['integer', 'null'] })('v=3')).query, { v: 3 });
    assert.deepEqual(valuesOf(one({ type: ['string', 'null'] })('v=null')).query, { v: 'null' });
    // 3.0 nullable (ajv knows the keyword).
    assert.deepEqual(valuesOf(one({ type: 'integer', nullable: true })('v=null')).query, { v: null });
  });

  test('$ref, allOf (narrowed), anyOf/oneOf (candidates: boolean, integer, number, null, then string)', () => {
    const components = { schemas: { Id: { $ref: '#/components/schemas/Int' }, Int: { type: 'integer', minimum: 1 } } };
    assert.deepEqual(valuesOf(one({ $ref: '#/components/schemas/Id' }, {}, components)('v=5')).query, { v: 5 });
    assert.deepEqual(issuesOf(one({ $ref: '#/components/schemas/Id' }, {}, components)('v=0')), [{ pointer: '/query/v', keyword: 'minimum' }]);
    assert.deepEqual(valuesOf(one({ allOf: [{ type: 'number' }, { type: 'integer' }] })('v=5')).query, { v: 5 });
    // Stripe's `amount: anyOf [integer, enum [""]]`: '' stays the string, digits become the integer.
    const stripe = one({ anyOf: [{ type: 'integer' }, { type: 'string', enum: [''] }] });
    assert.deepEqual(valuesOf(stripe('v=12')).query, { v: 12 });
    assert.deepEqual(valuesOf(stripe('v=')).query, { v: '' });
    assert.deepEqual(valuesOf(one({ oneOf: [{ type: 'boolean' }, { type: 'string', pattern: '^x' }] })('v=true')).query, { v: true });
    // enum without type: the types of its values.
    assert.deepEqual(valuesOf(one({ enum: [1, 2, 3] })('v=2')).query, { v: 2 });
    // No type at all: the string as sent.
    assert.deepEqual(valuesOf(one({})('v=5')).query, { v: '5' });
  });

  test("'none' coercion: only strings pass, no list is built", () => {
    assert.deepEqual(valuesOf(one(STRING, { coercion: 'none' })('v=007')).query, { v: '007' });
    assert.deepEqual(issuesOf(one({ type: 'integer' }, { coercion: 'none' })('v=5')), [{ pointer: '/query/v', keyword: 'type' }]);
    assert.deepEqual(issuesOf(one({ type: 'boolean' }, { coercion: 'none' })('v=true')), [{ pointer: '/query/v', keyword: 'type' }]);
    assert.deepEqual(issuesOf(one(STRINGS, { coercion: 'none' })('v=a&v=b')), [{ pointer: '/query/v', keyword: 'duplicate' }]);
  });

  test('array items and object properties are coerced by their own schemas', () => {
    assert.deepEqual(valuesOf(one({ type: 'array', items: { type: 'integer' } })('v=1&v=2')).query, { v: [1, 2] });
    assert.deepEqual(valuesOf(one({ type: 'array', items: { type: 'boolean' } })('v=true&v=false')).query, { v: [true, false] });
    const mixed = { type: 'object', properties: { n: { type: 'number' }, s: STRING }, additionalProperties: false };
    const validate = operation([{ name: 'v', in: 'query', explode: false, schema: mixed }]);
    assert.deepEqual(valuesOf(validate({ query: 'v=n,1.5,s,1.5' })).query, { v: { n: 1.5, s: '1.5' } });
  });
});

describe('presence, duplicates, unknown parameters, encoding, content', () => {
  test('required parameters missing, in every location', () => {
    const validate = operation(
      [
        { name: 'q', in: 'query', required: true, schema: STRING },
        { name: 'X-H', in: 'header', required: true, schema: STRING },
        { name: 'c', in: 'cookie', required: true, schema: STRING },
        { name: 'opt', in: 'query', schema: STRING },
      ],
      {},
    );
    assert.deepEqual(issuesOf(validate({})), [
      { pointer: '/query/q', keyword: 'required' },
      { pointer: '/header/X-H', keyword: 'required' },
      { pointer: '/cookie/c', keyword: 'required' },
    ]);
    const path = operation([{ name: 'id', in: 'path', required: true, schema: STRING }], { template: '/x/{id}' });
    assert.deepEqual(issuesOf(path({ path: {} })), [{ pointer: '/path/id', keyword: 'required' }]);
  });

  test('a single-valued query parameter given twice is a duplicate (parameter pollution)', () => {
    const validate = operation([
      { name: 'id', in: 'query', schema: { type: 'integer' } },
      { name: 'ids', in: 'query', schema: { type: 'array', items: { type: 'integer' } } },
    ]);
    assert.deepEqual(issuesOf(validate({ query: 'id=1&id=2' })), [{ pointer: '/query/id', keyword: 'duplicate' }]);
    assert.deepEqual(valuesOf(validate({ query: 'ids=1&ids=2' })).query, { ids: [1, 2] });
    const commas = operation([{ name: 'ids', in: 'query', explode: false, schema: STRINGS }]);
    assert.deepEqual(issuesOf(commas({ query: 'ids=a,b&ids=c' })), [{ pointer: '/query/ids', keyword: 'duplicate' }]);
  });

  test("unknown query parameters: denied by default, allowed with 'allow'; odd names are not echoed", () => {
    const params = [{ name: 'a', in: 'query', schema: STRING }];
    assert.deepEqual(issuesOf(operation(params)({ query: 'a=1&b=2' })), [{ pointer: '/query/b', keyword: 'unknown' }]);
    assert.deepEqual(valuesOf(operation(params, { unknownQuery: 'allow' })({ query: 'a=1&b=2' })).query, { a: '1' });
    assert.deepEqual(issuesOf(operation(params)({ query: `${'x'.repeat(65)}=1` })), [{ pointer: '/query', keyword: 'unknown' }]);
    assert.deepEqual(issuesOf(operation(params)({ query: '%3Cscript%3E=1' })), [{ pointer: '/query', keyword: 'unknown' }]);
    assert.deepEqual(issuesOf(operation(params)({ query: 'a~b=1' })), [{ pointer: '/query', keyword: 'unknown' }]);
    // No query parameter documented at all: still denied.
    assert.deepEqual(issuesOf(operation([])({ query: 'debug=1' })), [{ pointer: '/query/debug', keyword: 'unknown' }]);
  });

  test('empty values: a string schema gets "", others refuse it unless allowEmptyValue (then it is left out)', () => {
    const string = operation([{ name: 'q', in: 'query', schema: STRING }]);
    assert.deepEqual(valuesOf(string({ query: 'q' })).query, { q: '' });
    assert.deepEqual(valuesOf(string({ query: 'q=' })).query, { q: '' });
    const minLength = operation([{ name: 'q', in: 'query', schema: { type: 'string', minLength: 1 } }]);
    assert.deepEqual(issuesOf(minLength({ query: 'q=' })), [{ pointer: '/query/q', keyword: 'minLength' }]);
    const flag = operation([{ name: 'flag', in: 'query', required: true, schema: { type: 'boolean' } }]);
    assert.deepEqual(issuesOf(flag({ query: 'flag' })), [{ pointer: '/query/flag', keyword: 'type' }]);
    const allowed = operation([{ name: 'flag', in: 'query', required: true, allowEmptyValue: true, schema: { type: 'boolean' } }]);
    const result = allowed({ query: 'flag' });
    assert.deepEqual(valuesOf(result).query, {});
    assert.deepEqual(valuesOf(allowed({ query: 'flag=true' })).query, { flag: true });
    assert.deepEqual(issuesOf(allowed({ query: '' })), [{ pointer: '/query/flag', keyword: 'required' }]);
  });

  test('invalid percent-encoding is an issue, never a throw', () => {
    const validate = operation([{ name: 'q', in: 'query', schema: STRING }]);
    assert.deepEqual(issuesOf(validate({ query: 'q=%zz' })), [{ pointer: '/query/q', keyword: 'encoding' }]);
    assert.deepEqual(issuesOf(validate({ query: 'q=%E2%82' })), [{ pointer: '/query/q', keyword: 'encoding' }]);
    assert.deepEqual(issuesOf(validate({ query: 'q=%' })), [{ pointer: '/query/q', keyword: 'encoding' }]);
    assert.deepEqual(issuesOf(validate({ query: '%zz=1' })), [{ pointer: '/query', keyword: 'encoding' }]);
    assert.deepEqual(valuesOf(validate({ query: 'q=%E2%82%AC+%F0%9F%98%80' })).query, { q: '€ 😀' });
  });

  test('content parameters: JSON parsed then validated; invalid JSON, prototype keys and deep nesting refused', () => {
    const filter = {
      name: 'filter',
      in: 'query',
      content: { 'application/json': { schema: { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: false } } },
    };
    const validate = operation([filter]);
    assert.deepEqual(valuesOf(validate({ query: `filter=${encodeURIComponent('{"a":1}')}` })).query, { filter: { a: 1 } });
    // A string is not coerced inside JSON: the schema sees what the JSON says.
    assert.deepEqual(issuesOf(validate({ query: `filter=${encodeURIComponent('{"a":"1"}')}` })), [{ pointer: '/query/filter/a', keyword: 'type' }]);
    assert.deepEqual(issuesOf(validate({ query: 'filter={a:1}' })), [{ pointer: '/query/filter', keyword: 'content' }]);
    assert.deepEqual(issuesOf(validate({ query: `filter=${encodeURIComponent('{"__proto__":{"x":1}}')}` })), [{ pointer: '/query/filter', keyword: 'forbiddenKey' }]);
    assert.deepEqual(issuesOf(validate({ query: `filter=${'%5B'.repeat(40)}${'%5D'.repeat(40)}` })), [{ pointer: '/query/filter', keyword: 'maxDepth' }]);
    assert.deepEqual(issuesOf(validate({ query: 'filter=1&filter=2' })), [{ pointer: '/query/filter', keyword: 'duplicate' }]);
    // In a header, and a non-JSON media type is the text itself.
    const header = operation([
      { name: 'X-Filter', in: 'header', content: { 'application/vnd.api+json': { schema: { type: 'array' } } } },
      { name: 'note', in: 'query', content: { 'text/plain': { schema: { type: 'string', maxLength: 3 } } } },
    ]);
    assert.deepEqual(valuesOf(header({ headers: [['x-filter', ' [1,2] ']], query: 'note=abc' })), {
      path: {},
      query: { note: 'abc' },
      header: { 'X-Filter': [1, 2] },
      cookie: {},
    });
  });

  test('issues are capped at maxIssues, and many or long parameters neither throw nor run away', () => {
    const validate = operation([{ name: 'a', in: 'query', schema: STRING }], { maxIssues: 3 });
    const many = Array.from({ length: 5000 }, (_, i) => `p${i}=${i}`).join('&');
    const result = issuesOf(validate({ query: many }));
    assert.equal(result.length, 3);
    assert.ok(result.every((i) => i.keyword === 'unknown'));
    const long = operation([{ name: 'a', in: 'query', schema: { type: 'string', maxLength: 10 } }]);
    assert.deepEqual(issuesOf(long({ query: `a=${'x'.repeat(100_000)}` })), [{ pointer: '/query/a', keyword: 'maxLength' }]);
    const list = operation([{ name: 'a', in: 'query', schema: { type: 'array', maxItems: 5, items: STRING } }]);
    assert.deepEqual(issuesOf(list({ query: Array.from({ length: 10_000 }, () => 'a=1').join('&') })), [{ pointer: '/query/a', keyword: 'maxItems' }]);
  });

  test('values are prototype-less and carry what was sent (no schema defaults injected)', () => {
    const validate = operation([{ name: 'limit', in: 'query', schema: { type: 'integer', default: 10 } }]);
    const result = validate({ query: '' });
    assert.ok(result.ok);
    assert.equal(Object.hasOwn(result.values.query, 'limit'), false);
    assert.equal(Object.getPrototypeOf(result.values.query), null);
  });

  test('issue pointers escape ~ and / in parameter names', () => {
    const validate = operation([{ name: 'a/b~c', in: 'query', required: true, schema: STRING }]);
    assert.deepEqual(issuesOf(validate({})), [{ pointer: '/query/a~1b~0c', keyword: 'required' }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: serializing a value in a style, then reading it back, gives the value.

type Sample = readonly (number | string | boolean)[] | Readonly<Record<string, number | string | boolean>>;

const SAMPLE_SCHEMAS = {
  integers: { type: 'array', items: { type: 'integer' } },
  strings: { type: 'array', items: { type: 'string' } },
  booleans: { type: 'array', items: { type: 'boolean' } },
  object: {
    type: 'object',
    properties: { i: { type: 'integer' }, s: { type: 'string' }, b: { type: 'boolean' } },
    required: ['i', 's', 'b'],
    additionalProperties: false,
  },
} as const;
type SampleKind = keyof typeof SAMPLE_SCHEMAS;

/** Strings that survive locations where the caller hands over decoded text (path) or none is decoded (header). */
const plainText = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
/** Any non-empty text without spaces (a space is the spaceDelimited separator itself). */
const anyText = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }).filter((s) => !s.includes(' '));
const integers = fc.oneof(fc.integer(), fc.maxSafeInteger());

function sampleOf(kind: SampleKind, text: fc.Arbitrary<string>): fc.Arbitrary<Sample> {
  switch (kind) {
    case 'integers':
      return fc.array(integers, { maxLength: 6 });
    case 'strings':
      return fc.array(text, { maxLength: 6 });
    case 'booleans':
      return fc.array(fc.boolean(), { maxLength: 6 });
    case 'object':
      return fc.record({ i: integers, s: text, b: fc.boolean() });
  }
}

function partsOf(value: Sample): string[] {
  return Array.isArray(value) ? value.map(String) : Object.entries(value).flatMap(([k, v]) => [k, String(v)]);
}
function entriesOf(value: Sample): [string, string][] {
  return Object.entries(value).map(([k, v]) => [k, String(v)]);
}

/** A serializer written from the spec's table, independent of the parser. */
function serialize(location: string, style: string, explode: boolean, value: Sample): RequestParts {
  const name = 'color';
  const e = encodeURIComponent;
  const isArray = Array.isArray(value);
  switch (location) {
    case 'path': {
      const list = partsOf(value);
      let text: string;
      if (style === 'simple') text = isArray || !explode ? list.join(',') : entriesOf(value).map(([k, v]) => `${k}=${v}`).join(',');
      else if (style === 'label') {
        text = `.${isArray ? list.join(explode ? '.' : ',') : explode ? entriesOf(value).map(([k, v]) => `${k}=${v}`).join('.') : list.join(',')}`;
      } else if (isArray && explode) text = list.length === 0 ? `;${name}` : list.map((v) => `;${name}=${v}`).join('');
      else if (!isArray && explode) text = entriesOf(value).map(([k, v]) => `;${k}=${v}`).join('');
      else text = list.length === 0 ? `;${name}` : `;${name}=${list.join(',')}`;
      return { path: { [name]: text } };
    }
    case 'query': {
      if (style === 'deepObject') return { query: entriesOf(value).map(([k, v]) => `${name}[${e(k)}]=${e(v)}`).join('&') };
      if (style === 'form' && explode) {
        if (!isArray) return { query: entriesOf(value).map(([k, v]) => `${e(k)}=${e(v)}`).join('&') };
        return { query: value.length === 0 ? `${name}=` : value.map((v) => `${name}=${e(String(v))}`).join('&') };
      }
      const separator = style === 'spaceDelimited' ? '%20' : style === 'pipeDelimited' ? '|' : ',';
      return { query: `${name}=${partsOf(value).map(e).join(separator)}` };
    }
    case 'header': {
      const text = isArray || !explode ? partsOf(value).join(',') : entriesOf(value).map(([k, v]) => `${k}=${v}`).join(',');
      return { headers: [[name, text]] };
    }
    default: {
      if (!isArray && explode) return { headers: [['cookie', entriesOf(value).map(([k, v]) => `${k}=${e(v)}`).join('; ')]] };
      return { headers: [['cookie', `${name}=${partsOf(value).map(e).join(',')}`]] };
    }
  }
}

interface RoundTrip {
  readonly location: 'path' | 'query' | 'header' | 'cookie';
  readonly style: string;
  readonly explode: boolean;
  readonly kinds: readonly SampleKind[];
  readonly text: fc.Arbitrary<string>;
}

const ALL_KINDS: readonly SampleKind[] = ['integers', 'strings', 'booleans', 'object'];
const ROUND_TRIPS: readonly RoundTrip[] = [
  ...['simple', 'label', 'matrix'].flatMap((style) =>
    [false, true].map((explode): RoundTrip => ({ location: 'path', style, explode, kinds: ALL_KINDS, text: plainText })),
  ),
  { location: 'query', style: 'form', explode: false, kinds: ALL_KINDS, text: anyText },
  { location: 'query', style: 'form', explode: true, kinds: ALL_KINDS, text: anyText },
  { location: 'query', style: 'spaceDelimited', explode: false, kinds: ALL_KINDS, text: anyText },
  { location: 'query', style: 'pipeDelimited', explode: false, kinds: ALL_KINDS, text: anyText },
  { location: 'query', style: 'deepObject', explode: true, kinds: ['object'], text: anyText },
  { location: 'header', style: 'simple', explode: false, kinds: ALL_KINDS, text: plainText },
  { location: 'header', style: 'simple', explode: true, kinds: ALL_KINDS, text: plainText },
  { location: 'cookie', style: 'form', explode: false, kinds: ALL_KINDS, text: anyText },
  { location: 'cookie', style: 'form', explode: true, kinds: ['object'], text: anyText },
];

describe('property: serialize in a style, parse back, get the value', () => {
  for (const trip of ROUND_TRIPS) {
    for (const kind of trip.kinds) {
      test(`${trip.location} ${trip.style} explode=${trip.explode} ${kind}`, () => {
        const validate = operation(
          [{ name: 'color', in: trip.location, required: trip.location === 'path', style: trip.style, explode: trip.explode, schema: SAMPLE_SCHEMAS[kind] }],
          trip.location === 'path' ? { template: '/c/{color}' } : {},
        );
        fc.assert(
          fc.property(sampleOf(kind, trip.text), (value) => {
            const result = validate(serialize(trip.location, trip.style, trip.explode, value));
            assert.deepEqual(valuesOf(result)[trip.location], { color: plain(value) });
          }),
          { numRuns: 60 },
        );
      });
    }
  }
});

describe('property: hostile input never throws', () => {
  test('any query string, header and cookie text gives a result with fixed messages', () => {
    const validate = operation(
      [
        { name: 'id', in: 'path', required: true, style: 'matrix', explode: true, schema: { type: 'array', items: { type: 'integer' } } },
        { name: 'f', in: 'query', style: 'deepObject', schema: { type: 'object', additionalProperties: { type: 'array', items: { type: 'number' } } } },
        { name: 'rest', in: 'query', schema: { type: 'object', additionalProperties: true } },
        { name: 'p', in: 'query', style: 'pipeDelimited', schema: { type: 'array', items: { type: 'boolean' } } },
        { name: 'j', in: 'query', content: { 'application/json': { schema: {} } } },
        { name: 'X-L', in: 'header', schema: { type: 'object' } },
        { name: 'c', in: 'cookie', explode: false, schema: { type: 'array', items: { type: 'integer' } } },
      ],
      { template: '/x/{id}' },
    );
    const text = fc.string({ unit: fc.constantFrom('a', 'f', 'j', 'p', 'c', 'id', '1', '%', '%2', '%5B', '%zz', '&', '=', '[', ']', ',', '|', '+', ';', '.', '_', '__proto__', 'constructor', 'prototype', '{', '"', ' ', 'é'), maxLength: 60 });
    const messages = new Set<string>();
    fc.assert(
      fc.property(text, text, text, text, (path, query, header, cookie) => {
        const result = validate({ path: { id: path }, query, headers: [['x-l', header], ['cookie', cookie]] });
        if (!result.ok) for (const i of result.issues) if (i.message !== 'invalid') messages.add(i.message);
      }),
      { numRuns: 500 },
    );
    // Only this module's fixed texts (the harness's own schema issues say 'invalid').
    const keywords = ['required', 'duplicate', 'unknown', 'style', 'content', 'encoding', 'forbiddenKey', 'maxDepth', 'maxKeys'] as const;
    const fixed = new Set(keywords.map((keyword) => issue('/x', keyword).message));
    for (const message of messages) assert.ok(fixed.has(message), message);
    assert.ok(messages.size >= 3, 'the generator reaches several kinds of problem');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
