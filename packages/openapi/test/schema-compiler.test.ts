import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DocumentError, type LoadedDocument, type OpenApiVersion } from '../src/document/types.js';
import { hasNestedQuantifier, patternSyntax } from '../src/schema/pattern-checks.js';
import { SchemaCompiler, type SchemaCompilerOptions } from '../src/schema/schema-compiler.js';
import type { SchemaDirection, ValidationIssue } from '../src/schema/types.js';

/** A small LoadedDocument whose schemas live under #/components/schemas. */
function documentWith(version: OpenApiVersion, schemas: Record<string, unknown>): LoadedDocument {
  return {
    version,
    root: { openapi: version === '3.0' ? '3.0.3' : '3.1.0', paths: {}, components: { schemas } },
    describe: (pointer) => `api.yaml${pointer}`,
    warnings: [],
  };
}

function compilerFor(
  version: OpenApiVersion,
  schemas: Record<string, unknown>,
  options: Partial<SchemaCompilerOptions> = {},
): SchemaCompiler {
  return new SchemaCompiler(documentWith(version, schemas), { closedObjects: false, formats: {}, maxIssues: 20, ...options });
}

/** Validates `value` against #/components/schemas/<name>; returns the issues (undefined when valid). */
function check(
  compiler: SchemaCompiler,
  name: string,
  value: unknown,
  direction: SchemaDirection = 'request',
): readonly ValidationIssue[] | undefined {
  return compiler.compile(`#/components/schemas/${name}`, direction).validate(value, '/body');
}

function codes(compiler: SchemaCompiler): string[] {
  return compiler.warnings.map((warning) => `${warning.code} ${warning.location}`);
}

describe('SchemaCompiler: OpenAPI 3.0 transforms', () => {
  it('nullable with a type admits null; without nullable, null is refused', () => {
    const compiler = compilerFor('3.0', {
      Maybe: { type: 'string', nullable: true },
      Never: { type: 'string' },
    });
    assert.equal(check(compiler, 'Maybe', null), undefined);
    assert.equal(check(compiler, 'Maybe', 'x'), undefined);
    assert.deepEqual(check(compiler, 'Maybe', 3), [{ pointer: '/body', keyword: 'type', message: 'must be string or null' }]);
    assert.deepEqual(check(compiler, 'Never', null), [{ pointer: '/body', keyword: 'type', message: 'must be string' }]);
    assert.deepEqual(codes(compiler), []);
  });

  it('a nullable enum admits null as well as its values', () => {
    const compiler = compilerFor('3.0', { Colour: { type: 'string', enum: ['red', 'blue'], nullable: true } });
    assert.equal(check(compiler, 'Colour', null), undefined);
    assert.equal(check(compiler, 'Colour', 'red'), undefined);
    assert.equal(check(compiler, 'Colour', 'green')?.[0]?.keyword, 'enum');
  });

  it('nullable without type (allOf + $ref, as GitHub writes it) admits null and still checks the rest, with a warning', () => {
    const compiler = compilerFor('3.0', {
      User: { type: 'object', required: ['login'], properties: { login: { type: 'string' } } },
      Owner: { nullable: true, allOf: [{ $ref: '#/components/schemas/User' }] },
    });
    assert.equal(check(compiler, 'Owner', null), undefined);
    assert.equal(check(compiler, 'Owner', { login: 'octocat' }), undefined);
    assert.notEqual(check(compiler, 'Owner', { login: 7 }), undefined);
    assert.deepEqual(codes(compiler), ['nullable-without-type api.yaml#/components/schemas/Owner/nullable']);
  });

  it('boolean exclusiveMinimum/exclusiveMaximum become the numeric form', () => {
    const compiler = compilerFor('3.0', {
      Ratio: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true },
      Closed: { type: 'number', minimum: 0, exclusiveMinimum: false, maximum: 1 },
    });
    assert.equal(check(compiler, 'Ratio', 0.5), undefined);
    assert.equal(check(compiler, 'Ratio', 0)?.[0]?.keyword, 'exclusiveMinimum');
    assert.equal(check(compiler, 'Ratio', 1)?.[0]?.keyword, 'exclusiveMaximum');
    assert.equal(check(compiler, 'Closed', 0), undefined);
    assert.equal(check(compiler, 'Closed', 1), undefined);
    assert.deepEqual(codes(compiler), []);
  });

  it('tolerates example (even with $id inside, as Box has), x-*, xml, externalDocs, deprecated, without a warning', () => {
    const compiler = compilerFor('3.0', {
      A: { type: 'object', example: { $id: '0123', type: 'file' }, 'x-box-resource-id': 'a', xml: { name: 'a' }, externalDocs: { url: 'https://x' }, deprecated: true },
      B: { type: 'object', example: { $id: '0123' }, properties: { a: { $ref: '#/components/schemas/A' } } },
    });
    assert.equal(check(compiler, 'B', { a: {} }), undefined);
    assert.equal(check(compiler, 'A', {}), undefined);
    assert.deepEqual(codes(compiler), []);
  });

  it('$ref siblings are ignored in 3.0, with a warning when they would constrain something', () => {
    const compiler = compilerFor('3.0', {
      Name: { type: 'string' },
      Short: { $ref: '#/components/schemas/Name', maxLength: 2 },
      Documented: { $ref: '#/components/schemas/Name', description: 'only words' },
    });
    assert.equal(check(compiler, 'Short', 'a long name'), undefined);
    assert.equal(check(compiler, 'Documented', 'x'), undefined);
    assert.deepEqual(codes(compiler), ['ref-siblings-ignored api.yaml#/components/schemas/Short']);
  });

  it('discriminator is a hint: oneOf keeps its "exactly one" meaning', () => {
    const compiler = compilerFor('3.0', {
      Cat: { type: 'object', required: ['kind'], properties: { kind: { type: 'string' }, purrs: { type: 'boolean' } } },
      Dog: { type: 'object', required: ['kind'], properties: { kind: { type: 'string' }, barks: { type: 'boolean' } } },
      Pet: {
        oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }],
        discriminator: { propertyName: 'kind', mapping: { cat: '#/components/schemas/Cat' } },
      },
    });
    // Matches both branches: refused, whatever `kind` says.
    assert.equal(check(compiler, 'Pet', { kind: 'cat' })?.some((issue) => issue.keyword === 'oneOf'), true);
    assert.equal(check(compiler, 'Pet', { kind: 'cat', purrs: 'yes' }), undefined);
  });
});

