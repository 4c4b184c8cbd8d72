/**
 * Small synthetic OpenAPI documents for the contract conformance table (./openapi.ts): each
 * operation exists to exercise one part of the contract (a parameter style, a media type, a
 * schema keyword, a security requirement), so a refusal points at exactly one rule.
 *
 * Exported as functions returning fresh objects, so no firewall can see another's document.
 */

const ITEM_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'price'],
  properties: {
    id: { type: 'string', readOnly: true },
    name: { type: 'string', minLength: 1, maxLength: 64 },
    price: { type: 'integer', minimum: 0 },
    status: { type: 'string', enum: ['draft', 'published'] },
    createdAt: { type: 'string', format: 'date-time' },
    contact: { type: 'string', format: 'email' },
    ref: { type: 'string', format: 'uuid' },
    note: { type: ['string', 'null'] },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 10 },
  },
} as const;

/** OAS 3.1, base path `/api/v1`, no security (the secured document has its own). */
export function contractDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Conformance contract', version: '1.0.0' },
    servers: [{ url: '/api/v1' }],
    paths: {
      '/items': {
        get: {
          operationId: 'listItems',
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
            { name: 'q', in: 'query', schema: { type: 'string', maxLength: 64 } },
            // form, explode true (the defaults): ?tags=a&tags=b
            { name: 'tags', in: 'query', schema: { type: 'array', items: { type: 'string' }, maxItems: 5 } },
            // form, explode false: ?ids=1,2
            { name: 'ids', in: 'query', style: 'form', explode: false, schema: { type: 'array', items: { type: 'integer' }, maxItems: 5 } },
            // form, explode false, strings: a %2C inside a value is data, not a separator.
            { name: 'names', in: 'query', style: 'form', explode: false, schema: { type: 'array', items: { type: 'string' }, maxItems: 2 } },
            { name: 'spaced', in: 'query', style: 'spaceDelimited', explode: false, schema: { type: 'array', items: { type: 'integer' } } },
            { name: 'piped', in: 'query', style: 'pipeDelimited', explode: false, schema: { type: 'array', items: { type: 'integer' } } },
            {
              name: 'filter',
              in: 'query',
              style: 'deepObject',
              explode: true,
              schema: { type: 'object', additionalProperties: false, properties: { color: { type: 'string', enum: ['red', 'blue'] }, size: { type: 'integer' } } },
            },
            {
              name: 'where',
              in: 'query',
              content: { 'application/json': { schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } },
            },
            { name: 'since', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'X-Mode', in: 'header', schema: { type: 'string', enum: ['fast', 'full'] } },
            { name: 'X-Ids', in: 'header', schema: { type: 'array', items: { type: 'integer' }, maxItems: 3 } },
            { name: 'session', in: 'cookie', schema: { type: 'string', pattern: '^[a-z0-9]{8}$' } },
          ],
          responses: { '200': { description: 'the items' } },
        },
        post: {
          operationId: 'createItem',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
          responses: { '201': { description: 'created' } },
        },
      },
      '/items/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
        get: { operationId: 'getItem', responses: { '200': { description: 'the item' } } },
        patch: {
          operationId: 'patchItem',
          requestBody: {
            required: true,
            content: {
              'application/merge-patch+json': {
                schema: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' }, price: { type: 'integer' } } },
              },
            },
          },
          responses: { '200': { description: 'patched' } },
        },
        delete: { operationId: 'deleteItem', responses: { '204': { description: 'deleted' } } },
      },
      '/labelled/{id}': {
        get: {
          operationId: 'getLabelled',
          parameters: [{ name: 'id', in: 'path', required: true, style: 'label', schema: { type: 'integer' } }],
          responses: { '200': { description: 'ok' } },
        },
      },
      '/matrix/{id}': {
        get: {
          operationId: 'getMatrix',
          parameters: [{ name: 'id', in: 'path', required: true, style: 'matrix', schema: { type: 'integer' } }],
          responses: { '200': { description: 'ok' } },
        },
      },
      '/colors/{list}': {
        get: {
          operationId: 'getColors',
          parameters: [{ name: 'list', in: 'path', required: true, schema: { type: 'array', items: { type: 'string', enum: ['red', 'green', 'blue'] }, maxItems: 3 } }],
          responses: { '200': { description: 'ok' } },
        },
      },
      '/users/me': { get: { operationId: 'getMe', responses: { '200': { description: 'me' } } } },
      '/users/{id}': {
        get: {
          operationId: 'getUser',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } }],
          responses: { '200': { description: 'a user' } },
        },
      },
      '/files/{name}.{ext}': {
        get: {
          operationId: 'getFile',
          parameters: [
            { name: 'name', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } },
            { name: 'ext', in: 'path', required: true, schema: { type: 'string', enum: ['png', 'jpg'] } },
          ],
          responses: { '200': { description: 'a file' } },
        },
      },
      '/open': {
        post: {
          operationId: 'postOpen',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'object', required: ['a'], properties: { a: { type: 'string' } } } } },
          },
          responses: { '200': { description: 'ok' } },
        },
      },
      // An open composition: `closedObjects` must close it as a whole, not each branch.
      '/composed': {
        post: {
          operationId: 'postComposed',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { allOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { b: { type: 'integer' } } }] },
              },
            },
          },
          responses: { '200': { description: 'ok' } },
        },
      },
      '/customers': {
        post: {
          operationId: 'createCustomer',
          requestBody: {
            required: true,
            content: {
              'application/x-www-form-urlencoded': {
                schema: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['email'],
                  properties: {
                    email: { type: 'string', format: 'email' },
                    metadata: { type: 'object', additionalProperties: { type: 'string', maxLength: 100 }, maxProperties: 5 },
                  },
                },
                encoding: { metadata: { style: 'deepObject', explode: true } },
              },
            },
          },
          responses: { '200': { description: 'ok' } },
        },
      },
      '/things': {
        post: {
          operationId: 'createThing',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string' } } } } },
          },
          responses: { '200': { description: 'ok' } },
        },
      },
      '/search': {
        get: {
          operationId: 'search',
          parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 1 } }],
          responses: { '200': { description: 'results' } },
        },
      },
    },
    components: { schemas: { Item: ITEM_SCHEMA } },
  };
}

/** OAS 3.1 with security: an API key by default, a public operation, an OAuth2-scoped one. */
export function securedDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Conformance secured contract', version: '1.0.0' },
    security: [{ ApiKeyAuth: [] }],
    paths: {
      '/account': { get: { operationId: 'getAccount', responses: { '200': { description: 'the account' } } } },
      '/health': { get: { operationId: 'health', security: [], responses: { '200': { description: 'up' } } } },
      '/reports': {
        get: { operationId: 'getReports', security: [{ OAuth: ['reports:read'] }], responses: { '200': { description: 'the reports' } } },
      },
    },
    components: {
      securitySchemes: {
        ApiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        OAuth: {
          type: 'oauth2',
          flows: { clientCredentials: { tokenUrl: 'https://issuer.conformance/token', scopes: { 'reports:read': 'read the reports' } } },
        },
      },
    },
  };
}

/** OAS 3.0: `nullable`, which 3.1 replaced with `type: [..., 'null']`. */
export function legacyDocument(): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: { title: 'Conformance 3.0 contract', version: '1.0.0' },
    paths: {
      '/notes': {
        post: {
          operationId: 'createNote',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', required: ['note'], properties: { note: { type: 'string', nullable: true }, count: { type: 'integer', nullable: false } } },
              },
            },
          },
          responses: { '200': { description: 'ok' } },
        },
      },
    },
  };
}
