// Starting one server process per variant and checking, before anything is measured, that each
// variant really does what its name says (a benchmark of a stack that silently lets everything
// through, or rejects everything, would publish a meaningless ratio).
import { fileURLToPath } from 'node:url';
import { firstMessage, PINNING, spawnNode, stop } from './processes.mjs';
import { clientClaims, signTokens } from './tokens.mjs';
import { JWT_MIX_TOKENS, JWT_SECRET, ORDER_BODY, ORDER_PATH, WORKLOADS } from './workload.mjs';

const SERVE = fileURLToPath(new URL('../servers/serve.mjs', import.meta.url));
const START_TIMEOUT_MS = 20_000;

/** The server process's CPU time (user + system) so far, in microseconds. */
async function cpuMicros(child) {
  const answer = firstMessage(child, 5_000, 'server CPU time');
  child.send('cpu');
  return (await answer).cpuMicros;
}

export async function startServer(framework, variant) {
  const child = spawnNode(SERVE, [framework.id, variant], PINNING?.server);
  try {
    const message = await firstMessage(child, START_TIMEOUT_MS, `${framework.id}/${variant} server`);
    if (message.error !== undefined) throw new Error(`${framework.id}/${variant} server failed to start:\n${message.error}`);
    return { child, url: `http://127.0.0.1:${message.port}`, cpuMicros: () => cpuMicros(child), stop: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

/** The workload's request, with `overrides`; a header overridden with undefined is left out. */
async function send(url, workload, overrides = {}) {
  const request = WORKLOADS[workload];
  const headers = Object.fromEntries(Object.entries({ ...request.headers, ...overrides.headers }).filter(([, value]) => value !== undefined));
  const response = await fetch(`${url}${request.path}`, {
    method: request.method,
    headers,
    body: overrides.body ?? request.body,
    signal: AbortSignal.timeout(5_000),
  });
  await response.arrayBuffer();
  return response;
}

/** Client 0's token, but signed with `key` and with `claims` changed. */
const variantToken = (key, claims) => `Bearer ${signTokens({ alg: 'HS256', key, count: 1, claims: () => ({ ...clientClaims(0), ...claims }) })[0]}`;

/** Tokens every verifier must refuse, each for one reason: a variant that skips a check is not measured. */
const REFUSED_TOKENS = [
  ['a token signed with another secret', variantToken(`${JWT_SECRET}-not`, {})],
  ['a token from another issuer', variantToken(JWT_SECRET, { iss: 'https://elsewhere.example' })],
  ['a token for another audience', variantToken(JWT_SECRET, { aud: 'another-api' })],
];

/** Whether this variant verifies the workload's bearer token (the jwt() guard, or a peer's JWT middleware). */
function verifiesToken(variant, workload) {
  return workload !== 'small' && variant !== 'bare';
}

/** Returns undefined when the variant checks tokens as the workload expects, else what is wrong. */
async function checkTokens(url, workload) {
  const anonymous = await send(url, workload, { headers: { authorization: undefined } });
  if (anonymous.status !== 401) return `a request without a token got ${anonymous.status}, expected 401`;
  for (const [what, authorization] of REFUSED_TOKENS) {
    const refused = await send(url, workload, { headers: { authorization } });
    if (refused.status !== 401) return `${what} got ${refused.status}, expected 401`;
  }
  if (WORKLOADS[workload].requests !== undefined) {
    // Client 0's token passed the first check; the last client's shows the whole mix is valid.
    const last = await send(url, workload, { headers: { authorization: `Bearer ${JWT_MIX_TOKENS.at(-1)}` } });
    if (last.status !== 200) return `the last client's token got ${last.status}, expected 200`;
  }
  return undefined;
}

/** Returns undefined when the variant behaves as described, else what is wrong. */
export async function checkVariant(url, variant, workload) {
  const ok = await send(url, workload);
  if (ok.status !== 200) return `the ${workload} request got ${ok.status}, expected 200`;
  if (variant === 'portcullis' && ok.headers.get('x-content-type-options') !== 'nosniff') {
    return 'no security headers on the answer: Portcullis is not in the request path';
  }
  if (variant === 'portcullis') {
    const override = await send(url, workload, { headers: { 'x-http-method-override': 'DELETE' } });
    if (override.status < 400) return `a method-override header was let through (${override.status})`;
  }
  if (verifiesToken(variant, workload)) {
    const problem = await checkTokens(url, workload);
    if (problem !== undefined) return problem;
  }
  if (variant === 'peer' && workload === 'auth-1k') {
    const invalid = await send(url, workload, { body: ORDER_BODY.replace('"EUR"', '"XXX"') });
    if (invalid.status !== 400) return `a body that breaks the schema (POST ${ORDER_PATH}) got ${invalid.status}, expected 400`;
  }
  return undefined;
}