describe('SchemaCompiler: OpenAPI 3.1 transforms', () => {
  it('$ref siblings apply in 3.1', () => {
    const compiler = compilerFor('3.1', {
      Name: { type: 'string' },
      Short: { $ref: '#/components/schemas/Name', maxLength: 2 },
    });
    assert.equal(check(compiler, 'Short', 'ab'), undefined);
    assert.equal(check(compiler, 'Short', 'abc')?.[0]?.keyword, 'maxLength');
    assert.equal(check(compiler, 'Short', 5)?.[0]?.keyword, 'type');
    assert.deepEqual(codes(compiler), []);
  });

  it('3.0 keywords in a 3.1 document (openai.json) keep their 3.0 meaning, with warnings', () => {
    const compiler = compilerFor('3.1', {
      Temperature: { type: 'number', minimum: 0, exclusiveMinimum: true, nullable: true },
      Ref: { $ref: '#/components/schemas/Temperature', nullable: true },
      Fixed: { type: 'string', const: 'a', nullable: true },
    });
    assert.equal(check(compiler, 'Temperature', null), undefined);
    assert.equal(check(compiler, 'Temperature', 0)?.[0]?.keyword, 'exclusiveMinimum');
    assert.equal(check(compiler, 'Ref', null), undefined);
    assert.equal(check(compiler, 'Ref', -1)?.some((issue) => issue.keyword === 'exclusiveMinimum'), true);
    assert.equal(check(compiler, 'Fixed', null), undefined);
    assert.equal(check(compiler, 'Fixed', 'b')?.some((issue) => issue.keyword === 'const'), true);
    assert.deepEqual(codes(compiler).sort(), [
      'boolean-exclusive-bound api.yaml#/components/schemas/Temperature/exclusiveMinimum',
      'nullable-in-3.1 api.yaml#/components/schemas/Fixed/nullable',
      'nullable-in-3.1 api.yaml#/components/schemas/Ref/nullable',
      'nullable-in-3.1 api.yaml#/components/schemas/Temperature/nullable',
      'nullable-without-type api.yaml#/components/schemas/Ref/nullable',
    ]);
  });

  it('$recursiveRef "#" refers to the enclosing $recursiveAnchor schema (openai CompoundFilter)', () => {
    const compiler = compilerFor('3.1', {
      Comparison: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } },
      CompoundFilter: {
        $recursiveAnchor: true,
        type: 'object',
        required: ['filters'],
        properties: {
          type: { type: 'string', enum: ['and', 'or'] },
          filters: { type: 'array', items: { oneOf: [{ $ref: '#/components/schemas/Comparison' }, { $recursiveRef: '#' }] } },
        },
      },
    });
    const nested = { type: 'and', filters: [{ key: 'a' }, { type: 'or', filters: [{ key: 'b' }] }] };
    assert.equal(check(compiler, 'CompoundFilter', nested), undefined);
    const broken = { type: 'and', filters: [{ type: 'or', filters: [{ key: 3 }] }] };
    assert.notEqual(check(compiler, 'CompoundFilter', broken), undefined);
    assert.deepEqual(codes(compiler), [
      'recursive-ref api.yaml#/components/schemas/CompoundFilter/properties/filters/items/oneOf/1/$recursiveRef',
    ]);
  });

  it('type arrays and const (2020-12 natives) work', () => {
    const compiler = compilerFor('3.1', { Id: { type: ['string', 'integer'] }, Fixed: { const: 'v1' } });
    assert.equal(check(compiler, 'Id', 'a'), undefined);
    assert.equal(check(compiler, 'Id', 3), undefined);
    assert.deepEqual(check(compiler, 'Id', true), [{ pointer: '/body', keyword: 'type', message: 'must be string or integer' }]);
    assert.equal(check(compiler, 'Fixed', 'v2')?.[0]?.message, 'must be equal to the allowed value');
  });
});

