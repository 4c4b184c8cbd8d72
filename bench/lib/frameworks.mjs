// The frameworks under test: which server module builds their apps and which adapter the
// `portcullis` variant needs.
export const FRAMEWORKS = Object.freeze([
  { id: 'express5', title: 'Express 5', module: 'express.mjs', options: { major: 5 }, adapter: '@portcullis/express' },
  { id: 'express4', title: 'Express 4', module: 'express.mjs', options: { major: 4 }, adapter: '@portcullis/express' },
  { id: 'fastify5', title: 'Fastify 5', module: 'fastify.mjs', options: {}, adapter: '@portcullis/fastify' },
  { id: 'koa3', title: 'Koa 3', module: 'koa.mjs', options: {}, adapter: '@portcullis/koa' },
  { id: 'hono4', title: 'Hono 4 (@hono/node-server)', module: 'hono.mjs', options: {}, adapter: '@portcullis/hono' },
]);

/**
 * The variants measured on each workload. bare is the baseline of all; `peer` (JWT + schema + rate
 * limit) exists for auth-1k only, `peer-jwt` (the framework's JWT middleware alone) for jwt-mix only.
 */
export const VARIANTS_BY_WORKLOAD = Object.freeze({
  small: ['bare', 'portcullis'],
  'auth-1k': ['bare', 'portcullis', 'peer'],
  'jwt-mix': ['bare', 'portcullis', 'peer-jwt'],
});

export function frameworkById(id) {
  const framework = FRAMEWORKS.find((f) => f.id === id);
  if (framework === undefined) throw new Error(`unknown framework "${id}" (known: ${FRAMEWORKS.map((f) => f.id).join(', ')})`);
  return framework;
}

/**
 * Whether the adapter is built and exports `portcullis`. While it is not (the adapters are being
 * written), the `portcullis` variant is skipped with a note instead of failing the whole run.
 */
export async function adapterStatus(framework) {
  try {
    const module = await import(framework.adapter);
    if (typeof module.portcullis === 'function') return { ok: true };
    return { ok: false, reason: `${framework.adapter} does not export portcullis() yet` };
  } catch (error) {
    return { ok: false, reason: `${framework.adapter} cannot be imported (${error.code ?? error.message}); build it with npm run build` };
  }
}
