import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readOpenApiCorpus } from '../../../test/support/openapi-corpus.js';
import type { LoadedDocument, OpenApiVersion } from '../src/document/types.js';
import { SchemaCompiler } from '../src/schema/schema-compiler.js';

/**
 * Property-based: values generated from a schema validate; the same values, mutated (wrong type,
 * missing required property, extra property when closed, out of range), are refused — on
 * synthetic schemas and on real ones from the corpus.
 */

type Json = Record<string, unknown>;
type Arbitrary = fc.Arbitrary<unknown>;

const RUNS = { numRuns: 150, seed: 20261122 };

function asRecord(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

/** Follows `$ref` (internal, unescaped keys) to the schema itself. */
function resolve(root: Json, schema: Json): Json {
  let current = schema;
  for (let hops = 0; typeof current['$ref'] === 'string' && hops < 16; hops++) {
    let target: unknown = root;
    for (const token of (current['$ref'] as string).slice(2).split('/')) target = asRecord(target)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
    current = asRecord(target);
  }
  return current;
}

/** Properties and required names of an object schema, merged across allOf. */
function objectShape(root: Json, schema: Json): { properties: Record<string, Json>; required: string[] } {
  const properties: Record<string, Json> = {};
  const required: string[] = [];
  for (const part of [schema, ...((schema['allOf'] as Json[] | undefined) ?? []).map((member) => resolve(root, member))]) {
    Object.assign(properties, asRecord(part['properties']));
    required.push(...((part['required'] as string[] | undefined) ?? []));
  }
  return { properties, required: [...new Set(required)] };
}

function typeOf(schema: Json): string | undefined {
  if (typeof schema['type'] === 'string') return schema['type'];
  if (schema['properties'] !== undefined || schema['allOf'] !== undefined) return 'object';
  return undefined;
}

const FORMATS: Readonly<Record<string, Arbitrary>> = {
  date: fc.date({ min: new Date('1900-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
  'date-time': fc.date({ min: new Date('1900-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }).map((date) => date.toISOString()),
  uuid: fc.uuid(),
  email: fc.constantFrom('a@example.com', 'museum-lover@example.org'),
};

/**
 * Values valid for a simple schema: object / array / string (+enum, minLength/maxLength, a few
 * formats) / integer (min/max) / number / boolean, nullable, $ref and allOf of objects.
 */
function arbitraryFor(root: Json, raw: Json, depth = 0): Arbitrary {
  const schema = resolve(root, raw);
  const base = baseArbitrary(root, schema, depth);
  return schema['nullable'] === true ? fc.oneof(fc.constant(null), base) : base;
}

function baseArbitrary(root: Json, schema: Json, depth: number): Arbitrary {
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  switch (typeOf(schema)) {
    case 'string': {
      const format = schema['format'];
      if (typeof format === 'string' && FORMATS[format] !== undefined) return FORMATS[format];
      return fc.string({ minLength: (schema['minLength'] as number | undefined) ?? 0, maxLength: Math.min((schema['maxLength'] as number | undefined) ?? 12, 40) });
    }
    case 'integer': {
      const int32 = schema['format'] === 'int32';
      const min = (schema['minimum'] as number | undefined) ?? (int32 ? -(2 ** 31) : -1e9);
      const max = (schema['maximum'] as number | undefined) ?? (int32 ? 2 ** 31 - 1 : 1e9);
      return fc.integer({ min, max });
    }
    case 'number':
      return fc.double({ min: (schema['minimum'] as number | undefined) ?? -1e6, max: (schema['maximum'] as number | undefined) ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const minLength = (schema['minItems'] as number | undefined) ?? 0;
      const maxLength = Math.min((schema['maxItems'] as number | undefined) ?? 4, depth > 2 ? minLength : 4);
      return fc.array(arbitraryFor(root, asRecord(schema['items']), depth + 1), { minLength, maxLength });
    }
    case 'object': {
      const { properties, required } = objectShape(root, schema);
      const model: Record<string, Arbitrary> = {};
      for (const name of Object.keys(properties)) model[name] = arbitraryFor(root, properties[name] as Json, depth + 1);
      return fc.record(model, { requiredKeys: required });
    }
    default:
      throw new Error(`no generator for ${JSON.stringify(schema).slice(0, 80)}`);
  }
}

/** A value of a JSON type the schema does not allow (never null when nullable). */
function wrongTypeArbitrary(root: Json, raw: Json): Arbitrary {
  const schema = resolve(root, raw);
  const type = Array.isArray(schema['enum']) ? 'enum' : typeOf(schema);
  const candidates: Arbitrary[] = [];
  if (type !== 'string' && type !== 'enum') candidates.push(fc.string());
  if (type !== 'integer' && type !== 'number') candidates.push(fc.integer());
  if (type === 'integer') candidates.push(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Number.isInteger(value)));
  if (type !== 'boolean') candidates.push(fc.boolean());
  if (type !== 'array') candidates.push(fc.array(fc.integer(), { maxLength: 2 }));
  if (type !== 'object') candidates.push(fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.integer(), { maxKeys: 2 }));
  if (schema['nullable'] !== true) candidates.push(fc.constant(null));
  return fc.oneof(...candidates);
}

interface Subject {
  readonly label: string;
  readonly root: Json;
  readonly open: SchemaCompiler;
  readonly closed: SchemaCompiler;
  readonly name: string;
}

function subject(label: string, root: Json, name: string): Subject {
  const version: OpenApiVersion = String(root['openapi']).startsWith('3.1') ? '3.1' : '3.0';
  const document: LoadedDocument = { version, root, describe: (pointer) => `${label}${pointer}`, warnings: [] };
  return {
    label: `${label} ${name}`,
    root,
    name,
    open: new SchemaCompiler(document, { closedObjects: false, formats: {}, maxIssues: 20 }),
    closed: new SchemaCompiler(document, { closedObjects: true, formats: {}, maxIssues: 20 }),
  };
}

function schemaOf(target: Subject): Json {
  return asRecord(asRecord(asRecord(target.root['components'])['schemas'])[target.name]);
}

function validate(compiler: SchemaCompiler, target: Subject, value: unknown): ReturnType<ReturnType<SchemaCompiler['compile']>['validate']> {
  return compiler.compile(`#/components/schemas/${target.name}`, 'request').validate(value, '/body');
}

const SYNTHETIC: Json = {
  openapi: '3.0.3',
  components: {
    schemas: {
      Address: {
        type: 'object',
        required: ['street', 'zip'],
        properties: { street: { type: 'string', minLength: 1, maxLength: 30 }, zip: { type: 'string', minLength: 5, maxLength: 5 }, note: { type: 'string', nullable: true } },
      },
      Order: {
        type: 'object',
        required: ['id', 'quantity', 'status', 'lines'],
        properties: {
          id: { type: 'integer', minimum: 1, maximum: 100000 },
          quantity: { type: 'integer', minimum: 1, maximum: 10 },
          status: { type: 'string', enum: ['placed', 'shipped'] },
          gift: { type: 'boolean' },
          address: { $ref: '#/components/schemas/Address' },
          lines: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string', maxLength: 8 }, price: { type: 'number', minimum: 0, maximum: 1000 } } } },
          tags: { type: 'array', items: { type: 'string', maxLength: 5 }, nullable: true },
        },
      },
      Extended: { allOf: [{ $ref: '#/components/schemas/Address' }, { type: 'object', required: ['country'], properties: { country: { type: 'string', enum: ['FR', 'DE'] } } }] },
    },
  },
};

function corpusRoot(name: string): Json {
  return readOpenApiCorpus(name);
}

const subjects: Subject[] = [
  subject('synthetic', SYNTHETIC, 'Order'),
  subject('synthetic', SYNTHETIC, 'Address'),
  subject('synthetic', SYNTHETIC, 'Extended'),
];
const petstore = corpusRoot('oai-petstore-3.0.yaml');
subjects.push(subject('petstore', petstore, 'Pet'), subject('petstore', petstore, 'Error'));
const museum = corpusRoot('redocly-museum-3.1.yaml');
subjects.push(subject('museum', museum, 'SpecialEvent'), subject('museum', museum, 'Ticket'), subject('museum', museum, 'BuyMuseumTickets'));
subjects.push(subject('tictactoe', corpusRoot('oai-tictactoe-3.1.yaml'), 'status'));
subjects.push(subject('adyen', corpusRoot('adyen-checkout-v71.json'), 'Amount'));

describe('schema compiler, property-based', () => {
  for (const target of subjects) {
    const schema = resolve(target.root, schemaOf(target));
    const valid = arbitraryFor(target.root, schema);
    const { properties, required } = objectShape(target.root, schema);
    const names = Object.keys(properties);

    it(`${target.label}: generated values validate (open and closed objects)`, () => {
      fc.assert(
        fc.property(valid, (value) => {
          assert.equal(validate(target.open, target, value), undefined);
          assert.equal(validate(target.closed, target, value), undefined);
        }),
        RUNS,
      );
    });

    it(`${target.label}: a value of the wrong type is refused`, () => {
      fc.assert(fc.property(wrongTypeArbitrary(target.root, schema), (value) => validate(target.open, target, value) !== undefined), RUNS);
    });

    if (names.length > 0) {
      it(`${target.label}: a property of the wrong type is refused at its pointer`, () => {
        const mutated = fc.constantFrom(...names).chain((name) =>
          fc.tuple(fc.constant(name), valid, wrongTypeArbitrary(target.root, properties[name] as Json)),
        );
        fc.assert(
          fc.property(mutated, ([name, value, wrong]) => {
            const issues = validate(target.open, target, { ...(value as Json), [name]: wrong });
            assert.notEqual(issues, undefined);
            assert.ok(issues?.some((issue) => issue.pointer.startsWith(`/body/${name}`)), JSON.stringify(issues));
          }),
          RUNS,
        );
      });

      it(`${target.label}: an extra property is refused only with closed objects`, () => {
        fc.assert(
          fc.property(valid, fc.constantFrom('isAdmin', 'role', 'zz_extra'), (value, extra) => {
            const withExtra = { ...(value as Json), [extra]: true };
            const issues = validate(target.closed, target, withExtra);
            assert.ok(issues?.some((issue) => issue.pointer === `/body/${extra}` && ['unevaluatedProperties', 'additionalProperties'].includes(issue.keyword)), JSON.stringify(issues));
            const declaresAdditional = schema['additionalProperties'] === false;
            assert.equal(validate(target.open, target, withExtra) === undefined, !declaresAdditional);
          }),
          RUNS,
        );
      });
    }

    if (required.length > 0) {
      it(`${target.label}: a missing required property is refused, named in the pointer`, () => {
        fc.assert(
          fc.property(valid, fc.constantFrom(...required), (value, name) => {
            const copy = { ...(value as Json) };
            delete copy[name];
            assert.ok(validate(target.open, target, copy)?.some((issue) => issue.keyword === 'required' && issue.pointer === `/body/${name}`));
          }),
          RUNS,
        );
      });
    }

    const bounded = names.filter((name) => {
      const property = resolve(target.root, properties[name] as Json);
      return typeof property['maximum'] === 'number' || typeof property['maxLength'] === 'number';
    });
    if (bounded.length > 0) {
      it(`${target.label}: a value beyond maximum / maxLength is refused`, () => {
        fc.assert(
          fc.property(valid, fc.constantFrom(...bounded), fc.integer({ min: 1, max: 1000 }), (value, name, excess) => {
            const property = resolve(target.root, properties[name] as Json);
            const beyond = typeof property['maximum'] === 'number' ? property['maximum'] + excess : 'x'.repeat((property['maxLength'] as number) + excess);
            const issues = validate(target.open, target, { ...(value as Json), [name]: beyond });
            assert.ok(issues?.some((issue) => issue.pointer === `/body/${name}` && ['maximum', 'maxLength'].includes(issue.keyword)), JSON.stringify(issues));
          }),
          RUNS,
        );
      });
    }
  }

  it('nested values out of range are refused deep inside (synthetic Order lines)', () => {
    const order = subjects[0] as Subject;
    const valid = arbitraryFor(order.root, schemaOf(order));
    fc.assert(
      fc.property(valid, fc.double({ min: 1000.001, max: 1e9, noNaN: true }), (value, price) => {
        const lines = ((value as Json)['lines'] as Json[]).map((line) => ({ ...line }));
        (lines[0] as Json)['price'] = price;
        const issues = validate(order.open, order, { ...(value as Json), lines });
        assert.deepEqual(issues, [{ pointer: '/body/lines/0/price', keyword: 'maximum', message: 'must not be greater than the allowed maximum' }]);
      }),
      RUNS,
    );
  });
});