describe('SchemaCompiler: broken schema content', () => {
  it('an empty enum (Discord) admits nothing, reported as enum, with a warning naming where', () => {
    const compiler = compilerFor('3.1', { Action: { type: 'string', enum: [] } });
    assert.deepEqual(check(compiler, 'Action', 'approve'), [{ pointer: '/body', keyword: 'enum', message: 'must be one of the allowed values' }]);
    assert.deepEqual(codes(compiler), ['empty-enum api.yaml#/components/schemas/Action/enum']);
  });

  it('a duplicated enum (Kubernetes) is deduplicated with a warning', () => {
    const compiler = compilerFor('3.0', { Policy: { type: 'string', enum: ['Cluster', 'Cluster', 'Local', 'Local'] } });
    assert.equal(check(compiler, 'Policy', 'Local'), undefined);
    assert.equal(check(compiler, 'Policy', 'Other')?.[0]?.keyword, 'enum');
    assert.deepEqual(codes(compiler), ['duplicate-enum api.yaml#/components/schemas/Policy/enum']);
  });

  it('a pattern invalid under the u flag (DigitalOcean) is enforced without u, with a warning', () => {
    const compiler = compilerFor('3.0', { Tag: { type: 'string', pattern: '^[a-zA-Z0-9_\\-\\:]+$' } });
    assert.equal(check(compiler, 'Tag', 'env:prod-1'), undefined);
    assert.deepEqual(check(compiler, 'Tag', 'env prod'), [{ pointer: '/body', keyword: 'pattern', message: 'must match the required pattern' }]);
    assert.deepEqual(codes(compiler), ['pattern-not-unicode api.yaml#/components/schemas/Tag/pattern']);
  });

  it('a pattern invalid in every mode is a DocumentError naming it', () => {
    const compiler = compilerFor('3.0', { Bad: { type: 'object', properties: { a: { type: 'string', pattern: '([a-z' } } } });
    assert.throws(
      () => compiler.compile('#/components/schemas/Bad', 'request'),
      (error: unknown) => error instanceof DocumentError && error.location === 'api.yaml#/components/schemas/Bad/properties/a/pattern',
    );
  });

  it('warns about nested quantifiers (star height > 1) and still enforces the pattern', () => {
    const compiler = compilerFor('3.0', { Words: { type: 'string', maxLength: 64, pattern: '^(\\w+\\s?)+$' } });
    assert.equal(check(compiler, 'Words', 'two words'), undefined);
    assert.equal(check(compiler, 'Words', 'no!')?.[0]?.keyword, 'pattern');
    // maxLength is checked before the pattern: an overlong value never reaches the regex.
    assert.equal(check(compiler, 'Words', 'a'.repeat(65))?.[0]?.keyword, 'maxLength');
    assert.deepEqual(codes(compiler), ['pattern-nested-quantifier api.yaml#/components/schemas/Words/pattern']);
  });

  it('detects nested quantifiers and leaves fixed counts alone', () => {
    assert.equal(hasNestedQuantifier('(a+)+'), true);
    assert.equal(hasNestedQuantifier('^(?:\\w*\\s?)*$'), true);
    assert.equal(hasNestedQuantifier('(x{1,5}){2,}'), true);
    assert.equal(hasNestedQuantifier('^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==)?$'), false);
    assert.equal(hasNestedQuantifier('^[a-z]+(-[a-z]?)*$'), false);
    assert.equal(hasNestedQuantifier('[(a+)]+'), false);
    assert.equal(hasNestedQuantifier('\\(a+\\)+'), false);
    assert.equal(patternSyntax('^[a-zA-Z0-9_\\-\\:]+$'), 'legacy-only');
    assert.equal(patternSyntax('^\\p{L}+$'), 'unicode');
    assert.equal(patternSyntax('(('), 'invalid');
  });

  it('unknown formats are not validated, with one warning per format name (first location)', () => {
    const compiler = compilerFor('3.0', {
      A: { type: 'string', format: 'snowflake' },
      B: { type: 'object', properties: { id: { type: 'string', format: 'snowflake' }, at: { type: 'integer', format: 'unix-time' } } },
    });
    assert.equal(check(compiler, 'A', 'not a snowflake'), undefined);
    assert.equal(check(compiler, 'B', { id: 'x', at: 1 }), undefined);
    assert.deepEqual(codes(compiler), [
      'unknown-format api.yaml#/components/schemas/A/format',
      'unknown-format api.yaml#/components/schemas/B/properties/at/format',
    ]);
  });

  it('user formats validate, and override ajv-formats', () => {
    const compiler = compilerFor(
      '3.0',
      { A: { type: 'string', format: 'snowflake' }, E: { type: 'string', format: 'email' }, D: { type: 'string', format: 'date' } },
      { formats: { snowflake: /^\d{1,20}$/, email: (value) => value.endsWith('@example.com') } },
    );
    assert.equal(check(compiler, 'A', '1234'), undefined);
    assert.deepEqual(check(compiler, 'A', 'abc'), [{ pointer: '/body', keyword: 'format', message: 'must match the expected format' }]);
    assert.equal(check(compiler, 'E', 'me@example.com'), undefined);
    assert.equal(check(compiler, 'E', 'me@other.org')?.[0]?.keyword, 'format');
    assert.equal(check(compiler, 'D', '2024-02-30')?.[0]?.keyword, 'format');
    assert.deepEqual(codes(compiler), []);
  });

  it('unknown keywords are ignored with one warning per keyword name', () => {
    const compiler = compilerFor('3.1', {
      A: { type: 'array', min_items: 2, items: { type: 'number', min_items: 1 } },
    });
    assert.equal(check(compiler, 'A', [1]), undefined);
    assert.deepEqual(codes(compiler), ['unknown-keyword api.yaml#/components/schemas/A/min_items']);
  });

  it('maps the remaining old forms: tuple items, $dynamicRef, exclusive bound without limit, unknown type names', () => {
    const compiler = compilerFor('3.1', {
      Pair: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }], additionalItems: false },
      Tree: { $dynamicAnchor: 'node', type: 'object', properties: { kids: { type: 'array', items: { $dynamicRef: '#node' } }, n: { type: 'integer' } } },
      Loose: { type: 'integer', exclusiveMinimum: true },
      Odd: { type: ['string', 'file'] },
    });
    assert.equal(check(compiler, 'Pair', ['a', 1]), undefined);
    assert.equal(check(compiler, 'Pair', [1, 'a'])?.[0]?.pointer, '/body/0');
    assert.equal(check(compiler, 'Pair', ['a', 1, 2])?.[0]?.keyword, 'items');
    assert.equal(check(compiler, 'Tree', { kids: [{ kids: [{ n: 1 }] }] }), undefined);
    assert.equal(check(compiler, 'Tree', { kids: [{ kids: [{ n: 'x' }] }] })?.[0]?.pointer, '/body/kids/0/kids/0/n');
    assert.equal(check(compiler, 'Loose', 0), undefined);
    assert.equal(check(compiler, 'Odd', 'x'), undefined);
    assert.deepEqual(codes(compiler).sort(), [
      'boolean-exclusive-bound api.yaml#/components/schemas/Loose/exclusiveMinimum',
      'dynamic-ref api.yaml#/components/schemas/Tree/properties/kids/items/$dynamicRef',
      'exclusive-bound-without-limit api.yaml#/components/schemas/Loose/exclusiveMinimum',
      'tuple-items api.yaml#/components/schemas/Pair/items',
      'unknown-type api.yaml#/components/schemas/Odd/type',
    ]);
  });

  it('a keyword value of the wrong kind is a DocumentError naming it', () => {
    const compiler = compilerFor('3.0', { A: { type: 'object', properties: { s: { type: 'string', maxLength: '10' } } } });
    assert.throws(
      () => compiler.compile('#/components/schemas/A', 'request'),
      (error: unknown) => error instanceof DocumentError && error.location === 'api.yaml#/components/schemas/A/properties/s/maxLength',
    );
  });

  it('a $ref that does not resolve is a DocumentError at the $ref', () => {
    const compiler = compilerFor('3.0', { A: { type: 'object', properties: { b: { $ref: '#/components/schemas/Missing' } } } });
    assert.throws(
      () => compiler.compile('#/components/schemas/A', 'request'),
      (error: unknown) => error instanceof DocumentError && error.location === 'api.yaml#/components/schemas/A/properties/b/$ref',
    );
    assert.throws(() => compiler.compile('#/components/schemas/Nope', 'request'), DocumentError);
  });

  it('after a DocumentError, other schemas still compile and the broken one keeps failing at its place', () => {
    const compiler = compilerFor('3.0', {
      Good: { type: 'string' },
      Broken: { type: 'object', properties: { g: { $ref: '#/components/schemas/Good' }, p: { type: 'string', pattern: '((' } } },
      UsesBroken: { type: 'array', items: { $ref: '#/components/schemas/Broken' } },
    });
    const atPattern = (error: unknown): boolean =>
      error instanceof DocumentError && error.location === 'api.yaml#/components/schemas/Broken/properties/p/pattern';
    assert.throws(() => compiler.compile('#/components/schemas/UsesBroken', 'request'), atPattern);
    assert.throws(() => compiler.compile('#/components/schemas/UsesBroken', 'request'), atPattern);
    assert.throws(() => compiler.compile('#/components/schemas/Broken', 'request'), atPattern);
    assert.equal(check(compiler, 'Good', 'x'), undefined);
  });
});

