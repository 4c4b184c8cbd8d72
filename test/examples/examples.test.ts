/**
 * The examples are documentation that runs: each example service starts, serves an allowed
 * request, refuses a bad one with Portcullis's problem+json, and the README demo completes with one
 * line per request. Each runs as its own process, exactly as a reader would start it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const START_TIMEOUT_MS = 15_000;

/**
 * Starts `node examples/<name>/server.mjs` on a free port and resolves with its base URL once its
 * output matches `ready` (by default, the line announcing the URL), and with that output.
 */
async function startExample(name: string, ready = /on (http:\/\/127\.0\.0\.1:\d+)/): Promise<{ url: string; child: ChildProcess; output: string }> {
  const child = spawn(process.execPath, [join(root, 'examples', name, 'server.mjs')], {
    cwd: root,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match !== null && ready.test(output)) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${output}`));
    });
  });
  return { url, child, output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

for (const name of ['express', 'fastify', 'koa', 'hono']) {
  describe(`examples/${name}`, () => {
    it('serves an allowed request and refuses bad ones with problem+json', async () => {
      const { url, child } = await startExample(name);
      try {
        const health = await fetch(`${url}/health`);
        assert.equal(health.status, 200);
        assert.deepEqual(await health.json(), { ok: true });
        assert.equal(health.headers.get('x-content-type-options'), 'nosniff');

        const created = await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"item":"pen"}' });
        assert.equal(created.status, 201);
        assert.deepEqual(await created.json(), { created: { item: 'pen' } });

        const polluted = await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"__proto__":{"admin":true}}' });
        assert.equal(polluted.status, 400);
        assert.equal(polluted.headers.get('content-type'), 'application/problem+json');
        assert.equal(((await polluted.json()) as { code: string }).code, 'json_forbidden_key');

        const unknown = await fetch(`${url}/admin`);
        assert.equal(unknown.status, 404);
        assert.equal(((await unknown.json()) as { code: string }).code, 'route_not_found');
      } finally {
        await stop(child);
      }
    });
  });
}

describe('examples/auth', () => {
  it('authenticates a JWT, an API key and a signed webhook, and authorizes per route', async () => {
    const { url, child, output } = await startExample('auth', /^try: /m);
    try {
      const line = (label: string): string => {
        const match = new RegExp(`^${label}: (\\S+)$`, 'm').exec(output);
        assert.ok(match !== null, `the example prints its ${label}:\n${output}`);
        return match[1] as string;
      };
      const token = line('token for alice');
      const key = line('api key');
      const webhookSecret = line('webhook secret');
      const code = async (response: Response): Promise<string> => ((await response.json()) as { code: string }).code;

      assert.equal((await fetch(`${url}/health`)).status, 200, 'a public route');
      const anonymous = await fetch(`${url}/orders`);
      assert.equal(anonymous.status, 401);
      assert.equal(await code(anonymous), 'authentication_required');
      const own = await fetch(`${url}/users/alice/orders`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(own.status, 200);
      const other = await fetch(`${url}/users/bob/orders`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(other.status, 403);
      assert.equal(await code(other), 'not_owner');
      const withKey = await fetch(`${url}/orders`, { headers: { 'x-api-key': key } });
      assert.equal(withKey.status, 200);
      assert.deepEqual(await withKey.json(), { orders: [], caller: 'billing-batch' });
      const badKey = await fetch(`${url}/orders`, { headers: { 'x-api-key': `${key}x` } });
      assert.equal(badKey.status, 401);
      assert.equal(await code(badKey), 'api_key_invalid');

      const body = JSON.stringify({ type: 'payment.succeeded' });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = `sha256=${createHmac('sha256', webhookSecret).update(`${timestamp}.${body}`).digest('hex')}`;
      const headers = { 'content-type': 'application/json', 'x-signature': signature, 'x-signature-timestamp': timestamp };
      const delivered = await fetch(`${url}/webhooks/payments`, { method: 'POST', headers, body });
      assert.equal(delivered.status, 200);
      assert.deepEqual(await delivered.json(), { received: 'payment.succeeded' });
      const replayed = await fetch(`${url}/webhooks/payments`, { method: 'POST', headers, body });
      assert.equal(await code(replayed), 'signature_replayed');
      const tampered = await fetch(`${url}/webhooks/payments`, { method: 'POST', headers, body: body.replace('succeeded', 'refunded') });
      assert.equal(await code(tampered), 'signature_invalid');
    } finally {
      await stop(child);
    }
  });
});

describe('examples/graphql', () => {
  it('answers a query, refuses a depth bomb and introspection, and reports the cost', async () => {
    const { url, child } = await startExample('graphql');
    try {
      const post = (query: string) => fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      const ok = await post('{ books(first: 2) { title author { name } } }');
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { data: { books: [{ title: 'Book 1', author: { name: 'Ada' } }, { title: 'Book 2', author: { name: 'Ada' } }] } });
      assert.match(ok.headers.get('ratelimit') ?? '', /^"w60";r=\d+;t=\d+$/, 'the rate limit charged the query');
      const bomb = await post(`{ books { author { books { author { books { author { books { title } } } } } } } }`);
      assert.equal(bomb.status, 400);
      assert.equal(((await bomb.json()) as { code: string }).code, 'graphql_depth_exceeded');
      const introspection = await post('{ __schema { types { name } } }');
      assert.equal(introspection.status, 403);
      assert.equal(((await introspection.json()) as { code: string }).code, 'graphql_introspection_refused');
    } finally {
      await stop(child);
    }
  });
});

describe('examples/openapi', () => {
  it('serves documented requests and refuses what the document does not allow, a leaking response included', async () => {
    const { url, child } = await startExample('openapi');
    try {
      const key = { 'x-api-key': 'pk_example_4f1d0c7a2b9e' };
      const health = await fetch(`${url}/api/health`);
      assert.equal(health.status, 200, 'public (security: [])');
      const list = await fetch(`${url}/api/pets?limit=5&species=cat,dog`, { headers: key });
      assert.equal(list.status, 200);
      assert.deepEqual(await list.json(), [{ id: 1, name: 'Tom', species: 'cat' }]);
      // The handler filters on the typed `species` array the contract parsed from `species=dog`.
      const dogs = await fetch(`${url}/api/pets?species=dog`, { headers: key });
      assert.deepEqual(await dogs.json(), []);
      const anonymous = await fetch(`${url}/api/pets`);
      assert.equal(anonymous.status, 401, 'the document requires the API key');
      const typo = await fetch(`${url}/api/pets?limit=ten`, { headers: key });
      assert.equal(typo.status, 400);
      const problem = (await typo.json()) as { code: string; errors: { pointer: string; keyword: string }[] };
      assert.equal(problem.code, 'request_invalid');
      assert.deepEqual(problem.errors.map((e) => [e.pointer, e.keyword]), [['/query/limit', 'type']]);
      const massAssignment = await fetch(`${url}/api/pets`, { method: 'POST', headers: { ...key, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Rex', species: 'dog', isAdmin: true }) });
      assert.equal(massAssignment.status, 400);
      const created = await fetch(`${url}/api/pets`, { method: 'POST', headers: { ...key, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Rex', species: 'dog', ownerEmail: 'a@example.com' }) });
      assert.equal(created.status, 201);
      assert.deepEqual(await created.json(), { id: 2, name: 'Rex', species: 'dog' });
      const shadow = await fetch(`${url}/api/internal/debug`, { headers: key });
      assert.equal(shadow.status, 404);
      // The handler of GET /api/pets/{petId} leaks the writeOnly ownerEmail: replaced with a 502.
      const leak = await fetch(`${url}/api/pets/1`, { headers: key });
      assert.equal(leak.status, 502);
      const leakBody = await leak.text();
      assert.ok(!leakBody.includes('owner@example.com'), leakBody);
      assert.equal((JSON.parse(leakBody) as { code: string }).code, 'response_invalid');
    } finally {
      await stop(child);
    }
  });
});

describe('examples/demo', () => {
  it('runs to completion and prints one line per request, allowed and blocked', async () => {
    const child = spawn(process.execPath, [join(root, 'examples', 'demo', 'run.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, output);
    const lines = output.split('\n').filter((line) => /^(allowed|blocked|answered)/.test(line));
    assert.ok(lines.length >= 15, `one line per request:\n${output}`);
    assert.match(output, /^allowed\s+200\s.*GET \/health/m);
    assert.match(output, /^blocked\s+400\s+path_invalid\s+normalize\s/m);
    assert.match(output, /^blocked\s+400\s+json_forbidden_key\s+body\s/m);
    assert.match(output, /^answered\s+204\s.*cors/m);
    assert.match(output, /^allowed \(monitor\)\s+200\s+body_too_large/m);
    assert.match(output, /^allowed\s+201\s.*POST \/orders\s+\(create an order \(token/m);
    assert.match(output, /^blocked\s+403\s+not_owner\s+authorization\s+GET \/users\/bob\/orders/m);
    assert.match(output, /^blocked\s+403\s+insufficient_scope\s+authorization\s/m);
    assert.match(output, /^blocked\s+401\s+token_invalid\s+jwt\s/m);
    assert.match(output, /^blocked\s+429\s+rate_limited\s+rate-limit\s+GET \/search/m);
    assert.match(output, /^allowed\s+200\s.*GET \/api\/products\?limit=2/m);
    assert.match(output, /^blocked\s+400\s+request_invalid\s+openapi\.contract\s+GET \/api\/products\?limit=two/m);
    assert.match(output, /^blocked\s+400\s+request_invalid\s+openapi\.contract\s+POST \/api\/products/m);
    assert.match(output, /^blocked\s+404\s+route_undocumented\s+openapi\s+GET \/api\/admin\/export/m);
    assert.match(output, /^allowed\s+502\s.*GET \/api\/products\/1/m);
  });
});
