import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import type { LoadedDocument } from '../src/document/types.js';
import { deserializeFormBody, type FormEncoding } from '../src/parameters/form-body.js';

// Request bodies copied from test/corpora/openapi/stripe-spec3-2023-09.yaml.gz (descriptions
// dropped): POST /v1/tax/transactions/create_reversal and POST /v1/customers/{customer}/balance_transactions.
const CREATE_REVERSAL = {
  encoding: {
    expand: { explode: true, style: 'deepObject' },
    line_items: { explode: true, style: 'deepObject' },
    metadata: { explode: true, style: 'deepObject' },
    shipping_cost: { explode: true, style: 'deepObject' },
  },
  schema: {
    additionalProperties: false,
    properties: {
      expand: { items: { maxLength: 5000, type: 'string' }, type: 'array' },
      flat_amount: { type: 'integer' },
      line_items: {
        items: {
          properties: {
            amount: { type: 'integer' },
            amount_tax: { type: 'integer' },
            metadata: { additionalProperties: { type: 'string' }, type: 'object' },
            original_line_item: { maxLength: 5000, type: 'string' },
            quantity: { type: 'integer' },
            reference: { maxLength: 500, type: 'string' },
          },
          required: ['amount', 'amount_tax', 'original_line_item', 'reference'],
          title: 'transaction_line_item_reversal',
          type: 'object',
        },
        type: 'array',
      },
      metadata: { additionalProperties: { type: 'string' }, type: 'object' },
      mode: { enum: ['full', 'partial'], type: 'string' },
      original_transaction: { maxLength: 5000, type: 'string' },
      reference: { maxLength: 500, type: 'string' },
      shipping_cost: {
        properties: { amount: { type: 'integer' }, amount_tax: { type: 'integer' } },
        required: ['amount', 'amount_tax'],
        title: 'transaction_shipping_cost_reversal',
        type: 'object',
      },
    },
    required: ['mode', 'original_transaction', 'reference'],
    type: 'object',
  },
};

const BALANCE_TRANSACTION = {
  encoding: { expand: { explode: true, style: 'deepObject' }, metadata: { explode: true, style: 'deepObject' } },
  schema: {
    additionalProperties: false,
    properties: {
      amount: { type: 'integer' },
      currency: { type: 'string' },
      description: { maxLength: 350, type: 'string' },
      expand: { items: { maxLength: 5000, type: 'string' }, type: 'array' },
      metadata: { anyOf: [{ additionalProperties: { type: 'string' }, type: 'object' }, { enum: [''], type: 'string' }] },
    },
    required: ['amount', 'currency'],
    type: 'object',
  },
};

const ROOT = {
  openapi: '3.0.0',
  components: {
    schemas: {
      Reversal: CREATE_REVERSAL.schema,
      Balance: BALANCE_TRANSACTION.schema,
      Styled: {
        type: 'object',
        properties: {
          ids: { type: 'array', items: { type: 'integer' } },
          tags: { type: 'array', items: { type: 'string' } },
          words: { type: 'array', items: { type: 'string' } },
          point: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } },
          flag: { type: 'boolean' },
          code: { type: 'string' },
        },
      },
    },
  },
};

const DOCUMENT: LoadedDocument = { version: '3.0', root: ROOT, describe: (p) => `api.yaml${p}`, warnings: [] };
type FormOptions = Parameters<typeof deserializeFormBody>[4];
const OPTIONS: FormOptions = { coercion: 'schema', unknownQuery: 'allow', maxDepth: 8, maxKeys: 1000 };

function parse(body: string, schema: string | undefined, encoding: FormEncoding | undefined, options: Partial<FormOptions> = {}) {
  return deserializeFormBody(body, schema === undefined ? undefined : `#/components/schemas/${schema}`, encoding, DOCUMENT, { ...OPTIONS, ...options });
}

function valueOf(result: ReturnType<typeof parse>): unknown {
  if (!result.ok) assert.fail(`expected a value, got ${JSON.stringify(result.issues)}`);
  return JSON.parse(JSON.stringify(result.value)) as unknown;
}