describe('SchemaCompiler: readOnly / writeOnly', () => {
  const schemas = {
    Id: { type: 'integer', readOnly: true },
    Base: {
      type: 'object',
      required: ['id', 'secret', 'name'],
      properties: {
        id: { $ref: '#/components/schemas/Id' },
        secret: { type: 'string', writeOnly: true },
        name: { type: 'string' },
      },
    },
    Extended: {
      allOf: [{ $ref: '#/components/schemas/Base' }, { type: 'object', required: ['created'], properties: { created: { type: 'string', readOnly: true } } }],
    },
    Split: {
      allOf: [
        { type: 'object', properties: { stamp: { type: 'string', readOnly: true }, note: { type: 'string' } } },
        { required: ['stamp', 'note'] },
      ],
    },
  };

  it('in a request, a read-only property (through $ref) is refused when present and not required', () => {
    const compiler = compilerFor('3.0', schemas);
    assert.equal(check(compiler, 'Base', { secret: 's', name: 'n' }), undefined);
    assert.deepEqual(check(compiler, 'Base', { id: 1, secret: 's', name: 'n' }), [{ pointer: '/body/id', keyword: 'readOnly', message: 'is read-only' }]);
    assert.deepEqual(check(compiler, 'Base', { name: 'n' }), [{ pointer: '/body/secret', keyword: 'required', message: 'must have the required property' }]);
  });

  it('in a response, a write-only property is refused when present and not required; read-only is fine', () => {
    const compiler = compilerFor('3.0', schemas);
    assert.equal(check(compiler, 'Base', { id: 1, name: 'n' }, 'response'), undefined);
    assert.deepEqual(check(compiler, 'Base', { id: 1, name: 'n', secret: 's' }, 'response'), [
      { pointer: '/body/secret', keyword: 'writeOnly', message: 'is write-only' },
    ]);
    assert.equal(check(compiler, 'Base', { name: 'n' }, 'response')?.[0]?.pointer, '/body/id');
  });

  it('works through allOf, including required in one member and readOnly in another', () => {
    const compiler = compilerFor('3.0', schemas);
    assert.equal(check(compiler, 'Extended', { secret: 's', name: 'n' }), undefined);
    assert.equal(check(compiler, 'Extended', { secret: 's', name: 'n', created: 'now' })?.[0]?.keyword, 'readOnly');
    assert.equal(check(compiler, 'Extended', { id: 1, name: 'n', created: 'now' }, 'response'), undefined);
    assert.equal(check(compiler, 'Split', { note: 'x' }), undefined);
    assert.equal(check(compiler, 'Split', { note: 'x', stamp: 'y' })?.[0]?.keyword, 'readOnly');
    assert.equal(check(compiler, 'Split', { note: 'x' }, 'response')?.[0]?.pointer, '/body/stamp');
  });

  it('a nullable read-only property is refused even when sent as null', () => {
    const compiler = compilerFor('3.0', {
      Thing: { type: 'object', properties: { owner: { nullable: true, readOnly: true, allOf: [{ type: 'string' }] } } },
    });
    assert.equal(check(compiler, 'Thing', { owner: null }, 'request')?.[0]?.keyword, 'readOnly');
    assert.equal(check(compiler, 'Thing', { owner: null }, 'response'), undefined);
  });
});

