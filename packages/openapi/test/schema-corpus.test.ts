import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { openApiCorpusFiles, readOpenApiCorpus } from '../../../test/support/openapi-corpus.js';
import type { LoadedDocument } from '../src/document/types.js';
import { SchemaCompiler } from '../src/schema/schema-compiler.js';
import type { SchemaDirection, ValidationIssue } from '../src/schema/types.js';

/**
 * Every schema of every corpus document compiles, the documented quirks produce their warnings
 * where they are, and a few real schemas per document accept and refuse concrete values.
 */

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function asRecord(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** Follows `$ref`s (parameters, request bodies, responses, path items) to the object and its pointer. */
function follow(root: Json, value: unknown, pointer: string): { node: Json | undefined; pointer: string } {
  let node = asRecord(value);
  let at = pointer;
  for (let hops = 0; node !== undefined && typeof node['$ref'] === 'string' && hops < 16; hops++) {
    const tokens = decodeURIComponent((node['$ref'] as string).slice(2)).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
    let target: unknown = root;
    for (const token of tokens) target = asRecord(target)?.[token] ?? (Array.isArray(target) ? target[Number(token)] : undefined);
    node = asRecord(target);
    at = `#/${tokens.map(escapeToken).join('/')}`;
  }
  return { node, pointer: at };
}

/** The pointers of every parameter and request body schema (request) and response schema (response). */
function schemaPointers(root: Json): { request: string[]; response: string[] } {
  const request = new Set<string>();
  const response = new Set<string>();
  const addContent = (owner: Json | undefined, pointer: string, into: Set<string>): void => {
    const content = asRecord(owner?.['content']);
    for (const mediaType of Object.keys(content ?? {})) {
      if (asRecord(content?.[mediaType])?.['schema'] !== undefined) into.add(`${pointer}/content/${escapeToken(mediaType)}/schema`);
    }
  };
  const addParameters = (list: unknown, pointer: string): void => {
    if (!Array.isArray(list)) return;
    list.forEach((entry, index) => {
      const parameter = follow(root, entry, `${pointer}/parameters/${index}`);
      if (parameter.node?.['schema'] !== undefined) request.add(`${parameter.pointer}/schema`);
      addContent(parameter.node, parameter.pointer, request);
    });
  };
  for (const section of ['paths', 'webhooks']) {
    const items = asRecord(root[section]) ?? {};
    for (const key of Object.keys(items)) {
      const item = follow(root, items[key], `#/${section}/${escapeToken(key)}`);
      addParameters(item.node?.['parameters'], item.pointer);
      for (const method of METHODS) {
        const operation = asRecord(item.node?.[method]);
        if (operation === undefined) continue;
        const at = `${item.pointer}/${method}`;
        addParameters(operation['parameters'], at);
        if (operation['requestBody'] !== undefined) {
          const body = follow(root, operation['requestBody'], `${at}/requestBody`);
          addContent(body.node, body.pointer, request);
        }
        const responses = asRecord(operation['responses']) ?? {};
        for (const status of Object.keys(responses)) {
          const answer = follow(root, responses[status], `${at}/responses/${escapeToken(status)}`);
          addContent(answer.node, answer.pointer, response);
        }
      }
    }
  }
  return { request: [...request], response: [...response] };
}

interface Loaded {
  readonly compiler: SchemaCompiler;
  readonly closed: SchemaCompiler;
  readonly pointers: { request: string[]; response: string[] };
}

const loadedDocuments = new Map<string, Loaded>();

/** The corpus document with two compilers (open and closed objects), loaded once per file. */
function load(name: string): Loaded {
  const cached = loadedDocuments.get(name);
  if (cached !== undefined) return cached;
  const root = readOpenApiCorpus(name);
  const document: LoadedDocument = {
    version: String(root['openapi']).startsWith('3.1') ? '3.1' : '3.0',
    root,
    describe: (pointer) => `${name}${pointer}`,
    warnings: [],
  };
  const loaded: Loaded = {
    compiler: new SchemaCompiler(document, { closedObjects: false, formats: {}, maxIssues: 20 }),
    closed: new SchemaCompiler(document, { closedObjects: true, formats: {}, maxIssues: 20 }),
    pointers: schemaPointers(root),
  };
  loadedDocuments.set(name, loaded);
  return loaded;
}

function validate(name: string, pointer: string, value: unknown, prefix = '/body', direction: SchemaDirection = 'request'): readonly ValidationIssue[] | undefined {
  return load(name).compiler.compile(pointer, direction).validate(value, prefix);
}

function warningsOf(name: string, code: string): string[] {
  return load(name).compiler.warnings.filter((warning) => warning.code === code).map((warning) => warning.location);
}

/** How many schemas each document has (parameters + bodies, responses): a walker that finds nothing would pass vacuously. */
const MINIMUM_SCHEMAS: Readonly<Record<string, readonly [number, number]>> = {
  'adyen-checkout-v71.json': [30, 100],
  'box.json': [500, 800],
  'digitalocean-bundled.json': [500, 400],
  'discord-v10.json': [400, 150],
  'github-api.github.com.json': [900, 1000],
  'kubernetes-v1.29-core-v1.json': [1500, 1000],
  'oai-petstore-3.0.yaml': [3, 5],
  'oai-tictactoe-3.1.yaml': [4, 5],
  'oai-webhook-example-3.1.yaml': [1, 0],
  'openai.json': [600, 300],
  'redocly-museum-3.1.yaml': [9, 10],
  'stripe-spec3-2023-09.yaml': [1600, 900],
  'twilio-api-v2010.json': [800, 150],
};

describe('schema compiler on the corpus: everything compiles', () => {
  it('covers the thirteen documents', () => {
    assert.deepEqual(openApiCorpusFiles(), Object.keys(MINIMUM_SCHEMAS).sort());
  });

  for (const name of openApiCorpusFiles()) {
    it(`${name}: every parameter, request body and response schema compiles`, () => {
      const { compiler, closed, pointers } = load(name);
      const [minimumRequest, minimumResponse] = MINIMUM_SCHEMAS[name] ?? [1, 1];
      assert.ok(pointers.request.length >= minimumRequest, `${pointers.request.length} request schemas`);
      assert.ok(pointers.response.length >= minimumResponse, `${pointers.response.length} response schemas`);
      for (const pointer of pointers.request) {
        assert.equal(typeof compiler.compile(pointer, 'request').validate, 'function');
        assert.equal(typeof closed.compile(pointer, 'request').validate, 'function');
      }
      for (const pointer of pointers.response) assert.equal(typeof compiler.compile(pointer, 'response').validate, 'function');
    });
  }
});

describe('schema compiler on the corpus: quirks are reported where they are', () => {
  it('DigitalOcean: the tag pattern invalid under u is enforced without u, warned at both places', () => {
    const name = 'digitalocean-bundled.json';
    assert.deepEqual(warningsOf(name, 'pattern-not-unicode').sort(), [
      `${name}#/components/parameters/tag_id/schema/pattern`,
      `${name}#/components/schemas/tags/properties/name/pattern`,
    ]);
    const tagId = '#/components/parameters/tag_id/schema';
    assert.equal(validate(name, tagId, 'env:prod-1', '/path/tag_id'), undefined);
    assert.deepEqual(validate(name, tagId, 'env prod', '/path/tag_id'), [{ pointer: '/path/tag_id', keyword: 'pattern', message: 'must match the required pattern' }]);
    assert.equal(validate(name, tagId, 'a'.repeat(256), '/path/tag_id')?.[0]?.keyword, 'maxLength');
    assert.ok(warningsOf(name, 'unknown-format').length >= 3); // uint32, uint64, cidr, string
  });

  it('DigitalOcean: the read-only tag resources are refused in a request, accepted in a response', () => {
    const name = 'digitalocean-bundled.json';
    const body = '#/paths/~1v2~1tags/post/requestBody/content/application~1json/schema';
    assert.equal(validate(name, body, { name: 'awesome' }), undefined);
    assert.deepEqual(validate(name, body, { name: 'awesome', resources: { count: 1 } }), [{ pointer: '/body/resources', keyword: 'readOnly', message: 'is read-only' }]);
    assert.equal(validate(name, '#/components/schemas/tags', { name: 'awesome', resources: { count: 1 } }, '/body', 'response'), undefined);
  });

  it('Kubernetes: the duplicated enum is deduplicated and still enforced', () => {
    const name = 'kubernetes-v1.29-core-v1.json';
    assert.deepEqual(warningsOf(name, 'duplicate-enum'), [`${name}#/components/schemas/io.k8s.api.core.v1.ServiceSpec/properties/externalTrafficPolicy/enum`]);
    const spec = '#/components/schemas/io.k8s.api.core.v1.ServiceSpec';
    assert.equal(validate(name, spec, { externalTrafficPolicy: 'Local' }), undefined);
    assert.deepEqual(validate(name, spec, { externalTrafficPolicy: 'Everywhere' }), [
      { pointer: '/body/externalTrafficPolicy', keyword: 'enum', message: 'must be one of the allowed values' },
    ]);
    assert.deepEqual(warningsOf(name, 'unknown-format'), [`${name}#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString/format`]);
  });

  it('Discord: the empty enums refuse every value, warned with their locations', () => {
    const name = 'discord-v10.json';
    const body = '#/paths/~1guilds~1{guild_id}~1requests~1{request_id}/patch/requestBody/content/application~1json/schema';
    assert.deepEqual(warningsOf(name, 'empty-enum').sort(), [
      `${name}#/paths/~1guilds~1{guild_id}~1requests/get/parameters/0/schema/enum`,
      `${name}${body}/properties/action/enum`,
    ]);
    assert.deepEqual(validate(name, body, { action: 'APPROVED' }), [{ pointer: '/body/action', keyword: 'enum', message: 'must be one of the allowed values' }]);
    assert.equal(validate(name, body, { rejection_reason: null }), undefined);
    assert.equal(validate(name, body, { rejection_reason: 'x'.repeat(161) })?.[0]?.keyword, 'maxLength');
    assert.ok(warningsOf(name, 'unknown-format').some((location) => location === `${name}#/components/schemas/SnowflakeType/format`));
  });

  it('openai: nullable, boolean exclusive bounds and $recursiveRef in a 3.1 document', () => {
    const name = 'openai.json';
    assert.ok(warningsOf(name, 'nullable-in-3.1').length >= 50);
    assert.equal(warningsOf(name, 'boolean-exclusive-bound').length, 7);
    assert.ok(warningsOf(name, 'recursive-ref').includes(`${name}#/components/schemas/CompoundFilter/properties/filters/items/oneOf/1/$recursiveRef`));
    const filter = '#/components/schemas/CompoundFilter';
    const nested = { type: 'and', filters: [{ type: 'eq', key: 'a', value: 1 }, { type: 'or', filters: [{ type: 'in', key: 'b', value: ['x', 2] }] }] };
    assert.equal(validate(name, filter, nested), undefined);
    const broken = { type: 'and', filters: [{ type: 'or', filters: [{ type: 'eq', key: 'b' }] }] };
    assert.notEqual(validate(name, filter, broken), undefined);
    assert.ok(warningsOf(name, 'unknown-format').length >= 1); // unixtime
  });

  it('Stripe, Twilio, GitHub, Box: nullable without type and unknown formats', () => {
    for (const name of ['stripe-spec3-2023-09.yaml', 'twilio-api-v2010.json', 'github-api.github.com.json', 'box.json']) {
      assert.ok(warningsOf(name, 'nullable-without-type').length > 0, name);
    }
    const formats = (name: string): string[] => load(name).compiler.warnings.filter((warning) => warning.code === 'unknown-format').map((warning) => warning.message);
    assert.ok(formats('stripe-spec3-2023-09.yaml').some((message) => message.includes('"unix-time"')));
    assert.ok(formats('stripe-spec3-2023-09.yaml').some((message) => message.includes('"decimal"')));
    for (const format of ['phone-number', 'http-method', 'date-time-rfc-2822']) {
      assert.ok(formats('twilio-api-v2010.json').some((message) => message.includes(`"${format}"`)), format);
    }
  });

  it('Box: $id values inside example data are never taken as schema ids', () => {
    const name = 'box.json';
    // Every schema compiled above in one ajv instance per direction; a stray $id would have collided.
    assert.ok(load(name).pointers.response.length > 0);
    for (const pointer of load(name).pointers.response) load(name).compiler.compile(pointer, 'response');
    assert.equal(load(name).compiler.warnings.some((warning) => warning.message.includes('0123')), false);
  });
});

describe('schema compiler on the corpus: real schemas accept and refuse', () => {
  it('petstore 3.0: Pet body and the limit parameter', () => {
    const name = 'oai-petstore-3.0.yaml';
    const body = '#/paths/~1pets/post/requestBody/content/application~1json/schema';
    assert.equal(validate(name, body, { id: 1, name: 'Rex', tag: 'dog' }), undefined);
    assert.deepEqual(validate(name, body, { name: 'Rex' }), [{ pointer: '/body/id', keyword: 'required', message: 'must have the required property' }]);
    assert.deepEqual(validate(name, body, { id: 'one', name: 'Rex' }), [{ pointer: '/body/id', keyword: 'type', message: 'must be integer' }]);
    const limit = '#/paths/~1pets/get/parameters/0/schema';
    assert.equal(validate(name, limit, 100, '/query/limit'), undefined);
    assert.deepEqual(validate(name, limit, 101, '/query/limit'), [{ pointer: '/query/limit', keyword: 'maximum', message: 'must not be greater than the allowed maximum' }]);
    assert.equal(load(name).closed.compile(body, 'request').validate({ id: 1, name: 'Rex', admin: true }, '/body')?.[0]?.pointer, '/body/admin');
  });

  it('tic-tac-toe 3.1: mark body and coordinate parameter', () => {
    const name = 'oai-tictactoe-3.1.yaml';
    const body = '#/paths/~1board~1{row}~1{column}/put/requestBody/content/application~1json/schema';
    assert.equal(validate(name, body, 'X'), undefined);
    assert.equal(validate(name, body, 'Z')?.[0]?.keyword, 'enum');
    const row = '#/components/parameters/rowParam/schema';
    assert.equal(validate(name, row, 3, '/path/row'), undefined);
    assert.deepEqual(validate(name, row, 4, '/path/row'), [{ pointer: '/path/row', keyword: 'maximum', message: 'must not be greater than the allowed maximum' }]);
  });

  it('webhook example 3.1: the webhook body', () => {
    const name = 'oai-webhook-example-3.1.yaml';
    const body = '#/webhooks/newPet/post/requestBody/content/application~1json/schema';
    assert.equal(validate(name, body, { id: 1, name: 'Rex' }), undefined);
    assert.equal(validate(name, body, { id: 1 })?.[0]?.pointer, '/body/name');
  });

  it('museum 3.1: special event body', () => {
    const name = 'redocly-museum-3.1.yaml';
    const body = '#/paths/~1special-events/post/requestBody/content/application~1json/schema';
    const event = { name: 'Talk', location: 'Hall', eventDescription: 'About things', dates: ['2024-10-01'], price: 25 };
    assert.equal(validate(name, body, event), undefined);
    assert.deepEqual(validate(name, body, { ...event, dates: ['tomorrow'] }), [{ pointer: '/body/dates/0', keyword: 'format', message: 'must match the expected format' }]);
    assert.equal(validate(name, body, { ...event, price: '25' })?.[0]?.pointer, '/body/price');
  });

  it('Adyen 3.1: Amount is closed by its own additionalProperties', () => {
    const name = 'adyen-checkout-v71.json';
    const amount = '#/components/schemas/Amount';
    assert.equal(validate(name, amount, { currency: 'EUR', value: 1000 }), undefined);
    assert.equal(validate(name, amount, { currency: 'EURO', value: 1000 })?.[0]?.keyword, 'maxLength');
    assert.deepEqual(validate(name, amount, { currency: 'EUR', value: 1, extra: 1 }), [
      { pointer: '/body/extra', keyword: 'additionalProperties', message: 'must not have additional properties' },
    ]);
  });

  it('GitHub 3.0: create-issue body (oneOf, nullable) and a response', () => {
    const name = 'github-api.github.com.json';
    const body = '#/paths/~1repos~1{owner}~1{repo}~1issues/post/requestBody/content/application~1json/schema';
    assert.equal(validate(name, body, { title: 'Bug', labels: ['bug', { name: 'x', color: null }] }), undefined);
    assert.equal(validate(name, body, { title: 42 }), undefined);
    assert.equal(validate(name, body, {})?.[0]?.pointer, '/body/title');
    assert.equal(validate(name, body, { title: true })?.some((issue) => issue.keyword === 'oneOf'), true);
    const created = '#/paths/~1repos~1{owner}~1{repo}~1issues/post/responses/201/content/application~1json/schema';
    assert.equal(validate(name, created, { title: 'Bug' }, '/response', 'response')?.[0]?.keyword, 'required');
  });

  it('Stripe 3.0: form body of customer creation', () => {
    const name = 'stripe-spec3-2023-09.yaml';
    const body = '#/paths/~1v1~1customers/post/requestBody/content/application~1x-www-form-urlencoded/schema';
    assert.equal(validate(name, body, { email: 'a@example.com', balance: 5 }), undefined);
    assert.equal(validate(name, body, { balance: 'five' })?.[0]?.pointer, '/body/balance');
    assert.equal(validate(name, body, { email: 'a'.repeat(513) })?.[0]?.keyword, 'maxLength');
  });

  it('Box 3.0: folder creation body, open and closed', () => {
    const name = 'box.json';
    const body = '#/paths/~1folders/post/requestBody/content/application~1json/schema';
    const folder = { name: 'New Folder', parent: { id: '0' }, folder_upload_email: { access: 'open' }, sync_state: 'synced' };
    assert.equal(validate(name, body, folder), undefined);
    assert.equal(validate(name, body, { ...folder, name: '' })?.[0]?.keyword, 'minLength');
    assert.equal(validate(name, body, { ...folder, parent: {} })?.[0]?.pointer, '/body/parent/id');
    assert.equal(validate(name, body, { ...folder, sync_state: null })?.[0]?.keyword, 'type');
    const closed = load(name).closed.compile(body, 'request');
    assert.equal(closed.validate(folder, '/body'), undefined);
    assert.equal(closed.validate({ ...folder, folder_upload_email: { access: 'open', owner: 'me' } }, '/body')?.[0]?.pointer, '/body/folder_upload_email/owner');
  });

  it('Twilio 3.0: call creation body', () => {
    const name = 'twilio-api-v2010.json';
    const body = '#/paths/~12010-04-01~1Accounts~1{AccountSid}~1Calls.json/post/requestBody/content/application~1x-www-form-urlencoded/schema';
    assert.equal(validate(name, body, { To: '+15550001', From: '+15550002', Timeout: 30 }), undefined);
    assert.equal(validate(name, body, { To: '+15550001' })?.[0]?.pointer, '/body/From');
    assert.equal(validate(name, body, { To: '+1', From: '+2', Timeout: 'soon' })?.[0]?.keyword, 'type');
  });
});