function issuesOf(result: ReturnType<typeof parse>): { pointer: string; keyword: string }[] {
  if (result.ok) assert.fail(`expected issues, got ${JSON.stringify(result.value)}`);
  return result.issues.map(({ pointer, keyword }) => ({ pointer, keyword }));
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
ajv.addSchema(ROOT, 'https://doc.test/form');
function schemaAccepts(schema: string, value: unknown): boolean {
  const validate = ajv.getSchema(`https://doc.test/form#/components/schemas/${schema}`);
  assert.ok(validate);
  return validate(value) === true;
}

describe('form bodies: Stripe bracket notation', () => {
  test('create_reversal: line_items[0][...], metadata[key], expand[], shipping_cost[...], all coerced by the schema', () => {
    const body = [
      'mode=partial',
      'original_transaction=tax_1',
      'reference=ref-1',
      'line_items[0][amount]=-500',
      'line_items[0][amount_tax]=-40',
      'line_items[0][original_line_item]=li_1',
      'line_items[0][reference]=r1',
      'line_items[0][metadata][note]=007',
      'line_items[1][amount]=100',
      'line_items[1][amount_tax]=8',
      'line_items[1][original_line_item]=li_2',
      'line_items[1][reference]=r2',
      'line_items[1][quantity]=2',
      'metadata[order_id]=6735',
      'expand[]=line_items',
      'expand[]=tax_breakdown',
      'shipping_cost%5Bamount%5D=10',
      'shipping_cost[amount_tax]=1',
    ].join('&');
    const value = valueOf(parse(body, 'Reversal', CREATE_REVERSAL.encoding));
    assert.deepEqual(value, {
      mode: 'partial',
      original_transaction: 'tax_1',
      reference: 'ref-1',
      line_items: [
        { amount: -500, amount_tax: -40, original_line_item: 'li_1', reference: 'r1', metadata: { note: '007' } },
        { amount: 100, amount_tax: 8, original_line_item: 'li_2', reference: 'r2', quantity: 2 },
      ],
      metadata: { order_id: '6735' },
      expand: ['line_items', 'tax_breakdown'],
      shipping_cost: { amount: 10, amount_tax: 1 },
    });
    assert.ok(schemaAccepts('Reversal', value));
  });

  test('not coercible stays a string, and the schema then refuses it', () => {
    const value = valueOf(parse('mode=full&original_transaction=t&reference=r&flat_amount=1e3', 'Reversal', CREATE_REVERSAL.encoding));
    assert.deepEqual(value, { mode: 'full', original_transaction: 't', reference: 'r', flat_amount: '1e3' });
    assert.equal(schemaAccepts('Reversal', value), false);
  });

  test('balance_transactions: metadata= (empty, to unset) and metadata[k]=v both read as the anyOf expects', () => {
    assert.deepEqual(valueOf(parse('amount=100&currency=usd&metadata=', 'Balance', BALANCE_TRANSACTION.encoding)), { amount: 100, currency: 'usd', metadata: '' });
    const value = valueOf(parse('amount=-5&currency=usd&metadata[a]=1&metadata[b]=', 'Balance', BALANCE_TRANSACTION.encoding));
    assert.deepEqual(value, { amount: -5, currency: 'usd', metadata: { a: '1', b: '' } });
    assert.ok(schemaAccepts('Balance', value));
    // A plain value and keys for the same name are ambiguous.
    assert.deepEqual(issuesOf(parse('metadata=&metadata[a]=1', 'Balance', BALANCE_TRANSACTION.encoding)), [{ pointer: '/body/metadata', keyword: 'style' }]);
  });

  test('a single-valued field given twice is a duplicate; expand=a alone is a list of one', () => {
    assert.deepEqual(issuesOf(parse('amount=1&amount=2', 'Balance', BALANCE_TRANSACTION.encoding)), [{ pointer: '/body/amount', keyword: 'duplicate' }]);
    assert.deepEqual(issuesOf(parse('metadata[a]=1&metadata[a]=2', 'Balance', BALANCE_TRANSACTION.encoding)), [{ pointer: '/body/metadata/a', keyword: 'duplicate' }]);
    assert.deepEqual(valueOf(parse('expand=a', 'Balance', BALANCE_TRANSACTION.encoding)), { expand: ['a'] });
    assert.deepEqual(valueOf(parse('expand[0]=a&expand[1]=b', 'Balance', BALANCE_TRANSACTION.encoding)), { expand: ['a', 'b'] });
  });

  test('prototype keys are refused at every level and nothing is polluted', () => {
    for (const body of ['__proto__[x]=1', '__proto__=1', 'metadata[__proto__]=1', 'metadata[__proto__][x]=1', 'constructor[prototype][x]=1', 'metadata[constructor][prototype]=1']) {
      assert.deepEqual(issuesOf(parse(body, 'Balance', BALANCE_TRANSACTION.encoding)).map((i) => i.keyword), ['forbiddenKey'], body);
    }
    assert.equal(({} as Record<string, unknown>).x, undefined);
    const result = parse('metadata[constructor]=1&metadata[toString]=2', 'Balance', BALANCE_TRANSACTION.encoding);
    assert.ok(result.ok);
    assert.equal(Object.getPrototypeOf(result.value), null);
    assert.equal(Object.getPrototypeOf(result.value.metadata), null);
    assert.deepEqual(valueOf(result), { metadata: { constructor: '1', toString: '2' } });
  });

  test('bounded: bracket depth and pair count', () => {
    assert.ok(parse(`metadata${'[a]'.repeat(8)}=1`, undefined, undefined).ok);
    assert.deepEqual(issuesOf(parse(`metadata${'[a]'.repeat(9)}=1`, undefined, undefined)), [{ pointer: '/body/metadata', keyword: 'maxDepth' }]);
    assert.deepEqual(issuesOf(parse(`metadata${'[a]'.repeat(3)}=1`, undefined, undefined, { maxDepth: 2 })), [{ pointer: '/body/metadata', keyword: 'maxDepth' }]);
    const many = Array.from({ length: 1001 }, (_, i) => `k${i}=1`).join('&');
    assert.deepEqual(issuesOf(parse(many, undefined, undefined)), [{ pointer: '/body', keyword: 'maxKeys' }]);
    assert.ok(parse(many, undefined, undefined, { maxKeys: 2000 }).ok);
    // A huge index is not a huge array.
    assert.deepEqual(issuesOf(parse('expand[99999999]=a', 'Balance', BALANCE_TRANSACTION.encoding)), [{ pointer: '/body/expand', keyword: 'style' }]);
  });

  test('malformed input is an issue, not a throw', () => {
    assert.deepEqual(issuesOf(parse('%zz=1', undefined, undefined)), [{ pointer: '/body', keyword: 'encoding' }]);
    assert.deepEqual(issuesOf(parse('code=%E2%82', 'Styled', undefined)), [{ pointer: '/body/code', keyword: 'encoding' }]);
    assert.deepEqual(issuesOf(parse('metadata[a]=%', undefined, undefined)), [{ pointer: '/body/metadata', keyword: 'encoding' }]);
    assert.deepEqual(valueOf(parse('', 'Styled', undefined)), {});
    assert.deepEqual(valueOf(parse('&&code=a+b%2B&&', 'Styled', undefined)), { code: 'a b+' });
  });
});

describe('form bodies: the encoding map', () => {
  const encoding: FormEncoding = {
    ids: { style: 'form', explode: false },
    tags: { style: 'pipeDelimited' },
    words: { style: 'spaceDelimited' },
    point: { style: 'form', explode: false },
  };

  test('style and explode per property', () => {
    const body = 'ids=1,2,3&tags=a|b%7Cc&words=x+y%20z&point=x,1.5,y,-2&flag=true&code=007';
    assert.deepEqual(valueOf(parse(body, 'Styled', encoding)), {
      ids: [1, 2, 3],
      tags: ['a', 'b|c'],
      words: ['x', 'y', 'z'],
      point: { x: 1.5, y: -2 },
      flag: true,
      code: '007',
    });
  });

  test('defaults (form, explode true): a list is one field per item, a comma is data', () => {
    assert.deepEqual(valueOf(parse('ids=1&ids=2&tags=a,b', 'Styled', undefined)), { ids: [1, 2], tags: ['a,b'] });
    // An exploded field given one comma list: one item, which the integer schema will refuse.
    assert.deepEqual(valueOf(parse('ids=1,2', 'Styled', undefined)), { ids: ['1,2'] });
    assert.deepEqual(issuesOf(parse('ids=1,2&ids=3', 'Styled', encoding)), [{ pointer: '/body/ids', keyword: 'duplicate' }]);
  });

  test('brackets on a property styled otherwise are a literal name (refused by additionalProperties: false)', () => {
    assert.deepEqual(valueOf(parse('ids[0]=1', 'Styled', encoding)), { 'ids[0]': '1' });
    assert.equal(schemaAccepts('Reversal', valueOf(parse('mode[a]=1', 'Reversal', { mode: { style: 'form' } }))), false);
  });

  test("'none' coercion: flat names, string values", () => {
    assert.deepEqual(valueOf(parse('flag=true&code=007&metadata[a]=1', 'Styled', encoding, { coercion: 'none' })), {
      flag: 'true',
      code: '007',
      'metadata[a]': '1',
    });
    assert.deepEqual(issuesOf(parse('ids=1&ids=2', 'Styled', undefined, { coercion: 'none' })), [{ pointer: '/body/ids', keyword: 'duplicate' }]);
  });
});

describe('form bodies: hostile input never throws', () => {
  test('any body text gives a value or issues', () => {
    const unit = fc.constantFrom('a', 'metadata', 'expand', 'line_items', 'amount', '0', '1', '%', '%5B', '%5D', '%zz', '&', '=', '[', ']', '[]', '+', '__proto__', 'constructor', 'prototype');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 80 }), (body) => {
        const result = parse(body, 'Reversal', CREATE_REVERSAL.encoding);
        if (result.ok) {
          assert.equal(Object.getPrototypeOf(result.value), null);
          assert.ok(!Object.hasOwn(result.value, '__proto__'));
        } else assert.ok(result.issues.length > 0);
      }),
      { numRuns: 1000 },
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