describe('SchemaCompiler: closedObjects', () => {
  const schemas = {
    Base: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
    Named: { allOf: [{ $ref: '#/components/schemas/Base' }, { type: 'object', properties: { name: { type: 'string' } } }] },
    Holder: { type: 'object', properties: { base: { $ref: '#/components/schemas/Base' }, nested: { type: 'object', properties: { a: { type: 'string' } } } } },
    Map: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } },
    Free: { type: 'object' },
    Either: { anyOf: [{ $ref: '#/components/schemas/Base' }, { type: 'object', properties: { code: { type: 'string' } } }] },
  };

  it('closes plain objects, naming the extra property when its name is safe', () => {
    const compiler = compilerFor('3.0', schemas, { closedObjects: true });
    assert.equal(check(compiler, 'Base', { id: 1 }), undefined);
    assert.deepEqual(check(compiler, 'Base', { id: 1, isAdmin: true }), [
      { pointer: '/body/isAdmin', keyword: 'unevaluatedProperties', message: 'must not have additional properties' },
    ]);
    assert.deepEqual(check(compiler, 'Base', { id: 1, '<img src=x>': true }), [
      { pointer: '/body', keyword: 'unevaluatedProperties', message: 'must not have additional properties' },
    ]);
  });

  it('is correct across allOf: properties of every member are allowed, others refused', () => {
    const compiler = compilerFor('3.0', schemas, { closedObjects: true });
    assert.equal(check(compiler, 'Named', { id: 1, name: 'n' }), undefined);
    assert.equal(check(compiler, 'Named', { id: 1, name: 'n', role: 'admin' })?.[0]?.pointer, '/body/role');
    // The shared component stays closed when used on its own.
    assert.equal(check(compiler, 'Base', { id: 1, name: 'n' })?.[0]?.keyword, 'unevaluatedProperties');
  });

  it('closes nested and referenced property objects, and anyOf by the branch that matched', () => {
    const compiler = compilerFor('3.0', schemas, { closedObjects: true });
    assert.equal(check(compiler, 'Holder', { base: { id: 1 }, nested: { a: 'x' } }), undefined);
    assert.equal(check(compiler, 'Holder', { base: { id: 1, x: 1 } })?.[0]?.pointer, '/body/base/x');
    assert.equal(check(compiler, 'Holder', { nested: { b: 1 } })?.[0]?.pointer, '/body/nested/b');
    assert.equal(check(compiler, 'Either', { code: 'x' }), undefined);
    assert.equal(check(compiler, 'Either', { code: 'x', other: 1 })?.[0]?.keyword, 'unevaluatedProperties');
  });

  it('leaves additionalProperties and free-form objects alone; off by default', () => {
    const closed = compilerFor('3.0', schemas, { closedObjects: true });
    assert.equal(check(closed, 'Map', { a: 'x', b: 'y' }), undefined);
    assert.equal(check(closed, 'Map', { b: 1 })?.[0]?.keyword, 'type');
    assert.equal(check(closed, 'Free', { anything: 1 }), undefined);
    const open = compilerFor('3.0', schemas);
    assert.equal(check(open, 'Base', { id: 1, isAdmin: true }), undefined);
    assert.equal(check(open, 'Named', { id: 1, role: 'admin' }), undefined);
  });

  it('refuses __proto__ and constructor keys as extra properties, and never takes inherited ones as present', () => {
    const compiler = compilerFor('3.0', {
      ...schemas,
      Needs: { type: 'object', required: ['constructor', 'toString'], properties: { constructor: { type: 'string' } } },
    }, { closedObjects: true });
    const polluted = JSON.parse('{"id": 1, "__proto__": {"isAdmin": true}}') as unknown;
    assert.equal(check(compiler, 'Base', polluted)?.[0]?.pointer, '/body/__proto__');
    assert.equal(check(compiler, 'Needs', {})?.[0]?.keyword, 'required');
    assert.deepEqual(check(compiler, 'Needs', { constructor: 'x', toString: 'y' })?.[0]?.pointer, '/body/toString');
  });
});

