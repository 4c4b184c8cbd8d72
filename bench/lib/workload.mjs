// The requests every server variant answers, shared by the servers and the load generator so that
// both sides agree on paths, bodies, the schema and the token.
//
// Two workloads:
//   small    POST /api/items   a ~30-byte JSON body, no credentials. The >= 90% target is measured here.
//   auth-1k  POST /api/orders  a 1 KB JSON body with `Authorization: Bearer <JWT HS256>`, valid against
//            ORDER_SCHEMA. This is the scenario the peer stacks (JWT + schema + rate limit) are built for.
import { createHmac } from 'node:crypto';

export const SMALL_PATH = '/api/items';
export const ORDER_PATH = '/api/orders';
export const HEALTH_PATH = '/health';

export const SMALL_BODY = JSON.stringify({ sku: 'A-100', qty: 2 });

/** The shared HS256 secret of the peer stacks. Benchmark-only; never a real secret. */
export const JWT_SECRET = 'portcullis-bench-secret-0123456789abcdef';

/** JSON Schema (draft-07 subset that ajv, fastify and express-openapi-validator all accept). */
export const ORDER_SCHEMA = Object.freeze({
  type: 'object',
  additionalProperties: false,
  required: ['orderId', 'customer', 'items', 'currency', 'note'],
  properties: {
    orderId: { type: 'string', pattern: '^ord_[a-z0-9]{8}$' },
    customer: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'email'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100 },
        email: { type: 'string', maxLength: 200 },
      },
    },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['sku', 'qty', 'price'],
        properties: {
          sku: { type: 'string', maxLength: 32 },
          qty: { type: 'integer', minimum: 1, maximum: 1000 },
          price: { type: 'number', minimum: 0 },
        },
      },
    },
    currency: { type: 'string', enum: ['EUR', 'USD', 'GBP'] },
    note: { type: 'string', maxLength: 2000 },
  },
});

/** Builds the order body and pads its note so that the serialized JSON is exactly `bytes` long. */
function orderBody(bytes) {
  const order = {
    orderId: 'ord_a1b2c3d4',
    customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    items: Array.from({ length: 8 }, (_, i) => ({ sku: `SKU-${1000 + i}`, qty: i + 1, price: 9.99 + i })),
    currency: 'EUR',
    note: '',
  };
  const base = JSON.stringify(order).length;
  if (base > bytes) throw new Error(`order body is already ${base} bytes, more than ${bytes}`);
  order.note = 'x'.repeat(bytes - base);
  return JSON.stringify(order);
}

export const ORDER_BODY = orderBody(1024);

function base64url(text) {
  return Buffer.from(text).toString('base64url');
}

/** One fixed HS256 token (signed here with node:crypto, no JWT library), valid until 2100. */
function signToken() {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ sub: 'bench-user', scope: 'orders:write', iat: 1_700_000_000, exp: 4_102_444_800 }));
  const signature = createHmac('sha256', JWT_SECRET).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export const JWT_TOKEN = signToken();

/** The autocannon request of each workload. */
export const WORKLOADS = Object.freeze({
  small: {
    title: 'small JSON POST',
    method: 'POST',
    path: SMALL_PATH,
    headers: { 'content-type': 'application/json' },
    body: SMALL_BODY,
  },
  'auth-1k': {
    title: 'authenticated 1 KB JSON POST',
    method: 'POST',
    path: ORDER_PATH,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${JWT_TOKEN}` },
    body: ORDER_BODY,
  },
});

/** The JSON every handler answers with. Constant, so that response cost is equal across variants. */
export const OK = Object.freeze({ ok: true });
