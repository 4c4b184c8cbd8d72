// Starts an Express service protected by Portcullis (default in-memory store), sends it good and
// bad requests over real HTTP on loopback, and prints one line per request.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import express from 'express';
import { createFirewall } from '@portcullis/core';
import { portcullis } from '@portcullis/express';
import { DEMO_AUDIENCE, DEMO_ISSUER, DEMO_SECRET, demoPolicy } from './policy.mjs';

const decisions = new Map();
const firewall = createFirewall({
  ...demoPolicy,
  // Collect every decision by request id so the client can print which guard decided.
  events: { include: 'all', sink: (event) => event.requestId && decisions.set(event.requestId, event) },
});
await firewall.ready();

const app = express();
app.use(portcullis(firewall));
app.get('/health', (_req, res) => res.json({ ok: true }));
app.get('/orders', (_req, res) => res.json([{ id: '1', item: 'book' }]));
app.post('/orders', (req, res) => res.status(201).json({ id: '2', ...req.body }));
app.get('/orders/:id', (req, res) => res.json({ id: req.params.id, item: 'book' }));
app.delete('/orders/:id', (_req, res) => res.status(204).end());
app.get('/search', (_req, res) => res.json({ results: [] }));
app.get('/users/:userId/orders', (req, res) => res.json({ user: req.portcullis?.identity?.subject, orders: [] }));
app.all('/beta/*rest', (_req, res) => res.json({ beta: true }));
app.get('/api/products', (_req, res) => res.json([{ id: 1, name: 'Dune', price: 9.5, category: 'books' }]));
app.post('/api/products', (req, res) => res.status(201).json({ id: 2, ...req.body }));
// A bug on purpose: this handler leaks the purchase price, which the contract does not allow.
app.get('/api/products/:id', (req, res) => res.json({ id: Number(req.params.id), name: 'Dune', price: 9.5, costPrice: 4.1 }));

const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const { port } = server.address();

/** Sends one request with exact bytes (no URL normalization by the client). */
function send({ method, target, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const chunked = headers['transfer-encoding'] === 'chunked';
    const length = body === undefined || chunked ? {} : { 'content-length': Buffer.byteLength(body) };
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers: { ...headers, ...length }, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * Signs an HS256 token the way the demo's identity provider would (a real client gets its token
 * from the provider; a real service verifies the provider's keys).
 */
function token(claims, header = { alg: 'HS256', typ: 'JWT' }) {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode({ iss: DEMO_ISSUER, aud: DEMO_AUDIENCE, iat: now, exp: now + 300, ...claims })}`;
  return `${input}.${createHmac('sha256', DEMO_SECRET).update(input).digest('base64url')}`;
}
const bearer = (claims, header) => ({ authorization: `Bearer ${token(claims, header)}` });
const alice = bearer({ sub: 'alice', scope: 'orders:read orders:write' });
const aliceReadOnly = bearer({ sub: 'alice', scope: 'orders:read' });

const json = { 'content-type': 'application/json' };
const writer = { ...json, ...alice };
const requests = [
  { note: 'health check', method: 'GET', target: '/health' },
  { note: 'list orders', method: 'GET', target: '/orders' },
  { note: 'create an order (token with orders:write)', method: 'POST', target: '/orders', headers: writer, body: JSON.stringify({ item: 'pen', qty: 2 }) },
  { note: 'create an order without a token', method: 'POST', target: '/orders', headers: json, body: '{}' },
  { note: 'token without the orders:write scope', method: 'POST', target: '/orders', headers: { ...json, ...aliceReadOnly }, body: '{}' },
  { note: 'her own orders', method: 'GET', target: '/users/alice/orders', headers: alice },
  { note: "another user's orders (BOLA)", method: 'GET', target: '/users/bob/orders', headers: alice },
  { note: 'expired token', method: 'GET', target: '/users/alice/orders', headers: bearer({ sub: 'alice', exp: 1 }) },
  { note: 'alg "none" token', method: 'GET', target: '/users/alice/orders', headers: { authorization: `Bearer ${token({ sub: 'alice' }, { alg: 'none' }).split('.').slice(0, 2).join('.')}.` } },
  { note: 'search 1 of 2 this minute', method: 'GET', target: '/search' },
  { note: 'search 2 of 2', method: 'GET', target: '/search' },
  { note: 'search 3: over the limit', method: 'GET', target: '/search' },
  { note: 'method not allowed', method: 'PUT', target: '/orders' },
  { note: 'unknown route', method: 'GET', target: '/admin' },
  { note: 'dot-segment traversal', method: 'GET', target: '/orders/%2e%2e/admin' },
  { note: 'encoded slash', method: 'GET', target: '/orders/1%2F..%2Fadmin' },
  { note: 'prototype pollution', method: 'POST', target: '/orders', headers: writer, body: '{"item":"x","__proto__":{"admin":true}}' },
  { note: 'malformed JSON', method: 'POST', target: '/orders', headers: writer, body: '{"item":' },
  { note: 'JSON nested too deep', method: 'POST', target: '/orders', headers: writer, body: '['.repeat(20) + ']'.repeat(20) },
  { note: 'body over 4 KiB', method: 'POST', target: '/orders', headers: writer, body: JSON.stringify({ item: 'x'.repeat(5_000) }) },
  { note: 'method override header', method: 'POST', target: '/orders', headers: { ...writer, 'x-http-method-override': 'DELETE' }, body: '{}' },
  { note: 'CORS preflight, allowed origin', method: 'OPTIONS', target: '/orders', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } },
  { note: 'CORS preflight, unknown origin', method: 'OPTIONS', target: '/orders', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } },
  { note: 'monitor-mode route, oversized', method: 'POST', target: '/beta/x', headers: json, body: JSON.stringify({ pad: 'x'.repeat(100) }) },
  { note: 'documented operation', method: 'GET', target: '/api/products?limit=2' },
  { note: 'type confusion against the contract', method: 'GET', target: '/api/products?limit=two' },
  { note: 'mass assignment of an undeclared field', method: 'POST', target: '/api/products', headers: json, body: JSON.stringify({ name: 'Tetris', price: 5, discount: 100 }) },
  { note: 'shadow endpoint, not in the contract', method: 'GET', target: '/api/admin/export' },
  { note: 'response leaking an undeclared field: replaced', method: 'GET', target: '/api/products/1' },
  { note: 'chunked body over 4 KiB', method: 'POST', target: '/orders', headers: { ...writer, 'transfer-encoding': 'chunked' }, body: JSON.stringify({ item: 'x'.repeat(5_000) }) },
];

console.log('Portcullis demo — Express on http://127.0.0.1:%d, policy %s\n', port, firewall.policyVersion);
let failures = 0;
for (const r of requests) {
  try {
    const res = await send(r);
    const decision = decisions.get(res.headers['x-request-id']);
    const blocked = decision?.enforced && decision.outcome === 'deny';
    const verdict = decision?.outcome === 'respond' ? 'answered' : blocked ? 'blocked' : decision?.outcome === 'deny' ? 'allowed (monitor)' : 'allowed';
    const code = decision?.code ?? '-';
    const guard = decision?.guard ?? '-';
    console.log(`${verdict.padEnd(18)} ${String(res.status).padEnd(4)} ${code.padEnd(24)} ${guard.padEnd(16)} ${r.method} ${r.target}  (${r.note})`);
  } catch (error) {
    failures++;
    console.log(`error              -    -                        -                ${r.method} ${r.target}  (${r.note}): ${error.message}`);
  }
}
server.closeAllConnections();
server.close();
await firewall.close();
process.exitCode = failures === 0 ? 0 : 1;