describe('SchemaCompiler: issues', () => {
  it('never contain input values or schema text', () => {
    const compiler = compilerFor('3.0', {
      Secretive: {
        type: 'object',
        required: ['SECRETREQUIRED'],
        properties: {
          a: { type: 'string', pattern: '^SECRETPATTERN$' },
          b: { type: 'string', enum: ['SECRETENUM'] },
          c: { type: 'integer', maximum: 424242 },
          d: { type: 'string', maxLength: 3, minLength: 2 },
          e: { type: 'string', format: 'email' },
          f: { oneOf: [{ type: 'string', const: 'SECRETCONST' }, { type: 'integer', multipleOf: 7777 }] },
        },
      },
    }, { maxIssues: 50 });
    const inputs = [
      { a: 'INPUTVALUE1' }, { b: 'INPUTVALUE2' }, { c: 999999999 }, { d: 'INPUTVALUE3' }, { e: 'INPUTVALUE4' }, { f: 'INPUTVALUE5' }, { f: 123457 },
    ];
    for (const input of inputs) {
      const issues = check(compiler, 'Secretive', { SECRETREQUIRED: 1, ...input });
      assert.notEqual(issues, undefined);
      const text = JSON.stringify(issues);
      for (const forbidden of ['SECRET', 'INPUTVALUE', '424242', '999999999', '7777', '123457', 'email']) {
        assert.equal(text.includes(forbidden), false, `${forbidden} leaked in ${text}`);
      }
    }
  });

  it('are capped at maxIssues and prefixed', () => {
    const branches = Array.from({ length: 30 }, (_, index) => ({ type: 'object', required: [`p${index}`] }));
    const compiler = compilerFor('3.1', { Many: { anyOf: branches } }, { maxIssues: 5 });
    const issues = compiler.compile('#/components/schemas/Many', 'request').validate({}, '/query/filter');
    assert.equal(issues?.length, 5);
    assert.equal(issues?.every((issue) => issue.pointer.startsWith('/query/filter')), true);
  });

  it('point into arrays and nested objects', () => {
    const compiler = compilerFor('3.0', {
      List: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } } } },
    });
    assert.deepEqual(check(compiler, 'List', [{ n: 1 }, { n: 0 }]), [
      { pointer: '/body/1/n', keyword: 'minimum', message: 'must not be less than the allowed minimum' },
    ]);
  });
});

