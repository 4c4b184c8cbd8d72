// The requests every server variant answers, shared by the servers and the load generator so that
// both sides agree on paths, bodies, the schema and the tokens.
//
// Three workloads:
//   small    POST /api/items          a ~30-byte JSON body, no credentials. The >= 90% target is measured here.
//   auth-1k  POST /api/orders         a 1 KB JSON body with `Authorization: Bearer <JWT HS256>`, valid against
//            ORDER_SCHEMA. This is the scenario the peer stacks (JWT + schema + rate limit) are built for.
//   jwt-mix  POST /api/account/items  the small body with the bearer token of one of 1,000 clients, cycling:
//            the identity target (JWT only, each client's token reused, as real clients do).
//            Not /api/items: the `portcullis` server answers `small` there without credentials, and one
//            server process serves every workload of its variant.
import { JWT_AUDIENCE, JWT_ISSUER, signTokens } from './tokens.mjs';

export { JWT_AUDIENCE, JWT_ISSUER };

export const SMALL_PATH = '/api/items';
export const ORDER_PATH = '/api/orders';
export const HEALTH_PATH = '/health';
export const JWT_MIX_PATH = '/api/account/items';

export const SMALL_BODY = JSON.stringify({ sku: 'A-100', qty: 2 });

/** The HS256 secret every verifier shares (Portcullis's jwt() guard and the peers). Benchmark-only; never a real secret. */
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

/** How many distinct clients (one token each) the jwt-mix workload cycles through. */
export const JWT_MIX_CLIENTS = 1_000;

/** One HS256 token per client (`sub` client-0 ... client-999), all with the run's iss and aud, valid until 2100. */
export const JWT_MIX_TOKENS = Object.freeze(signTokens({ alg: 'HS256', key: JWT_SECRET, count: JWT_MIX_CLIENTS }));

/** The fixed token of auth-1k (and of the server checks): client 0's. */
export const JWT_TOKEN = JWT_MIX_TOKENS[0];

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
  'jwt-mix': {
    title: 'authenticated small JSON POST, 1,000 clients\' HS256 tokens',
    method: 'POST',
    path: JWT_MIX_PATH,
    // `headers` is one client's request (what the server checks send); `requests` is the whole mix,
    // one request per client in the form autocannon takes, spread over the connections by the
    // load generator (load-generator.mjs).
    headers: { 'content-type': 'application/json', authorization: `Bearer ${JWT_TOKEN}` },
    body: SMALL_BODY,
    requests: Object.freeze(JWT_MIX_TOKENS.map((token) => Object.freeze({ headers: Object.freeze({ 'content-type': 'application/json', authorization: `Bearer ${token}` }) }))),
  },
});

/** The JSON every handler answers with. Constant, so that response cost is equal across variants. */
export const OK = Object.freeze({ ok: true });