describe('SchemaCompiler: references and caching', () => {
  it('compiles cyclic references', () => {
    const compiler = compilerFor('3.0', {
      Node: { type: 'object', required: ['value'], properties: { value: { type: 'integer' }, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } },
    });
    let tree: Record<string, unknown> = { value: 0 };
    for (let depth = 1; depth < 30; depth++) tree = { value: depth, children: [tree] };
    assert.equal(check(compiler, 'Node', tree), undefined);
    const broken = { value: 1, children: [{ value: 2, children: [{ value: 'three' }] }] };
    assert.equal(check(compiler, 'Node', broken)?.[0]?.pointer, '/body/children/0/children/0/value');
  });

  it('transforms a shared component once per direction, however many schemas reach it', () => {
    let reads = 0;
    const shared: Record<string, unknown> = { properties: { id: { type: 'integer' } } };
    Object.defineProperty(shared, 'type', { enumerable: true, get: () => { reads += 1; return 'object'; } });
    const compiler = compilerFor('3.0', {
      Shared: shared,
      A: { type: 'object', properties: { s: { $ref: '#/components/schemas/Shared' } } },
      B: { type: 'array', items: { $ref: '#/components/schemas/Shared' } },
      C: { allOf: [{ $ref: '#/components/schemas/Shared' }] },
    }, { closedObjects: true });
    for (const name of ['A', 'B', 'C', 'Shared']) compiler.compile(`#/components/schemas/${name}`, 'request');
    assert.equal(reads, 1);
    assert.equal(check(compiler, 'B', [{ id: 1 }, { id: 'x' }])?.[0]?.pointer, '/body/1/id');
    assert.equal(check(compiler, 'C', { id: 1, extra: 1 })?.[0]?.keyword, 'unevaluatedProperties');
    compiler.compile('#/components/schemas/A', 'response');
    assert.equal(reads, 2);
  });

  it('compiles cyclic references with closed objects', () => {
    const compiler = compilerFor('3.0', {
      Node: { type: 'object', properties: { next: { $ref: '#/components/schemas/Node' }, value: { type: 'string' } } },
    }, { closedObjects: true });
    assert.equal(check(compiler, 'Node', { value: 'a', next: { value: 'b', next: {} } }), undefined);
    assert.equal(check(compiler, 'Node', { next: { next: { other: 1 } } })?.[0]?.pointer, '/body/next/next/other');
  });

  it('warns about a schema property named __proto__ (ajv never applies its schema) and refuses it when closed', () => {
    const schemas = JSON.parse('{"Odd": {"type": "object", "properties": {"__proto__": {"type": "string"}, "a": {"type": "string"}}}}') as Record<string, unknown>;
    const open = compilerFor('3.0', schemas);
    assert.equal(check(open, 'Odd', JSON.parse('{"__proto__": 1, "a": "x"}')), undefined);
    assert.deepEqual(codes(open), ['unsupported-property-name api.yaml#/components/schemas/Odd/properties/__proto__']);
    const closed = compilerFor('3.0', schemas, { closedObjects: true });
    assert.equal(check(closed, 'Odd', JSON.parse('{"__proto__": "x"}'))?.[0]?.pointer, '/body/__proto__');
  });

  it('refuses input nested deeper than the stack allows instead of throwing', () => {
    const compiler = compilerFor('3.0', { Node: { type: 'object', properties: { next: { $ref: '#/components/schemas/Node' } } } });
    let deep: Record<string, unknown> = {};
    for (let depth = 0; depth < 200_000; depth++) deep = { next: deep };
    assert.deepEqual(check(compiler, 'Node', deep), [{ pointer: '/body', keyword: 'maxDepth', message: 'is nested too deeply' }]);
  });

  it('caches per pointer and direction, and accepts the pointer with or without #', () => {
    const compiler = compilerFor('3.0', { A: { type: 'string' } });
    const first = compiler.compile('#/components/schemas/A', 'request');
    assert.equal(compiler.compile('/components/schemas/A', 'request'), first);
    assert.notEqual(compiler.compile('#/components/schemas/A', 'response'), first);
  });

  it('resolves percent-encoded $ref fragments to path-level schemas', () => {
    const document = documentWith('3.0', { Ref: { $ref: '#/paths/~1pets~1%7Bid%7D/get/parameters/0/schema' } });
    (document.root as Record<string, unknown>)['paths'] = {
      '/pets/{id}': { get: { parameters: [{ name: 'id', in: 'path', schema: { type: 'integer' } }] } },
    };
    const compiler = new SchemaCompiler(document, { closedObjects: false, formats: {}, maxIssues: 20 });
    assert.equal(check(compiler, 'Ref', 1), undefined);
    assert.equal(check(compiler, 'Ref', 'x')?.[0]?.keyword, 'type');
  });
});
